"""/api/orgs/{slug}/subscriptions: plans, subscribers and charges, with refusals that write
nothing."""

from __future__ import annotations

from tests.api.conftest import ORG, Api


def test_a_licence_plan_charged_through_the_api(api: Api) -> None:
    plan = api.ok(
        "POST",
        f"{ORG}/subscriptions/plans",
        status=201,
        json={"name": "Licence", "period": "quarterly", "fees": {"producer": "90", "courier": 45}},
    )
    assert plan["fees"]["producer"]["value"] == "90.00"
    assert plan["destination"] == "fund:operations"
    sub = api.ok(
        "POST",
        f"{ORG}/subscriptions",
        status=201,
        json={
            "plan": "Licence",
            "member": api.member_id("dario"),
            "status": "courier",
            "starts_on": "2025-12-01",
        },
    )
    assert (sub["charged"], sub["next_due"]) == (0, "2025-12-01")
    before = api.journal_size()
    report = api.ok("POST", f"{ORG}/subscriptions/charges")
    # the clock reads 2 March 2026: the periods of 1 December and 1 March have begun
    assert [c["period_start"] for c in report["charges"]] == ["2025-12-01", "2026-03-01"]
    assert report["total"]["value"] == "90.00"
    assert api.journal_size() == before + 2
    assert api.ok("POST", f"{ORG}/subscriptions/charges")["charges"] == []
    listed = api.ok("GET", f"{ORG}/subscriptions", who="bruno")
    assert [(s["member_name"], s["charged"], s["next_due"]) for s in listed] == [
        ("Dario", 2, "2026-06-01")
    ]
    ended = api.ok(
        "POST",
        f"{ORG}/subscriptions/end",
        json={"plan": "Licence", "member": api.member_id("dario"), "last_day": "2026-05-31"},
    )
    assert ended["next_due"] is None


def test_refusals_name_the_rule_and_write_nothing(api: Api) -> None:
    cases = [
        ({"name": "A", "period": "weekly", "fees": {"a": "1"}}, 422, "subscription.bad_period"),
        ({"name": "A", "period": "monthly", "fees": {}}, 422, "subscription.no_fee"),
        ({"name": "A", "period": "monthly", "fees": {"a": "0"}}, 422, "amount.zero"),
        ({"name": "A", "period": "monthly", "fees": {"a": 1.5}}, 422, None),
        (
            {"name": "A", "period": "monthly", "fees": {"a": "1"}, "destination": "party:x"},
            422,
            "subscription.bad_destination",
        ),
    ]
    for body, status, code in cases:
        response = api.post(f"{ORG}/subscriptions/plans", json=body)
        assert response.status_code == status, (body, response.text)
        if code:
            assert response.json()["error"]["code"] == code
    member = api.post(
        f"{ORG}/subscriptions/plans",
        who="bruno",
        json={"name": "A", "period": "monthly", "fees": {"a": "1"}},
    )
    assert member.status_code == 403
    assert api.ok("GET", f"{ORG}/subscriptions/plans") == []
    unknown = api.post(
        f"{ORG}/subscriptions",
        json={"plan": "Nope", "member": 2, "status": "a", "starts_on": "2026-01-01"},
    )
    assert unknown.status_code == 404
    assert api.ok("GET", f"{ORG}/subscriptions") == []
