"""Hostile and mistaken requests: each gets the right 4xx and its error code, and nothing is
written. (The test client re-raises any server error, so a 500 would fail these tests.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.conftest import ORG, Api, snapshot


@pytest.fixture
def scene(api: Api) -> dict[str, int]:
    """A closed round, an open one, and Bruno's claim in the open one."""
    done = api.ok("POST", f"{ORG}/rounds", json={"name": "Hiver", "envelope": "10"}, status=201)
    api.ok("POST", f"{ORG}/rounds/{done['id']}/close")
    body = {"name": "Printemps", "envelope": "1000"}
    open_ = api.ok("POST", f"{ORG}/rounds", json=body, status=201)
    claim = api.ok(
        "POST",
        f"{ORG}/rounds/{open_['id']}/claims",
        "bruno",
        json={"amount": "100", "justification": "accueil"},
        status=201,
    )
    return {"C": done["id"], "R": open_["id"], "K": claim["id"], "bruno": api.member_id("bruno")}


DECLARE = "/rounds/{R}/claims"


def claim(amount: Any, **more: Any) -> dict[str, Any]:
    return {"amount": amount, "justification": "animation", **more}


def raw(text: str) -> bytes:
    return text.encode()


# (who, method, path under the organization, body (dict → JSON, bytes → raw), status, code)
CASES: list[tuple[str, str, str, Any, int, str]] = [
    # Amounts
    ("bruno", "POST", DECLARE, claim("-5"), 422, "amount.negative"),
    ("bruno", "POST", DECLARE, claim(-5), 422, "amount.negative"),
    ("bruno", "POST", DECLARE, claim("0"), 422, "amount.zero"),
    ("bruno", "POST", DECLARE, claim("0.00"), 422, "amount.zero"),
    ("bruno", "POST", DECLARE, claim("1.234"), 422, "amount.too_many_decimals"),
    ("bruno", "POST", DECLARE, claim("NaN"), 422, "amount.not_a_number"),
    ("bruno", "POST", DECLARE, claim("Infinity"), 422, "amount.not_a_number"),
    ("bruno", "POST", DECLARE, claim("1e5"), 422, "amount.not_a_number"),
    ("bruno", "POST", DECLARE, claim(""), 422, "amount.not_a_number"),
    ("bruno", "POST", DECLARE, claim("12.50 EUR"), 422, "amount.not_a_number"),
    ("bruno", "POST", DECLARE, claim("9" * 30), 422, "amount.too_large"),
    ("bruno", "POST", DECLARE, claim(10**30), 422, "amount.too_large"),
    ("bruno", "POST", DECLARE, claim(12.5), 422, "amount.float"),
    ("bruno", "POST", DECLARE, claim(12.0), 422, "amount.float"),
    ("bruno", "POST", DECLARE, claim(True), 422, "amount.not_a_number"),
    ("bruno", "POST", DECLARE, claim(None), 422, "amount.not_a_number"),
    ("bruno", "POST", DECLARE, claim({"minor": 5}), 422, "amount.not_a_number"),
    ("bruno", "POST", DECLARE, raw('{"amount": 1e309, "justification": "x"}'), 422, "amount.float"),
    ("bruno", "POST", DECLARE, raw('{"amount": NaN, "justification": "x"}'), 422, "amount.float"),
    (
        "bruno",
        "POST",
        DECLARE,
        raw('{"amount": -Infinity, "justification": "x"}'),
        422,
        "amount.float",
    ),
    ("bruno", "POST", DECLARE, claim("10", currency="USD"), 422, "currency.mismatch"),
    ("bruno", "POST", DECLARE, claim("10", currency="XYZ"), 422, "currency.unknown"),
    ("bruno", "POST", DECLARE, claim("10", hours="-1"), 422, "hours.negative"),
    ("bruno", "POST", DECLARE, claim("10", hours=2.5), 422, "amount.float"),
    (
        "aicha",
        "POST",
        "/rounds",
        {"name": "R", "envelope": "20000.00"},
        422,
        "round.insufficient_fund",
    ),
    (
        "aicha",
        "POST",
        "/rounds",
        {"name": "R", "envelope": "10", "missions": [{"name": "M", "envelope": "11"}]},
        422,
        "mission.exceeds_envelope",
    ),
    (
        "aicha",
        "POST",
        "/rounds",
        {"name": "R", "envelope": "10", "missions": [{"name": "M", "envelope": "1.001"}]},
        422,
        "amount.too_many_decimals",
    ),
    (
        "aicha",
        "POST",
        "/rounds",
        {"name": "R", "envelope": "10", "window_hours": 0},
        422,
        "request.greater_than_equal",
    ),
    (
        "aicha",
        "POST",
        "/rounds",
        {"name": "R", "envelope": "10", "window_hours": 1.5},
        422,
        "request.int_type",
    ),
    (
        "aicha",
        "POST",
        "/rounds",
        {"name": "R", "envelope": "10", "policy": "lottery"},
        422,
        "request.enum",
    ),
    ("aicha", "POST", "/rounds", {"name": " ", "envelope": "10"}, 422, "name.required"),
    (
        "aicha",
        "POST",
        "/ledger/deposits",
        {"amount": "10", "memo": "x", "occurred_at": "2026-03-01T10:00:00"},
        422,
        "request.timezone_aware",
    ),
    (
        "aicha",
        "POST",
        "/ledger/deposits",
        {"amount": "10", "memo": "x", "occurred_at": "0001-01-01T00:00:00+01:00"},
        422,
        "date.out_of_range",
    ),
    (
        "aicha",
        "POST",
        "/ledger/deposits",
        {"amount": "10", "memo": "x", "fund": "member:2"},
        422,
        "deposit.bad_fund",
    ),
    (
        "aicha",
        "POST",
        "/ledger/payouts",
        {"member": 2, "amount": "10", "reference": "VIR"},
        422,
        "payout.exceeds_owed",
    ),
    # Unknown or malformed ids
    ("bruno", "POST", "/rounds/999/claims", claim("10"), 404, "round.not_found"),
    ("bruno", "POST", "/rounds/abc/claims", claim("10"), 422, "request.int_parsing"),
    ("bruno", "POST", "/rounds/0/claims", claim("10"), 422, "request.greater_than_equal"),
    ("bruno", "POST", f"/rounds/{10**30}/claims", claim("10"), 422, "request.less_than_equal"),
    ("bruno", "POST", "/rounds/1.5/claims", claim("10"), 422, "request.int_parsing"),
    ("bruno", "POST", DECLARE, claim("10", mission=999), 422, "claim.unknown_mission"),
    ("bruno", "POST", DECLARE, claim("10", mission="1"), 422, "request.int_type"),
    ("bruno", "POST", DECLARE, claim("10", mission=10**30), 422, "request.less_than_equal"),
    ("bruno", "POST", DECLARE, claim("10", contributions=[999]), 422, "claim.unknown_contribution"),
    (
        "bruno",
        "POST",
        DECLARE,
        claim("10", disposition="redirect", redirect_to="member:999"),
        422,
        "redirect.unknown_member",
    ),
    ("bruno", "POST", DECLARE, claim("10", disposition="redirect"), 422, "claim.redirect_target"),
    ("chloe", "POST", "/claims/999/objections", {"reason": "?"}, 404, "claim.not_found"),
    ("chloe", "POST", "/claims/x/objections", {"reason": "?"}, 422, "request.int_parsing"),
    ("chloe", "POST", "/claims/{K}/objections/999/withdraw", None, 422, "objection.unknown"),
    ("aicha", "GET", "/rounds/999", None, 404, "round.not_found"),
    ("aicha", "POST", "/rounds/999/close", None, 404, "round.not_found"),
    (
        "aicha",
        "POST",
        "/ledger/entries/999/reverse",
        {"reason": "x"},
        404,
        "ledger.entry_not_found",
    ),
    (
        "aicha",
        "POST",
        "/ledger/payouts",
        {"member": 999, "amount": "1", "reference": "x"},
        404,
        "member.not_found",
    ),
    ("aicha", "GET", "/members/999/given", None, 404, "member.not_found"),
    # Roles and the consent rules
    ("olga", "POST", DECLARE, claim("10"), 403, "role.observer"),
    ("olga", "POST", "/claims/{K}/objections", {"reason": "?"}, 403, "role.observer"),
    ("olga", "POST", "/claims/{K}/comments", {"body": "?"}, 403, "role.observer"),
    (
        "olga",
        "POST",
        "/contributions",
        {"activity": "a", "date": "2026-03-01", "hours": "1"},
        403,
        "role.observer",
    ),
    ("bruno", "POST", "/rounds/{R}/close", None, 403, "role.not_admin"),
    ("bruno", "POST", "/claims/{K}/objections", {"reason": "?"}, 422, "objection.own_claim"),
    ("chloe", "POST", "/claims/{K}/amend", {"amount": "5"}, 403, "claim.not_claimant"),
    ("chloe", "POST", "/claims/{K}/withdraw", None, 403, "claim.not_claimant"),
    (
        "chloe",
        "POST",
        "/claims/{K}/disposition",
        {"disposition": "waive"},
        403,
        "claim.not_claimant",
    ),
    ("bruno", "POST", "/rounds/{C}/claims", claim("10"), 422, "round.closed"),
    ("aicha", "POST", "/rounds/{C}/close", None, 409, "round.closed"),
    (
        "bruno",
        "POST",
        "/claims/{K}/disposition",
        {"disposition": "redirect", "redirect_to": "member:{bruno}"},
        422,
        "redirect.self",
    ),
    ("bruno", "POST", "/claims/{K}/disposition", {"disposition": "give"}, 422, "request.enum"),
    # Malformed bodies
    ("bruno", "POST", DECLARE, raw('{"amount": "10", '), 422, "request.json_invalid"),
    ("bruno", "POST", DECLARE, raw("[1, 2]"), 422, "request.model_attributes_type"),
    ("bruno", "POST", DECLARE, raw('"10"'), 422, "request.model_attributes_type"),
    ("bruno", "POST", DECLARE, raw(""), 422, "request.missing"),
    ("bruno", "POST", DECLARE, {"amount": "10"}, 422, "request.missing"),
    ("bruno", "POST", DECLARE, claim("10", amout="10"), 422, "request.extra_forbidden"),
    ("bruno", "POST", DECLARE, claim("10", justification="a\x00b"), 422, "text.nul"),
    (
        "bruno",
        "POST",
        DECLARE,
        raw('{"amount": "10", "justification": "\\ud800"}'),
        422,
        "text.encoding",
    ),
    (
        "bruno",
        "POST",
        DECLARE,
        claim("10", justification="x" * 5001),
        422,
        "request.string_too_long",
    ),
    ("aicha", "PATCH", "", {"public_page": "yes"}, 422, "request.bool_type"),
    ("aicha", "GET", "/contributions?activity=a%00b", None, 422, "text.nul"),
    ("aicha", "GET", "/contributions?member=-1", None, 422, "request.greater_than_equal"),
    ("aicha", "GET", "/ledger/journal?account=%00", None, 422, "text.nul"),
]


def _path(template: str, ids: dict[str, int]) -> str:
    return ORG + template.format(**ids)


@pytest.mark.parametrize(("who", "method", "path", "body", "status", "code"), CASES)
def test_refused_and_nothing_written(
    api: Api,
    scene: dict[str, int],
    who: str,
    method: str,
    path: str,
    body: Any,
    status: int,
    code: str,
) -> None:
    before = snapshot(api)
    if isinstance(body, dict):
        body = json.loads(json.dumps(body).replace("{bruno}", str(scene["bruno"])))
        sent: dict[str, Any] = {"json": body}
    elif isinstance(body, bytes):
        sent = {"content": body, "headers": {"Content-Type": "application/json"}}
    else:
        sent = {}
    headers = {**api.as_(who), **sent.pop("headers", {})}
    response = api.client.request(method, _path(path, scene), headers=headers, **sent)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    assert snapshot(api) == before


def test_the_error_names_the_field(api: Api, scene: dict[str, int]) -> None:
    body = {"name": "R", "envelope": "10", "missions": [{"name": "M", "envelope": 2.5}]}
    error = api.client.post(f"{ORG}/rounds", json=body, headers=api.as_("aicha")).json()["error"]
    assert (error["code"], error["field"]) == ("amount.float", "missions.0.envelope")
    assert "decimal string" in error["message"]
    body["missions"] = [{"name": "M", "envelope": "2.555"}]
    error = api.client.post(f"{ORG}/rounds", json=body, headers=api.as_("aicha")).json()["error"]
    assert (error["code"], error["field"]) == ("amount.too_many_decimals", "missions.0.envelope")


def test_a_late_objection_is_refused(api: Api, scene: dict[str, int]) -> None:
    api.community.clock.advance(days=8)
    before = snapshot(api)
    late = api.post(f"{ORG}/claims/{scene['K']}/objections", "chloe", json={"reason": "?"})
    assert late.status_code == 422
    assert late.json()["error"]["code"] == "objection.window_closed"
    assert snapshot(api) == before


def test_bodies_over_one_mebibyte_are_refused_before_parsing(
    api: Api, scene: dict[str, int]
) -> None:
    before = snapshot(api)
    big = b'{"amount": "10", "justification": "' + b"x" * (1024 * 1024) + b'"}'
    declared = api.client.post(
        f"{ORG}/rounds/{scene['R']}/claims",
        content=big,
        headers={**api.as_("bruno"), "Content-Type": "application/json"},
    )
    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == "request.too_large"
    # Without a Content-Length (chunked), the bytes are counted as they arrive.
    chunks = iter([big[i : i + 65536] for i in range(0, len(big), 65536)])
    streamed = api.client.post(
        f"{ORG}/rounds/{scene['R']}/claims",
        content=chunks,
        headers={**api.as_("bruno"), "Content-Type": "application/json"},
    )
    assert streamed.status_code == 413
    assert snapshot(api) == before


def test_unknown_api_paths_answer_in_json(api: Api) -> None:
    missing = api.client.get("/api/nothing/here")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "api.not_found"
