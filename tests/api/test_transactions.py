"""Split rules and transactions over HTTP: a platform's integration posts a sale, retries it
with its Idempotency-Key, refunds part of it; hostile or broken requests get a 4xx and no
write."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from partage.storage import tables as t
from tests.api.conftest import ORG, Api

RULES = {
    "commissions": {"producer": {"rate": "12", "fixed": "0.30", "cap": "20"}},
    "splits": [
        {"of": "commission", "to": "reserve", "percent": "30"},
        {"of": "commission", "to": "project:solidarite", "percent": "20"},
        {"of": "amount", "to": "pool:contributeurs", "percent": "2"},
    ],
}


def sale(api: Api, reference: str = "cmd-1001", **kw: Any) -> dict[str, Any]:
    body = {
        "reference": reference,
        "amount": "49.99",
        "status": "producer",
        "payee": f"member:{api.member_id('bruno')}",
        "occurred_at": "2026-03-02T08:30:00+01:00",
        "kind": "delivery",
    }
    body.update(kw)
    return body


def rows(api: Api) -> tuple[int, int, int]:
    with api.community.uow(readonly=True) as u:
        conn = u.transactions.conn
        return tuple(  # type: ignore[return-value]
            int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (t.transactions, t.ledger_entries, t.split_rule_versions)
        )


@pytest.fixture
def rules(api: Api) -> Api:
    api.ok("PUT", f"{ORG}/split-rules", status=201,
           json={"effective_from": "2026-03-01", "rules": RULES, "note": "AG de mars"})  # fmt: skip
    return api


def test_rules_are_versioned_and_open_to_members(rules: Api) -> None:
    api = rules
    listed = api.ok("GET", f"{ORG}/split-rules", who="olga")
    assert [(v["version"], v["effective_from"], v["note"]) for v in listed] == [
        (1, "2026-03-01", "AG de mars")
    ]
    assert listed[0]["rules"]["splits"][0] == {"of": "commission", "to": "reserve", "percent": "30"}
    assert listed[0]["created_by"] == api.member_id("aicha")
    v2 = api.ok("PUT", f"{ORG}/split-rules", status=201, json={
        "effective_from": "2026-04-01", "rules": {"commissions": {"producer": {"rate": "10"}}}})  # fmt: skip
    assert v2["version"] == 2
    assert api.ok("GET", f"{ORG}/split-rules/2", who="bruno")["rules"]["commissions"] == {
        "producer": {"rate": "10"}
    }
    assert api.ok("GET", f"{ORG}/split-rules/in-force?on=2026-03-31")["version"] == 1
    assert api.ok("GET", f"{ORG}/split-rules/in-force?on=2026-04-01")["version"] == 2
    assert api.get(f"{ORG}/split-rules/3").status_code == 404


def test_a_sale_replayed_refunded_and_read(rules: Api) -> None:
    api = rules
    key = {"Idempotency-Key": "order-1001-attempt"}
    first = api.client.post(
        f"{ORG}/transactions", json=sale(api), headers={**api.as_("aicha"), **key}
    )
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    posted = first.json()
    assert posted["amount"] == {"minor": 4999, "value": "49.99", "currency": "EUR"}
    assert posted["commission"]["value"] == "6.30"
    assert posted["occurred_at"].startswith("2026-03-02T07:30:00")
    before = rows(api)
    again = api.client.post(
        f"{ORG}/transactions", json=sale(api), headers={**api.as_("aicha"), **key}
    )
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == posted
    assert rows(api) == before

    reused = api.client.post(f"{ORG}/transactions", json=sale(api, "cmd-1002"),
                             headers={**api.as_("aicha"), **key})  # fmt: skip
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "idempotency.key_reused"
    duplicate = api.post(f"{ORG}/transactions", json=sale(api, amount="10"))
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "transaction.duplicate_reference"
    assert rows(api) == before

    refund_key = {**api.as_("aicha"), "Idempotency-Key": "refund-1"}
    body = {"reference": "cmd-1001-r", "amount": "10.00"}
    refunded = api.client.post(
        f"{ORG}/transactions/cmd-1001/refunds", json=body, headers=refund_key
    )
    assert refunded.status_code == 201, refunded.text
    replay = api.client.post(f"{ORG}/transactions/cmd-1001/refunds", json=body, headers=refund_key)
    assert (replay.status_code, replay.json()) == (200, refunded.json())

    shown = api.ok("GET", f"{ORG}/transactions/cmd-1001", who="dario")
    assert [(x["part"], x["account"], x["amount"]["value"]) for x in shown["lines"]] == [
        ("net", f"member:{api.member_id('bruno')}", "42.69"),
        ("commission", "fund:reserve", "1.89"),
        ("commission", "fund:project:solidarite", "1.26"),
        ("commission", "fund:operations", "3.15"),
        ("amount", "fund:pool:contributeurs", "1.00"),
    ]
    assert shown["lines"][0]["member_id"] == api.member_id("bruno")
    assert shown["left_to_refund"]["value"] == "39.99"
    assert [r["reference"] for r in shown["refunds"]] == ["cmd-1001-r"]
    assert shown["rules"]["version"] == 1
    everything = api.ok("GET", f"{ORG}/transactions?since=2026-03-02&until=2026-03-02", who="olga")
    assert {x["reference"] for x in everything} == {"cmd-1001", "cmd-1001-r"}
    assert api.ok("GET", f"{ORG}/transactions?until=2026-03-01") == []
    mine = api.ok("GET", f"{ORG}/transactions?member={api.member_id('bruno')}", who="bruno")
    assert [x["reference"] for x in mine] == ["cmd-1001-r", "cmd-1001"]
    rest = api.ok(
        "POST", f"{ORG}/transactions/cmd-1001/refunds", status=201, json={"reference": "r2"}
    )
    assert rest["amount"]["value"] == "39.99"
    assert api.ok("GET", f"{ORG}/ledger/check")["ok"]


BAD: list[tuple[str, dict[str, Any], int, str]] = [
    ("unknown status", {"status": "wholesaler"}, 422, "transaction.unknown_status"),
    ("currency", {"currency": "USD"}, 422, "currency.mismatch"),
    ("negative", {"amount": "-5"}, 422, "transaction.negative_amount"),
    ("float", {"amount": 49.99}, 422, "amount.float"),
    ("unknown payee", {"payee": "platform:nobody"}, 422, "transaction.unknown_payee"),
    ("unknown party", {"parties": {"referrer": 999}}, 422, "transaction.unknown_party"),
    ("naive time", {"occurred_at": "2026-03-02T08:30:00"}, 422, "request.invalid"),
    ("before the rules", {"occurred_at": "2026-02-01T10:00:00Z"}, 422, "rules.none_in_force"),
    ("unknown field", {"tip": "1"}, 422, "request.invalid"),
    ("refund of nothing", {"amount": "-5", "refund_of": "nope"}, 404, "transaction.not_found"),
    ("huge", {"amount": "99999999999999999999"}, 422, "amount.too_large"),
    ("exponent", {"amount": "1e3"}, 422, "amount.not_a_number"),
    ("too precise", {"amount": "1.999"}, 422, "amount.too_many_decimals"),
    ("control character", {"kind": "a\u0007b"}, 422, "kind.control_character"),
    ("NUL", {"payer": "a\u0000"}, 422, "request.invalid"),
    ("payee as a float", {"payee": 3.0}, 422, "request.invalid"),
    ("bad status name", {"status": "Pro Ducer!"}, 422, "transaction.bad_status"),
    ("year 0", {"occurred_at": "0001-01-01T00:30:00+01:00"}, 422, "request.invalid"),
]


@pytest.mark.parametrize(("case", "change", "status", "code"), BAD, ids=[b[0] for b in BAD])
def test_bad_transactions_get_a_4xx_and_write_nothing(
    rules: Api, case: str, change: dict[str, Any], status: int, code: str
) -> None:
    api = rules
    api.ok("POST", f"{ORG}/transactions", status=201, json=sale(api, "ok"))
    before = rows(api)
    response = api.post(f"{ORG}/transactions", json=sale(api, "bad", **change))
    assert response.status_code == status, response.text
    if not code.startswith("request."):
        assert response.json()["error"]["code"] == code
    assert rows(api) == before


def test_refusals_of_refunds_rules_and_roles(rules: Api) -> None:
    api = rules
    api.ok("POST", f"{ORG}/transactions", status=201, json=sale(api, "s1", amount="20"))
    before = rows(api)
    over = api.post(f"{ORG}/transactions/s1/refunds", json={"reference": "r", "amount": "20.01"})
    assert (over.status_code, over.json()["error"]["code"]) == (422, "refund.exceeds_paid")
    greedy = {"commissions": {"producer": {"rate": "90"}},
              "splits": [{"of": "amount", "to": "reserve", "percent": "20"}]}  # fmt: skip
    too_much = api.client.put(f"{ORG}/split-rules", headers=api.as_("aicha"),
                              json={"effective_from": "2026-04-01", "rules": greedy})  # fmt: skip
    assert (too_much.status_code, too_much.json()["error"]["code"]) == (422, "rules.over_100")
    retro = api.client.put(f"{ORG}/split-rules", headers=api.as_("aicha"),
                           json={"effective_from": "2026-03-02", "rules": RULES})  # fmt: skip
    assert (retro.status_code, retro.json()["error"]["code"]) == (422, "rules.retroactive")
    as_member = api.post(f"{ORG}/transactions", who="bruno", json=sale(api, "m"))
    assert as_member.status_code == 403
    assert (
        api.post(f"{ORG}/transactions/s1/refunds", who="olga", json={"reference": "o"}).status_code
        == 403
    )
    assert api.client.put(f"{ORG}/split-rules", headers=api.as_("chloe"),
                          json={"effective_from": "2027-01-01", "rules": RULES}).status_code == 403  # fmt: skip
    assert api.client.post(f"{ORG}/transactions", json=sale(api, "anon")).status_code == 401
    long_key = {**api.as_("aicha"), "Idempotency-Key": "k" * 201}
    assert (
        api.client.post(f"{ORG}/transactions", json=sale(api, "k"), headers=long_key).status_code
        == 422
    )
    assert api.get(f"{ORG}/transactions?limit=0").status_code == 422
    assert api.get(f"{ORG}/transactions/nothing-here").status_code == 404
    assert api.get("/api/orgs/elsewhere/transactions").status_code == 404
    assert rows(api) == before


def test_the_openapi_documents_the_idempotency_key(api: Api) -> None:
    spec = api.client.get("/api/openapi.json").json()
    post = spec["paths"]["/api/orgs/{slug}/transactions"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    assert {"200", "201", "409"} <= set(post["responses"])


def test_a_reference_holding_slashes_and_spaces_is_read_and_refunded(rules: Api) -> None:
    """Platforms number invoices like ``INV/2026/07``: encoded, the reference is one path
    segment; the imports' own routes keep theirs."""
    api = rules
    reference = "INV/2026/07 b"
    api.ok("POST", f"{ORG}/transactions", status=201, json=sale(api, reference))
    path = f"{ORG}/transactions/{quote(reference, safe='')}"
    shown = api.ok("GET", path, who="bruno")
    assert shown["transaction"]["reference"] == reference
    refunded = api.ok("POST", f"{path}/refunds", status=201, json={"reference": "INV/2026/07 r"})
    assert refunded["refund_of"] == reference
    assert [r["reference"] for r in api.ok("GET", path)["refunds"]] == ["INV/2026/07 r"]
    assert api.get(f"{ORG}/transactions/{quote('INV/2026/08', safe='')}").status_code == 404
    assert api.get(f"{ORG}/transactions/imports/999").json()["error"]["code"] == "import.not_found"
