"""Tokens, who-am-I, and the wall between organizations."""

from __future__ import annotations

from fastapi.testclient import TestClient

from partage.services.organizations import set_public_page
from tests.api.conftest import ORG, Api, bearer
from tests.conftest import PASSWORD, make_community


def test_a_member_exchanges_email_and_password_for_a_token(api: Api) -> None:
    body = {
        "organization": "tiers-lieux",
        "email": "bruno@tiers-lieux.example",
        "password": PASSWORD,
        "label": "laptop",
    }
    issued = api.client.post("/api/tokens", json=body)
    assert issued.status_code == 201, issued.text
    token = issued.json()["token"]
    assert issued.json()["member"]["name"] == "Bruno"
    me = api.client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["member"]["id"] == api.member_id("bruno")
    assert me.json()["organization"]["slug"] == "tiers-lieux"


def test_a_wrong_password_gets_401_and_no_token(api: Api) -> None:
    body = {
        "organization": "tiers-lieux",
        "email": "bruno@tiers-lieux.example",
        "password": "x" * 9,
    }
    refused = api.client.post("/api/tokens", json=body)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "auth.failed"
    assert refused.headers["www-authenticate"] == "Bearer"


def test_a_token_for_an_organization_one_is_not_part_of_is_404(api: Api) -> None:
    make_community(api.community.uow, api.community.clock, slug="autre", fund=0)
    body = {"organization": "autre", "email": "bruno@tiers-lieux.example", "password": PASSWORD}
    refused = api.client.post("/api/tokens", json=body)
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "organization.not_found"


def test_no_token_or_an_unknown_one_is_401(client: TestClient, api: Api) -> None:
    missing = client.get(f"{ORG}/rounds")
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "auth.required"
    for header in ("Bearer pt_forged", "Basic YWxhZGRpbjpvcGVu", "Bearer "):
        refused = client.get(f"{ORG}/rounds", headers={"Authorization": header})
        assert refused.status_code == 401, header
    assert (
        client.get("/api/me", headers={"Authorization": "Bearer nope"}).json()["error"]["code"]
        == "auth.bad_token"
    )


def test_another_organization_looks_exactly_like_one_that_does_not_exist(api: Api) -> None:
    other = make_community(api.community.uow, api.community.clock, slug="autre")
    with other.uow() as u:
        set_public_page(u, actor=other.admin, public=True)
    ours = api.as_("aicha")
    for path in ("", "/members", "/rounds", "/ledger/journal", "/ledger/check", "/claims/1"):
        theirs = api.client.get(f"/api/orgs/autre{path}", headers=ours)
        nowhere = api.client.get(f"/api/orgs/nulle-part{path}", headers=ours)
        assert theirs.status_code == nowhere.status_code == 404
        assert theirs.json()["error"] == {
            **nowhere.json()["error"],
            "message": "no organization 'autre'",
        }
    # And their own token does not reach us either, even to write.
    theirs = bearer(other, other.admin)
    deposit = {"amount": "1", "memo": "x"}
    written = api.client.post(f"{ORG}/ledger/deposits", json=deposit, headers=theirs)
    assert written.status_code == 404
    assert api.journal_size() == 1


def test_hostile_organization_slugs_are_404(api: Api) -> None:
    for slug in ("%00", "x" * 300, "%ED%A0%80", "%FF", "tiers-lieux%00"):
        response = api.client.get(f"/api/orgs/{slug}/rounds", headers=api.as_("aicha"))
        assert response.status_code == 404, slug
        assert response.json()["error"]["code"] == "organization.not_found"


def test_a_member_creates_a_new_organization_and_becomes_its_admin(api: Api) -> None:
    body = {
        "email": "bruno@tiers-lieux.example",
        "password": PASSWORD,
        "name": "Accorderie du Marais",
        "currency": "HOUR",
        "decimals": 2,
        "legal_form": "association",
    }
    created = api.client.post("/api/organizations", json=body)
    assert created.status_code == 201, created.text
    made = created.json()
    assert made["organization"]["slug"] == "accorderie-du-marais"
    assert made["organization"]["currency"] == {"code": "HOUR", "decimals": 2}
    assert made["member"]["role"] == "admin"
    headers = {"Authorization": f"Bearer {made['token']}"}
    assert api.client.get("/api/orgs/accorderie-du-marais", headers=headers).status_code == 200
    # Bruno's token for the new organization opens nothing in the old one.
    assert api.client.get(f"{ORG}/members", headers=headers).status_code == 404
    again = api.client.post("/api/organizations", json=body)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "organization.slug_taken"
    for bad, status, code in (
        ({"currency": "XYZ", "decimals": None}, 422, "currency.unknown"),
        ({"legal_form": "cartel"}, 422, "request.enum"),
        ({"password": "wrong password"}, 401, "auth.failed"),
    ):
        refused = api.client.post("/api/organizations", json={**body, "name": "Autre", **bad})
        assert (refused.status_code, refused.json()["error"]["code"]) == (status, code)
    with api.community.uow(readonly=True) as u:
        assert u.community.organization_by_slug("autre") is None  # nothing written


def test_changing_ones_password(api: Api) -> None:
    headers = api.as_("bruno")
    wrong = api.client.post(
        "/api/me/password",
        headers=headers,
        json={"current_password": "nope nope", "password": "a new secret"},
    )
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (422, "password.wrong_current")
    short = api.client.post(
        "/api/me/password",
        headers=headers,
        json={"current_password": PASSWORD, "password": "short"},
    )
    assert (short.status_code, short.json()["error"]["code"]) == (422, "password.too_short")
    done = api.client.post(
        "/api/me/password",
        headers=headers,
        json={"current_password": PASSWORD, "password": "a new secret"},
    )
    assert done.status_code == 204
    body = {
        "organization": "tiers-lieux",
        "email": "bruno@tiers-lieux.example",
        "password": "a new secret",
    }
    assert api.client.post("/api/tokens", json=body).status_code == 201
    assert api.client.post("/api/tokens", json={**body, "password": PASSWORD}).status_code == 401
