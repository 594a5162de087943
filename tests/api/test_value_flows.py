"""GET /flows, /flows.csv and a member's /statement(.csv): March of the delivery cooperative
of tests/services/test_value_flows.py, read over HTTP."""

from __future__ import annotations

import csv
import io

import pytest

from tests.api.conftest import ORG, Api
from tests.services.test_value_flows import refund, sale, set_rules

MARCH = {"since": "2026-03-01", "until": "2026-03-31"}


@pytest.fixture
def march(api: Api) -> Api:
    c = api.community
    set_rules(c)
    sale(c, c.bruno, "cmd-1")
    sale(c, c.chloe, "cmd-2")
    refund(c, "cmd-2", "rb-2", 1000, day=5)
    return api


def test_the_flows_of_march(march: Api) -> None:
    body = march.ok("GET", f"{ORG}/flows", who="olga", params=MARCH)
    assert (body["transactions"], body["refunds"]) == (2, 1)
    assert body["total"] == {"minor": 8998, "value": "89.98", "currency": "EUR"}
    assert [(p["part"], p["amount"]["minor"]) for p in body["parts"]] == [
        ("net", 7684),
        ("commission", 1134),
        ("amount", 180),
    ]
    commission = body["parts"][1]["destinations"]
    assert [(d["kind"], d["label"], d["amount"]["value"]) for d in commission] == [
        ("operations", "operations", "5.67"),
        ("reserve", "impartible reserve", "3.40"),
        ("project", "project solidarite", "2.27"),
    ]
    assert body["destinations"][0]["name"] == "Bruno"


def test_flows_csv_totals_and_lines(march: Api) -> None:
    totals = march.get(f"{ORG}/flows.csv", who="bruno", params=MARCH)
    assert totals.status_code == 200
    assert totals.headers["content-type"].startswith("text/csv")
    assert "tiers-lieux-flows-2026-03-01-2026-03-31.csv" in totals.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(totals.text)))
    assert sum(int(r["amount"].replace(".", "")) for r in rows) == 8998
    lines = march.get(f"{ORG}/flows.csv", params={**MARCH, "detail": "true"})
    refs = [r["reference"] for r in csv.DictReader(io.StringIO(lines.text))]
    assert refs == ["cmd-1"] * 5 + ["cmd-2"] * 5 + ["rb-2"] * 5


def test_a_member_s_statement(march: Api) -> None:
    chloe = march.member_id("chloe")
    body = march.ok("GET", f"{ORG}/members/{chloe}/statement", who="dario", params=MARCH)
    assert (body["name"], body["net"]["minor"], body["commission"]["minor"]) == ("Chloé", 3415, 504)
    assert (body["sold"]["value"], body["refunded"]["value"], body["earned"]["value"]) == (
        "49.99",
        "10.00",
        "34.15",
    )
    assert [(r["reference"], r["amount"]["minor"], r["role"]) for r in body["rows"]] == [
        ("cmd-2", 4999, "payee"),
        ("rb-2", -1000, "payee"),
    ]
    page = march.ok(
        "GET", f"{ORG}/members/{chloe}/statement", params={**MARCH, "limit": 1, "offset": 1}
    )
    assert ([r["reference"] for r in page["rows"]], page["more"]) == (["rb-2"], False)
    exported = march.get(f"{ORG}/members/{chloe}/statement.csv", who="chloe", params=MARCH)
    assert [r["net"] for r in csv.DictReader(io.StringIO(exported.text))] == ["42.69", "-8.54"]


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/flows", {"since": "2026-03-31", "until": "2026-03-01"}, 422, "period.reversed"),
        ("/flows.csv", {"since": "2026-03-31", "until": "2026-03-01"}, 422, "period.reversed"),
        ("/flows", {"since": "2026-03-01"}, 422, None),
        ("/flows", {"since": "mars", "until": "2026-03-01"}, 422, None),
        ("/members/999/statement", MARCH, 404, "member.not_found"),
        ("/members/999/statement.csv", MARCH, 404, "member.not_found"),
    ],
)
def test_refusals(march: Api, path: str, params: dict[str, str], status: int, code: str) -> None:
    response = march.get(f"{ORG}{path}", params=params)
    assert response.status_code == status, response.text
    if code:
        assert response.json()["error"]["code"] == code


def test_another_organization_s_flows_are_not_found(march: Api) -> None:
    response = march.get("/api/orgs/autre/flows", params=MARCH)
    assert response.status_code == 404
    assert march.client.get(f"{ORG}/flows", params=MARCH).status_code == 401


def test_the_openapi_document_lists_the_value_flow_reads(api: Api) -> None:
    paths = api.client.get("/api/openapi.json").json()["paths"]
    for path in ("/flows", "/flows.csv", "/members/{member_id}/statement"):
        assert f"{ORG.replace('tiers-lieux', '{slug}')}{path}" in paths
    csv_answer = paths["/api/orgs/{slug}/members/{member_id}/statement.csv"]["get"]["responses"]
    assert "text/csv" in csv_answer["200"]["content"]
