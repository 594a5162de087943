"""Credits and the time bank over HTTP: the worked example, refusals that write nothing."""

from __future__ import annotations

from typing import Any

from partage.services import contributions
from tests.api.conftest import ORG, Api

UNITS = f"{ORG}/units"


def written(api: Api) -> tuple[int, int]:
    with api.community.uow(readonly=True) as u:
        return api.journal_size(), u.units.count_operations(api.community.admin.org_id)


def refused(api: Api, method: str, path: str, who: str, body: Any, status: int) -> Any:
    before = written(api)
    response = api.client.request(method, path, headers=api.as_(who), json=body)
    assert response.status_code == status, response.text
    assert written(api) == before
    return response.json()["error"]


def test_credits_over_http(api: Api) -> None:
    b = api.member_id("bruno")
    credit = api.ok("PUT", f"{UNITS}/credit", json={"name": "Crédits", "price": "0.50"})
    assert credit["code"] == "CREDIT" and credit["price"] == "0.50"
    assert credit["negative_limit"] == {"minor": 0, "value": "0", "currency": "CREDIT"}
    api.ok("POST", f"{UNITS}/CREDIT/earning", json={"activity": "entraide", "amount": 5},
           status=201)  # fmt: skip
    bought = api.ok("POST", f"{UNITS}/CREDIT/purchases", json={"member": b, "quantity": "20"},
                    status=201)  # fmt: skip
    assert bought["paid"] == {"minor": 1000, "value": "10.00", "currency": "EUR"}
    assert bought["rate"] == "0.50" and bought["quantity"]["minor"] == 20
    c = api.community
    with c.uow() as u:
        helped = contributions.record(
            u,
            actor=c.bruno,
            activity="entraide",
            occurred_on="2026-03-01",
            hours="1",
            now=c.clock(),
        )
    earned = api.ok("POST", f"{UNITS}/CREDIT/earnings", json={"contribution": helped.id},
                    status=201)  # fmt: skip
    assert earned["quantity"]["value"] == "5" and earned["member"] == b
    again = refused(api, "POST", f"{UNITS}/CREDIT/earnings", "aicha",
                    {"contribution": helped.id}, 409)  # fmt: skip
    assert again["code"] == "units.already_earned"
    api.ok("POST", f"{UNITS}/CREDIT/spendings", "bruno",
           json={"quantity": 12, "purpose": "publish an offer"}, status=201)  # fmt: skip
    short = refused(api, "POST", f"{UNITS}/CREDIT/spendings", "bruno",
                    {"quantity": "14", "purpose": "book"}, 422)  # fmt: skip
    assert (short["code"], short["field"]) == ("units.insufficient_balance", "quantity")
    mine = api.ok("GET", f"{UNITS}/balances", "bruno")
    assert mine == [{
        "unit": "CREDIT",
        "balance": {"minor": 13, "value": "13", "currency": "CREDIT"},
        "available": {"minor": 13, "value": "13", "currency": "CREDIT"},
    }]  # fmt: skip
    summary = api.ok("GET", f"{UNITS}/CREDIT", "olga")
    assert summary["circulation"]["minor"] == 13
    assert summary["holders"] == [
        {"member": b, "name": "Bruno", "balance": {"minor": 13, "value": "13",
                                                  "currency": "CREDIT"}}
    ]  # fmt: skip
    assert summary["earning"][0]["activity"] == "entraide"
    kinds = [m["kind"] for m in api.ok("GET", f"{UNITS}/CREDIT/movements", "dario")]
    assert kinds == ["spend", "earn", "buy"]
    # a new price applies to later purchases only
    api.ok("PUT", f"{UNITS}/CREDIT", json={"name": "Crédits", "price": "0.60"})
    assert api.ok("GET", f"{UNITS}/movements?member={b}")[-1]["rate"] == "0.50"
    assert api.ok("GET", f"{ORG}/ledger/check")["ok"] is True


def test_the_time_bank_over_http(api: Api) -> None:
    b, ch, d = (api.member_id(w) for w in ("bruno", "chloe", "dario"))
    hour = api.ok("PUT", f"{UNITS}/HOUR", json={"name": "Heures", "kind": "time"})
    assert hour["negative_limit"]["value"] == "10.00"
    gave = api.ok(
        "POST",
        f"{UNITS}/HOUR/exchanges",
        "chloe",
        json={"giver": b, "quantity": "2", "service": "gardening"},
        status=201,
    )
    assert (gave["member"], gave["counterpart"], gave["quantity"]["value"]) == (ch, b, "2.00")
    chloe = api.ok("GET", f"{UNITS}/balances", "chloe")[0]
    assert chloe["balance"]["value"] == "-2.00" and chloe["available"]["value"] == "8.00"
    beyond = refused(api, "POST", f"{UNITS}/HOUR/exchanges", "chloe",
                     {"giver": d, "quantity": "8.5", "service": "moving"}, 422)  # fmt: skip
    assert beyond["code"] == "units.insufficient_balance"
    assert "-2.00 HOUR" in beyond["message"] and "-10.00 HOUR" in beyond["message"]
    assert api.ok("GET", f"{UNITS}/balances?member={b}", "dario")[0]["balance"]["value"] == "2.00"
    # the journal counts hours as hours
    [entry] = [e for e in api.ok("GET", f"{ORG}/ledger/journal") if e["seq"] == gave["entry_seq"]]
    assert [p["amount"] for p in entry["postings"]] == [
        {"minor": 200, "value": "2.00", "currency": "HOUR"},
        {"minor": -200, "value": "-2.00", "currency": "HOUR"},
    ]
    assert api.ok("GET", f"{ORG}/ledger/check")["ok"] is True


def test_hostile_and_bad_requests_are_4xx_and_write_nothing(api: Api) -> None:
    b = api.member_id("bruno")
    api.ok("PUT", f"{UNITS}/CREDIT", json={"name": "Crédits", "price": "0.125"})
    api.ok("PUT", f"{UNITS}/HOUR", json={"name": "Heures", "kind": "time"})
    cases: list[tuple[str, str, str, Any, int, str | None]] = [
        ("PUT", f"{UNITS}/EUR", "aicha", {"name": "x"}, 422, "currency.shadows_iso"),
        ("PUT", f"{UNITS}/POINTS", "bruno", {"name": "x"}, 403, "role.not_admin"),
        ("PUT", f"{UNITS}/HOUR", "aicha", {"name": "x", "kind": "credit"}, 422, "units.fixed_kind"),
        ("PUT", f"{UNITS}/PTS", "aicha", {"name": "x", "price": 0.5}, 422, None),
        ("PUT", f"{UNITS}/PTS", "aicha", {"name": "x", "colour": "red"}, 422, None),
        ("POST", f"{UNITS}/CREDIT/purchases", "aicha", {"member": b, "quantity": "9"}, 422,
         "units.inexact_purchase"),
        ("POST", f"{UNITS}/CREDIT/purchases", "aicha", {"member": 2**63, "quantity": "8"}, 422,
         None),
        ("POST", f"{UNITS}/CREDIT/purchases", "aicha", {"member": 999, "quantity": "8"}, 404,
         "member.not_found"),
        ("POST", f"{UNITS}/CREDIT/purchases", "bruno", {"member": b, "quantity": "8"}, 403,
         "role.not_admin"),
        ("POST", f"{UNITS}/NOPE/spendings", "bruno", {"quantity": "1", "purpose": "x"}, 404,
         "units.not_found"),
        ("POST", f"{UNITS}/CREDIT/spendings", "olga", {"quantity": "1", "purpose": "x"}, 403,
         "role.observer"),
        ("POST", f"{UNITS}/CREDIT/spendings", "bruno", {"quantity": "1", "purpose": "x\x00"},
         422, None),
        ("POST", f"{UNITS}/HOUR/exchanges", "bruno", {"giver": b, "quantity": "1",
         "service": "x"}, 422, "units.same_member"),
        ("POST", f"{UNITS}/HOUR/exchanges", "bruno", {"giver": api.member_id("chloe"),
         "quantity": "1e3", "service": "x"}, 422, "amount.not_a_number"),
        ("POST", f"{UNITS}/CREDIT/earnings", "aicha", {"contribution": 5}, 404,
         "contribution.not_found"),
        ("DELETE", f"{UNITS}/CREDIT/earning?activity=nothing", "aicha", None, 404,
         "units.no_earning_rule"),
    ]  # fmt: skip
    for method, path, who, body, status, code in cases:
        error = refused(api, method, path, who, body, status)
        if code:
            assert error["code"] == code, (path, body, error)
    assert api.get("/api/orgs/ailleurs/units").status_code == 404
    assert api.client.get(f"{UNITS}/CREDIT").status_code == 401


def test_the_units_endpoints_are_documented(api: Api) -> None:
    paths = api.client.get("/api/openapi.json").json()["paths"]
    for path in ("", "/balances", "/movements", "/{code}", "/{code}/purchases",
                 "/{code}/earnings", "/{code}/grants", "/{code}/spendings", "/{code}/exchanges",
                 "/{code}/earning", "/{code}/movements"):  # fmt: skip
        assert f"/api/orgs/{{slug}}/units{path}" in paths
