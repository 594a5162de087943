"""Reversing a unit operation over HTTP: 201 and the reversal, refusals that write nothing."""

from __future__ import annotations

from partage.services import ledger
from tests.api.conftest import Api
from tests.api.test_units import UNITS, refused


def test_a_purchase_reversed_over_http(api: Api) -> None:
    b = api.member_id("bruno")
    api.ok("PUT", f"{UNITS}/CREDIT", json={"name": "Crédits", "price": "0.50"})
    bought = api.ok("POST", f"{UNITS}/CREDIT/purchases", json={"member": b, "quantity": "20"},
                    status=201)  # fmt: skip
    assert bought["reversed_by"] is None and bought["reverses"] is None
    undone = api.ok("POST", f"{UNITS}/operations/{bought['id']}/reversal",
                    json={"reason": "paid twice"}, status=201)  # fmt: skip
    assert (undone["kind"], undone["reverses"], undone["purpose"]) == (
        "reversal",
        bought["id"],
        "paid twice",
    )
    assert undone["paid"] == {"minor": 1000, "value": "10.00", "currency": "EUR"}
    assert undone["entry_seq"] == bought["entry_seq"] + 1
    shown = api.ok("GET", f"{UNITS}/operations/{bought['id']}", "bruno")
    assert shown["reversed_by"] == undone["id"]
    moves = api.ok("GET", f"{UNITS}/CREDIT/movements")
    assert [(m["kind"], m["reversed_by"]) for m in moves] == [
        ("reversal", None),
        ("buy", undone["id"]),
    ]
    mine = api.ok("GET", f"{UNITS}/balances", "bruno")
    assert mine[0]["balance"]["minor"] == 0
    with api.community.uow(readonly=True) as u:
        c = api.community
        assert ledger.balance_of(u, actor=c.admin, account="fund:operations").minor == 0
        assert ledger.check(u, actor=c.admin).ok


def test_reversal_refusals_over_http(api: Api) -> None:
    b = api.member_id("bruno")
    api.ok("PUT", f"{UNITS}/CREDIT", json={"name": "Crédits"})
    granted = api.ok("POST", f"{UNITS}/CREDIT/grants",
                     json={"member": b, "quantity": 10, "reason": "welcome"}, status=201)  # fmt: skip
    path = f"{UNITS}/operations/{granted['id']}/reversal"
    assert refused(api, "POST", f"{UNITS}/operations/999/reversal", "aicha",
                   {"reason": "x"}, 404)["code"] == "units.operation_not_found"  # fmt: skip
    assert refused(api, "POST", path, "bruno", {"reason": "x"}, 403)["code"] == "role.not_admin"
    assert refused(api, "POST", path, "aicha", {}, 422)["field"] == "reason"
    assert refused(api, "POST", f"{UNITS}/operations/0/reversal", "aicha", {"reason": "x"}, 422)
    api.ok("POST", f"{UNITS}/CREDIT/spendings", "bruno", json={"quantity": 8, "purpose": "offer"},
           status=201)  # fmt: skip
    below = refused(api, "POST", path, "aicha", {"reason": "x"}, 422)
    assert (below["code"], below["field"]) == ("units.reversal_below_limit", "operation")
    assert "Bruno's" in below["message"] and "from 2 CREDIT to -8 CREDIT" in below["message"]
    other = api.ok("POST", f"{UNITS}/CREDIT/grants",
                   json={"member": b, "quantity": 1, "reason": "x"}, status=201)  # fmt: skip
    again = f"{UNITS}/operations/{other['id']}/reversal"
    first = api.ok("POST", again, json={"reason": "x"}, status=201)
    assert refused(api, "POST", again, "aicha", {"reason": "x"}, 409)["code"] == (
        "units.already_reversed"
    )
    assert refused(api, "POST", f"{UNITS}/operations/{first['id']}/reversal", "aicha",
                   {"reason": "x"}, 422)["code"] == "units.reversal_of_reversal"  # fmt: skip
    assert api.client.get(f"{UNITS}/operations/999", headers=api.as_("aicha")).status_code == 404
