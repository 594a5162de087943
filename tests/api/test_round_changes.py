"""Changing an open round's envelope and window through HTTP, by an admin or by a decision."""

from __future__ import annotations

from tests.api.conftest import ORG, Api, snapshot
from tests.api.test_governance import proposal
from tests.api.test_rounds import balances, declare, minor, open_round


def test_an_admin_raises_then_lowers_the_envelope_and_shortens_the_window(api: Api) -> None:
    r = open_round(api)["id"]
    fund_before = balances(api)["fund:commons"]
    raised = api.ok("PATCH", f"{ORG}/rounds/{r}", json={"envelope": "6000.00"})
    assert minor(raised["envelope"]) == 600_000
    assert balances(api)["fund:commons"] == fund_before - 100_000
    both = api.ok("PATCH", f"{ORG}/rounds/{r}", json={"envelope": "4000", "window_hours": 24})
    assert minor(both["envelope"]) == 400_000 and both["window_hours"] == 24
    assert balances(api)["fund:commons"] == fund_before + 100_000
    claim = declare(api, "bruno", r, "100")
    assert api.ok("GET", f"{ORG}/claims/{claim}")["window_ends_at"] == "2026-03-03T09:00:00Z"
    assert api.ok("GET", f"{ORG}/ledger/check")["ok"] is True


def test_refused_changes_are_422_or_403_and_write_nothing(api: Api) -> None:
    r = open_round(api)["id"]
    before = snapshot(api)
    for body, code in (
        ({"envelope": "99999999"}, "round.insufficient_fund"),
        ({"envelope": "-1"}, "amount.negative"),
        ({"envelope": "1.001"}, "amount.too_many_decimals"),
        ({"envelope": "6000", "window_hours": 0}, None),
    ):
        response = api.client.patch(f"{ORG}/rounds/{r}", headers=api.as_("aicha"), json=body)
        assert response.status_code == 422, response.text
        if code:
            assert response.json()["error"]["code"] == code, response.text
    member = api.client.patch(f"{ORG}/rounds/{r}", headers=api.as_("bruno"), json={"envelope": "1"})
    assert member.status_code == 403
    assert snapshot(api) == before


def test_a_consent_proposal_changes_the_envelope_when_it_passes(api: Api) -> None:
    r = open_round(api)["id"]
    opened = proposal(
        api,
        closes_in_hours=48,
        action={"kind": "set_round_envelope", "round_id": r, "envelope": 550_000},
    )
    assert "round #" in opened["proposal"]["action"]["summary"]
    api.community.clock.advance(days=3)
    closed = api.ok("POST", f"{ORG}/proposals/{opened['proposal']['id']}/close", "bruno")
    assert closed["outcome"]["outcome"] == "passed", closed
    assert closed["outcome"]["action_status"] == "applied"
    assert minor(api.ok("GET", f"{ORG}/rounds/{r}")["envelope"]) == 550_000
