"""The whole life of rounds through HTTP: open, declare, object, discuss, amend, close with
each policy, carry over, settle debts, waive and redirect, pay out, and the books check."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import ORG, Api


def open_round(api: Api, envelope: str = "5000.00", **fields: Any) -> dict[str, Any]:
    body = {"name": "Printemps 2026", "envelope": envelope, "window_hours": 168, **fields}
    result: dict[str, Any] = api.ok("POST", f"{ORG}/rounds", json=body, status=201)
    return result


def declare(api: Api, who: str, round_id: int, amount: str | int, **fields: Any) -> int:
    body = {"amount": amount, "justification": "animation du jardin", **fields}
    claim = api.ok("POST", f"{ORG}/rounds/{round_id}/claims", who, json=body, status=201)
    return int(claim["id"])


def close(api: Api, round_id: int) -> dict[str, Any]:
    result: dict[str, Any] = api.ok("POST", f"{ORG}/rounds/{round_id}/close")
    return result


def minor(money: dict[str, Any]) -> int:
    return int(money["minor"])


def balances(api: Api) -> dict[str, int]:
    return {b["account"]: minor(b["amount"]) for b in api.ok("GET", f"{ORG}/ledger/balances")}


def test_a_round_from_opening_to_payout(api: Api) -> None:
    bruno, chloe = api.member_id("bruno"), api.member_id("chloe")
    opened = open_round(
        api,
        missions=[{"name": "Accueil", "envelope": "1000", "steward": chloe}],
        rates=[{"activity": "animation", "amount": "25.00"}],
    )
    r = opened["id"]
    assert opened["total_envelope"] == {"minor": 500_000, "value": "5000.00", "currency": "EUR"}
    assert opened["rates"][0]["amount"]["value"] == "25.00"
    mission = opened["missions"][0]["id"]

    first = declare(api, "bruno", r, "1200.00")
    second = declare(api, "chloe", r, "800", mission=mission, hours="32")
    claim = api.ok(
        "POST", f"{ORG}/claims/{first}/objections", "dario", json={"reason": "?"}, status=201
    )
    assert claim["status"] == "under_objection"
    event = api.ok(
        "POST", f"{ORG}/claims/{first}/comments", "bruno", json={"body": "3 jours"}, status=201
    )
    assert event["kind"] == "comment"
    api.community.clock.advance(days=2)
    amended = api.ok("POST", f"{ORG}/claims/{first}/amend", "bruno", json={"amount": "1000.00"})
    assert amended["amount"]["value"] == "1000.00"
    assert amended["status"] == "in_window"  # the amendment resolved the objection
    assert amended["objections"][0]["resolution"] == "amended"
    assert amended["window_ends_at"] == "2026-03-11T09:00:00Z"  # restarted: two days later

    view = api.ok("GET", f"{ORG}/rounds/{r}")
    assert minor(view["totals"]["declared"]) == 180_000
    assert {p["mission_id"]: minor(p["declared"]) for p in view["pots"]} == {
        None: 100_000,
        mission: 80_000,
    }
    assert {c["id"]: c["status"] for c in view["claims"]} == {
        first: "in_window",
        second: "in_window",
    }

    api.community.clock.advance(days=8)
    assert api.ok("GET", f"{ORG}/claims/{second}")["status"] == "accepted"
    report = close(api, r)
    assert {c["claim_id"]: minor(c["granted"]) for c in report["claims"]} == {
        first: 100_000,
        second: 80_000,
    }
    assert minor(report["unspent"]) == 320_000 and report["unspent_to"] == "fund:commons"
    assert report["carried_claim_ids"] == []
    assert api.ok("GET", f"{ORG}/rounds/{r}")["closing"] == report

    assert balances(api)[f"member:{bruno}"] == 100_000
    payout = {"member": bruno, "amount": "600", "reference": "VIR-001"}
    entry = api.ok("POST", f"{ORG}/ledger/payouts", json=payout, status=201)
    assert entry["cause"] == f"payout:{bruno}"
    assert balances(api)[f"member:{bruno}"] == 40_000
    assert api.ok("GET", f"{ORG}/ledger/check") == {
        "ok": True,
        "entries": 4,
        "problems": [],
    }
    given = api.ok("GET", f"{ORG}/members/{bruno}/given")
    assert minor(given["taken"]) == 100_000


def test_withdrawn_objection_lets_the_claim_be_accepted(api: Api) -> None:
    r = open_round(api)["id"]
    claim_id = declare(api, "bruno", r, "100")
    claim = api.ok(
        "POST", f"{ORG}/claims/{claim_id}/objections", "chloe", json={"reason": "?"}, status=201
    )
    oid = claim["objections"][0]["id"]
    api.community.clock.advance(days=8)
    assert api.ok("GET", f"{ORG}/claims/{claim_id}")["status"] == "under_objection"
    withdrawn = api.ok("POST", f"{ORG}/claims/{claim_id}/objections/{oid}/withdraw", "chloe")
    assert withdrawn["status"] == "accepted"
    kinds = [e["kind"] for e in withdrawn["events"]]
    assert kinds == ["declared", "objected", "objection_withdrawn"]


def test_pro_rata_scales_down_to_the_envelope(api: Api) -> None:
    r = open_round(api, "1000.00", policy="pro_rata")["id"]
    for who in ("bruno", "chloe", "dario"):
        declare(api, who, r, "1000.00")
    api.community.clock.advance(days=8)
    report = close(api, r)
    assert sorted(minor(c["granted"]) for c in report["claims"]) == [33_333, 33_333, 33_334]
    assert minor(report["granted"]) == 100_000 and minor(report["unspent"]) == 0


def test_in_order_serves_the_earliest_accepted_first(api: Api) -> None:
    r = open_round(api, "1000.00", policy="in_order")["id"]
    first = declare(api, "bruno", r, "700")
    api.community.clock.advance(hours=1)
    second = declare(api, "chloe", r, "500")
    api.community.clock.advance(days=8)
    report = close(api, r)
    assert {c["claim_id"]: minor(c["granted"]) for c in report["claims"]} == {
        first: 70_000,
        second: 30_000,
    }
    assert all(minor(c["debt"]) == 0 for c in report["claims"])


def test_debt_policy_owes_the_rest_and_settles_it_next_round(api: Api) -> None:
    chloe = api.member_id("chloe")
    r1 = open_round(api, "1000.00", policy="debt")["id"]
    declare(api, "bruno", r1, "800")
    api.community.clock.advance(minutes=1)
    late = declare(api, "chloe", r1, "500")
    api.community.clock.advance(days=8)
    report = close(api, r1)
    outcome = next(c for c in report["claims"] if c["claim_id"] == late)
    assert (minor(outcome["granted"]), minor(outcome["debt"])) == (20_000, 30_000)
    assert balances(api)[f"debt:{chloe}"] == 30_000

    r2 = open_round(api, "1000.00", policy="debt")["id"]
    declare(api, "dario", r2, "900")
    api.community.clock.advance(days=8)
    report2 = close(api, r2)
    assert [(d["member_id"], minor(d["paid"])) for d in report2["debts"]] == [(chloe, 30_000)]
    assert minor(report2["debts_paid"]) == 30_000
    assert balances(api)[f"member:{chloe}"] == 50_000
    assert api.ok("GET", f"{ORG}/ledger/check")["ok"] is True


def test_unspent_rolls_over_and_claims_under_objection_carry(api: Api) -> None:
    r1 = open_round(api, "1000.00", unspent="rollover")["id"]
    declare(api, "bruno", r1, "400")
    disputed = declare(api, "chloe", r1, "100")
    api.ok(
        "POST", f"{ORG}/claims/{disputed}/objections", "dario", json={"reason": "trop"}, status=201
    )
    api.community.clock.advance(days=8)
    report = close(api, r1)
    assert report["carried_claim_ids"] == [disputed]
    assert minor(report["unspent"]) == 60_000 and report["unspent_to"] == "fund:rollover"

    r2 = open_round(api, "500.00")
    assert minor(r2["rolled_in"]) == 60_000 and minor(r2["total_envelope"]) == 110_000
    assert [c["id"] for c in r2["claims"]] == [disputed]
    carried = api.ok("GET", f"{ORG}/claims/{disputed}")
    assert carried["round_id"] == r2["id"] and carried["origin_round_id"] == r1
    assert [e["kind"] for e in carried["events"]][-2:] == ["carried_out", "carried_in"]
    listed = api.ok("GET", f"{ORG}/rounds")
    assert {r["id"]: r["status"] for r in listed} == {r1: "closed", r2["id"]: "open"}


def test_waive_and_redirect(api: Api) -> None:
    bruno = api.member_id("bruno")
    r = open_round(api)["id"]
    waived = declare(api, "bruno", r, "300")
    declare(api, "chloe", r, "200", disposition="redirect", redirect_to="project:jardin")
    gift = declare(api, "dario", r, "100")
    body = {"disposition": "waive"}
    assert (
        api.ok("POST", f"{ORG}/claims/{waived}/disposition", "bruno", json=body)["disposition"]
        == "waive"
    )
    body = {"disposition": "redirect", "redirect_to": f"member:{bruno}"}
    redirected = api.ok("POST", f"{ORG}/claims/{gift}/disposition", "dario", json=body)
    assert redirected["redirect_to"] == f"member:{bruno}"
    view = api.ok("GET", f"{ORG}/rounds/{r}")
    assert minor(view["totals"]["waived"]) == 30_000
    assert minor(view["totals"]["redirected"]) == 30_000
    api.community.clock.advance(days=8)
    close(api, r)
    held = balances(api)
    assert held["fund:project:jardin"] == 20_000
    assert held[f"member:{bruno}"] == 10_000  # Dario's share, none of his own
    given = api.ok("GET", f"{ORG}/members/{bruno}/given")
    assert minor(given["waived"]) == 30_000 and minor(given["taken"]) == 0


def test_a_withdrawn_claim_is_not_paid(api: Api) -> None:
    r = open_round(api)["id"]
    claim_id = declare(api, "bruno", r, "100")
    withdrawn = api.ok("POST", f"{ORG}/claims/{claim_id}/withdraw", "bruno")
    assert withdrawn["status"] == "withdrawn"
    api.community.clock.advance(days=8)
    report = close(api, r)
    assert report["claims"] == [] and report["carried_claim_ids"] == []


def test_reversing_an_entry_keeps_the_books_balanced(api: Api) -> None:
    deposit = {"amount": "250.00", "memo": "Dons", "fund": "project:jardin"}
    entry = api.ok("POST", f"{ORG}/ledger/deposits", json=deposit, status=201)
    assert balances(api)["fund:project:jardin"] == 25_000
    reversed_ = api.ok(
        "POST",
        f"{ORG}/ledger/entries/{entry['seq']}/reverse",
        json={"reason": "doublon"},
        status=201,
    )
    assert reversed_["reverses"] == entry["seq"]
    assert balances(api)["fund:project:jardin"] == 0
    journal = api.ok("GET", f"{ORG}/ledger/journal", params={"account": "fund:project"})
    assert [e["seq"] for e in journal] == [entry["seq"], reversed_["seq"]]
    assert api.ok("GET", f"{ORG}/ledger/check")["ok"] is True
