"""Founding an organization from the home page, and changing one's password in settings."""

from __future__ import annotations

from partage.core.roles import Role
from partage.services import accounts, organizations
from tests.conftest import PASSWORD, Community
from tests.web.conftest import Visitor


def test_a_signed_in_user_founds_an_organization(visitor: Visitor, community: Community) -> None:
    visitor.sign_in("bruno")
    home = visitor.get("/").text
    assert "Create an organization" in home and 'action="/organizations"' in home
    page = visitor.post(
        "/organizations",
        {"name": "Atelier vélo du quartier", "currency": "eur", "legal_form": "association"},
    )
    assert page.status_code == 200
    assert str(page.url).endswith("/o/atelier-velo-du-quartier")
    assert "Your organization is created: you are its first admin." in page.text
    assert "Open a round" in page.text  # the founder is its admin
    with community.uow(readonly=True) as u:
        mine = organizations.my_organizations(u, user_id=community.bruno.member.user_id or 0)
    found = {org.slug: (org, member) for org, member in mine}
    org, member = found["atelier-velo-du-quartier"]
    assert member.role is Role.ADMIN and member.name == "Bruno"
    assert org.currency.code == "EUR" and org.legal_form.value == "association"


def test_a_time_bank_counts_in_its_own_unit(visitor: Visitor, community: Community) -> None:
    visitor.sign_in("chloé")
    page = visitor.post(
        "/organizations",
        {
            "name": "Banque de temps",
            "slug": "temps",
            "currency": "HOUR",
            "decimals": "2",
            "legal_form": "informal",
        },
    )
    assert str(page.url).endswith("/o/temps")
    assert "0.00\u00a0HOUR" in page.text


def test_a_refused_organization_is_explained_next_to_its_field(
    visitor: Visitor, community: Community
) -> None:
    visitor.sign_in("bruno")
    unknown = visitor.post(
        "/organizations", {"name": "Troc", "currency": "ZZZ", "legal_form": "informal"}
    )
    assert unknown.status_code == 400
    assert "This is not an ISO 4217 currency code" in unknown.text
    assert 'value="Troc"' in unknown.text  # what was typed is kept
    taken = visitor.post(
        "/organizations",
        {"name": "Autre", "slug": "tiers-lieux", "currency": "EUR", "legal_form": "scic"},
    )
    assert taken.status_code == 409
    assert "This short name is taken: choose another." in taken.text
    french = visitor.post(
        "/organizations?lang=fr",
        {"name": "Troc", "currency": "EUR", "decimals": "3", "legal_form": "scop"},
    )
    assert "Ces décimales ne conviennent pas" in french.text
    bad_form = visitor.post(
        "/organizations?lang=en", {"name": "Troc", "currency": "EUR", "legal_form": "sarl"}
    )
    assert "Choose a legal form from the list." in bad_form.text
    with community.uow(readonly=True) as u:
        mine = organizations.my_organizations(u, user_id=community.bruno.member.user_id or 0)
    assert [org.slug for org, _ in mine] == ["tiers-lieux"]


def test_founding_needs_sign_in(visitor: Visitor) -> None:
    page = visitor.post("/organizations", {"name": "X", "currency": "EUR"}, follow=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/signin")


def test_a_member_changes_their_password(visitor: Visitor, community: Community) -> None:
    visitor.sign_in("dario")
    url = "/o/tiers-lieux/settings/password"
    wrong = visitor.post(
        url,
        {"current_password": "pas le bon", "password": "nouveau-secret", "password_again": "x"},
    )
    assert wrong.status_code == 400
    assert "Your current password is not this one." in wrong.text
    differ = visitor.post(
        url,
        {"current_password": PASSWORD, "password": "nouveau-secret", "password_again": "autre"},
    )
    assert "The two new passwords differ." in differ.text
    short = visitor.post(
        url, {"current_password": PASSWORD, "password": "court", "password_again": "court"}
    )
    assert "A password has at least 8 characters." in short.text
    done = visitor.post(
        url,
        {
            "current_password": PASSWORD,
            "password": "nouveau-secret",
            "password_again": "nouveau-secret",
        },
    )
    assert "Your password is changed." in done.text
    with community.uow(readonly=True) as u:
        assert accounts.sign_in(u, email="dario@tiers-lieux.example", password="nouveau-secret")
    visitor.post("/signout")
    assert visitor.sign_in("dario").status_code == 401
    assert "You are signed in." in visitor.sign_in("dario", password="nouveau-secret").text
