"""Signing in and out, the sign-in wall, and the CSRF check on every form."""

from __future__ import annotations

from tests.conftest import Community
from tests.web.conftest import Visitor, open_round


def test_a_wrong_password_is_refused_with_a_message(visitor: Visitor) -> None:
    page = visitor.sign_in("aicha", password="not the password")
    assert page.status_code == 401
    assert "Wrong email or password." in page.text
    assert 'value="aicha@tiers-lieux.example"' in page.text  # the email is kept
    assert visitor.client.get("/o/tiers-lieux").url.path == "/signin"


def test_signing_in_opens_the_organizations_of_the_member(visitor: Visitor) -> None:
    page = visitor.sign_in("bruno")
    assert page.status_code == 200
    assert "You are signed in." in page.text
    assert "Your organizations" in page.text
    assert 'href="/o/tiers-lieux"' in page.text


def test_signed_out_readers_are_sent_to_sign_in_then_back(visitor: Visitor) -> None:
    wall = visitor.client.get("/o/tiers-lieux/ledger", follow_redirects=False)
    assert wall.status_code == 303
    assert wall.headers["location"] == "/signin?next=%2Fo%2Ftiers-lieux%2Fledger"
    form = {
        "email": "chloé@tiers-lieux.example",
        "password": "correct horse battery",
        "next": "/o/tiers-lieux/ledger",
    }
    landed = visitor.post("/signin", form, follow=False)
    assert landed.headers["location"] == "/o/tiers-lieux/ledger"


def test_sign_in_never_redirects_to_another_site(visitor: Visitor) -> None:
    form = {
        "email": "chloé@tiers-lieux.example",
        "password": "correct horse battery",
        "next": "//evil.example/",
    }
    assert visitor.post("/signin", form, follow=False).headers["location"] == "/"


def test_signing_out_ends_the_session(visitor: Visitor) -> None:
    visitor.sign_in("bruno")
    page = visitor.post("/signout")
    assert "You are signed out." in page.text
    assert visitor.client.get("/o/tiers-lieux", follow_redirects=False).status_code == 303


def test_a_form_without_the_csrf_token_is_refused_and_writes_nothing(
    visitor: Visitor, community: Community
) -> None:
    round_id = open_round(community)
    visitor.sign_in("bruno")
    form = {"amount": "10", "justification": "atelier"}
    missing = visitor.post(f"/o/tiers-lieux/rounds/{round_id}/claims", form, csrf=False)
    assert missing.status_code == 403
    assert "This form has expired or did not come from partage" in missing.text
    forged = visitor.post(
        f"/o/tiers-lieux/rounds/{round_id}/claims", {**form, "csrf": "forged"}, csrf=False
    )
    assert forged.status_code == 403
    assert "No claim yet." in visitor.get(f"/o/tiers-lieux/rounds/{round_id}").text


def test_sign_in_itself_needs_the_csrf_token(visitor: Visitor) -> None:
    form = {"email": "bruno@tiers-lieux.example", "password": "correct horse battery"}
    assert visitor.post("/signin", form, csrf=False).status_code == 403
