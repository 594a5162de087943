"""The organization, its members and colleges, and its public page."""

from __future__ import annotations

from tests.api.conftest import ORG, Api


def test_admins_add_members_and_colleges(api: Api) -> None:
    college = api.ok(
        "POST", f"{ORG}/colleges", json={"name": "Salariés", "weight": "12.5"}, status=201
    )
    assert college["weight"] == "12.5"
    assert "Salariés" in [c["name"] for c in api.ok("GET", f"{ORG}/colleges", "olga")]
    body = {
        "name": "Emma",
        "email": "emma@tiers-lieux.example",
        "password": "un mot de passe",
        "college": "Salariés",
        "role": "member",
    }
    emma = api.ok("POST", f"{ORG}/members", json=body, status=201)
    assert (emma["name"], emma["college"], emma["role"]) == ("Emma", "Salariés", "member")
    # Emails are for admins and for each member's own line.
    seen_by_bruno = {m["name"]: m["email"] for m in api.ok("GET", f"{ORG}/members", "bruno")}
    assert seen_by_bruno["Emma"] is None
    assert seen_by_bruno["Bruno"] == "bruno@tiers-lieux.example"


def test_members_cannot_administer(api: Api) -> None:
    for method, path, body in (
        ("POST", "/members", {"name": "Eve"}),
        ("POST", "/colleges", {"name": "X", "weight": "1"}),
        ("PATCH", "", {"public_page": True}),
        ("POST", "/rounds", {"name": "R", "envelope": "1"}),
        ("POST", "/ledger/deposits", {"amount": "1", "memo": "x"}),
    ):
        refused = api.client.request(method, f"{ORG}{path}", json=body, headers=api.as_("bruno"))
        assert refused.status_code == 403, path
        assert refused.json()["error"]["code"] == "role.not_admin"


def test_the_public_page_shows_the_books_once_turned_on(api: Api) -> None:
    hidden = api.client.get("/api/public/tiers-lieux")
    nowhere = api.client.get("/api/public/nulle-part")
    assert hidden.status_code == nowhere.status_code == 404
    assert hidden.json()["error"] == {
        **nowhere.json()["error"],
        "message": "no organization 'tiers-lieux'",
    }
    org = api.ok("PATCH", ORG, json={"public_page": True})
    assert org["public_page"] is True
    page = api.client.get("/api/public/tiers-lieux")
    assert page.status_code == 200
    shown = page.json()
    assert {b["account"]: b["amount"]["value"] for b in shown["funds"]} == {
        "bank": "10000.00",
        "fund:commons": "10000.00",
    }
    assert shown["books"]["ok"] is True
    assert shown["owed_to_members"]["minor"] == 0
    assert "members" not in shown


def test_hostile_public_slugs_are_404(api: Api) -> None:
    for slug in ("%00", "x" * 300, "..", "%F0%9F%98%80", "%ED%A0%80", "%FF", "a%00b"):
        assert api.client.get(f"/api/public/{slug}").status_code == 404, slug
