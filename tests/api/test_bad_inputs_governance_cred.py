"""Hostile and mistaken requests to the governance, cred and round-change endpoints: each
gets a 4xx with an error code, never a server error (the test client re-raises one), and
nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from partage.services import governance, org_cred
from tests.api.conftest import ORG, Api, snapshot

ACTIONS: list[Any] = [
    "public_page",
    {"kind": "nope"},
    {"kind": "public_page"},
    {"kind": "public_page", "on": "yes"},
    {"kind": "set_round_envelope", "round_id": "x", "envelope": -1},
    {"kind": "set_round_envelope", "round_id": 999, "envelope": 10**30},
    {"kind": "set_round_window", "round_id": 1, "window_hours": 1.5},
    {"kind": "set_college_weights", "weights": {"nope": "100"}},
    {"kind": "set_college_weights", "weights": ["a"]},
    {"kind": "add_member", "name": "", "email": "not-an-email"},
    {"kind": "remove_member", "member_id": 10**20},
    {"kind": "fill_role", "name": "x" * 500, "holder": -1, "term_days": 0},
    {"kind": "end_role", "role_id": None},
    {"kind": "contribution_power", "cap": "NaN"},
]

PROPOSALS: list[dict[str, Any]] = [
    {"title": "t", "text": "x", "method": "vote", "quorum": "2"},
    {"title": "t", "text": "x", "method": "vote", "quorum": "abc"},
    {"title": "t", "text": "x", "method": "vote", "threshold": "most"},
    {"title": "t", "text": "x", "method": "nope"},
    {"title": "t", "text": "x", "method": "score", "options": []},
    {"title": "t", "text": "x", "method": "score", "options": ["a", "a"]},
    {"title": "t", "text": "x", "method": "vote", "closes_in_hours": -3},
    {"title": "t", "text": "x", "method": "vote", "closes_in_hours": 10**12},
    {"title": "t", "text": "x", "method": "vote", "body": 10**15},
    {"title": "t", "text": "x", "method": "consent", "secret": True},
    {"title": "", "text": "x", "method": "vote"},
    *({"title": "t", "text": "x", "method": "vote", "action": a} for a in ACTIONS),
]


def _written(api: Api) -> Any:
    """The API's snapshot, plus what governance and the cred settings hold."""
    c = api.community
    with c.uow(readonly=True) as u:
        log = governance.decision_log(u, actor=c.admin)
        weights = org_cred.cred_weights(u, actor=c.admin)
        circles = governance.bodies(u, actor=c.admin)
        return (snapshot(api), len(log), repr(weights), len(circles))


@pytest.mark.parametrize("body", PROPOSALS)
def test_a_bad_proposal_is_a_4xx_and_writes_nothing(api: Api, body: dict[str, Any]) -> None:
    before = _written(api)
    answer = api.client.post(f"{ORG}/proposals", json=body, headers=api.as_("bruno"))
    assert 400 <= answer.status_code < 500, answer.text
    assert "code" in answer.json()["error"]
    assert _written(api) == before


VOTES: list[Any] = [
    {"choice": "maybe"},
    {"choice": None},
    {"scores": {"a": 9}},
    {"scores": {"a": -1}},
    {"choice": "agree", "scores": {"a": 1}},
    {},
]


@pytest.mark.parametrize("body", VOTES)
def test_a_bad_vote_is_a_4xx_and_writes_nothing(api: Api, body: Any) -> None:
    opened = api.ok(
        "POST",
        f"{ORG}/proposals",
        "bruno",
        json={"title": "Un vote", "text": "x", "method": "vote"},
        status=201,
    )
    path = f"{ORG}/proposals/{opened['proposal']['id']}"
    before = _written(api)
    answer = api.client.post(f"{path}/votes", json=body, headers=api.as_("chloe"))
    assert 400 <= answer.status_code < 500, answer.text
    assert _written(api) == before


OTHER: list[tuple[str, str, Any]] = [
    ("PUT", "/cred/weights", {"activities": {"a": "-1"}}),
    ("PUT", "/cred/weights", {"activities": {"a": "NaN"}}),
    ("PUT", "/cred/weights", {"activities": {"a": 1.5}}),
    ("PUT", "/cred/weights", {"params": {"alpha": "0.9", "beta": "0.9"}}),
    ("PUT", "/cred/weights", {"edges": {"authored": {"forward": "x"}}}),
    ("PUT", "/cred/weights", {"nope": 1}),
    ("PUT", "/cred/weights", ["a"]),
    ("PATCH", "/rounds/1", {"envelope": "-5"}),
    ("PATCH", "/rounds/999", {"envelope": "5"}),
    ("PATCH", "/rounds/1", {"window_hours": -1}),
    ("PATCH", "/rounds/1", {"window_hours": 10**15}),
    ("PATCH", "/rounds/1", {}),
    ("PUT", "/contribution-power", {"cap": "-2"}),
    ("PUT", "/contribution-power", {"cap": "1e400"}),
    ("POST", "/bodies", {"name": "Cercle", "members": [10**12]}),
    ("POST", "/bodies", {"name": "", "members": []}),
    (
        "POST",
        "/distributions/preview",
        {"budget": "10", "models": [{"type": "grain", "policy": "balanced"}], "cred": "yes"},
    ),
    ("GET", "/cred?since=2026-13-01", None),
    ("GET", "/cred?since=2026-03-01&until=2026-01-01", None),
    ("GET", "/decisions?proposal=-1", None),
]


@pytest.mark.parametrize(("method", "path", "body"), OTHER)
def test_other_bad_requests_are_4xx_and_write_nothing(
    api: Api, method: str, path: str, body: Any
) -> None:
    api.ok("POST", f"{ORG}/rounds", json={"name": "Printemps", "envelope": "10"}, status=201)
    before = _written(api)
    answer = api.client.request(method, f"{ORG}{path}", json=body, headers=api.as_("aicha"))
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text)
    assert _written(api) == before
