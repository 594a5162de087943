"""Governance through the JSON API: the issue's check — a consent proposal that turns the public
page on, objected to, amended, passed, the setting changed and the log saying why — then
votes, secret ballots, advice, circles, roles, and refusals that write nothing."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import ORG, Api
from tests.services.test_governance_power import paid_by_scores


def proposal(api: Api, who: str = "bruno", status: int = 201, **fields: Any) -> Any:
    body = {"title": "Ouvrir nos comptes", "text": "Publions nos comptes.", **fields}
    return api.ok("POST", f"{ORG}/proposals", who, status=status, json=body)


def test_a_consent_proposal_that_turns_the_public_page_on(api: Api) -> None:
    c = api.community
    opened = proposal(api, closes_in_hours=72, action={"kind": "set_public_page", "public": True})
    pid = opened["proposal"]["id"]
    assert opened["status"] == "open"
    assert opened["proposal"]["method"] == "consent"
    assert opened["body"]["kind"] == "assembly"
    assert api.get("/api/public/tiers-lieux").status_code == 404

    objected = api.ok(
        "POST", f"{ORG}/proposals/{pid}/objections", "chloe", 201, json={"reason": "Les noms ?"}
    )
    objection = objected["objections"][0]
    assert objection["standing"] is True

    talked = api.ok(
        "POST", f"{ORG}/proposals/{pid}/comments", "bruno", 201, json={"text": "Sans courriels ?"}
    )
    assert talked["events"][-1]["kind"] == "comment"
    assert (
        api.post(f"{ORG}/proposals/{pid}/comments", "olga", json={"text": "x"}).status_code == 403
    )
    c.clock.advance(hours=24)
    amended = api.ok(
        "POST",
        f"{ORG}/proposals/{pid}/amendments",
        "bruno",
        json={"text": "Publions nos comptes, sans les courriels.", "note": "sans courriels"},
    )
    assert amended["objections"][0]["resolution"] == "amended"
    assert amended["objections"][0]["standing"] is False
    assert amended["proposal"]["closes_at"] == "2026-03-06T09:00:00Z"

    early = api.post(f"{ORG}/proposals/{pid}/close")
    assert early.status_code == 422, early.text
    assert early.json()["error"]["code"] == "proposal.not_due"

    c.clock.advance(hours=73)
    due = api.ok("GET", f"{ORG}/proposals/{pid}")
    assert due["status"] == "due"
    closed = api.ok("POST", f"{ORG}/proposals/{pid}/close", "dario")
    assert closed["status"] == "closed"
    assert closed["outcome"]["outcome"] == "passed"
    assert closed["outcome"]["action_status"] == "applied"
    assert api.get("/api/public/tiers-lieux").status_code == 200

    log = api.ok("GET", f"{ORG}/decisions", params={"proposal": pid})
    assert [e["kind"] for e in log] == [
        "proposal_opened",
        "objection_raised",
        "comment",
        "proposal_amended",
        "proposal_closed",
        "action_applied",
    ]
    assert log[3]["data"]["note"] == "sans courriels"
    assert log[4]["data"]["outcome"] == "passed"
    assert (
        api.ok("GET", f"{ORG}/proposals", params={"status": "closed"})[0]["proposal"]["id"] == pid
    )


def test_an_objection_that_stands_rejects_and_applies_nothing(api: Api) -> None:
    pid = proposal(api, closes_in_hours=1, action={"kind": "set_public_page", "public": True})[
        "proposal"
    ]["id"]
    api.ok("POST", f"{ORG}/proposals/{pid}/objections", "dario", 201, json={"reason": "Non"})
    api.community.clock.advance(hours=2)
    closed = api.ok("POST", f"{ORG}/proposals/{pid}/close")
    assert closed["outcome"]["outcome"] == "rejected"
    assert closed["outcome"]["action_status"] is None
    assert api.get("/api/public/tiers-lieux").status_code == 404


def test_open_votes_change_until_closing_and_secret_ones_keep_only_counts(api: Api) -> None:
    pid = proposal(api, "aicha", method="vote", threshold="majority", closes_in_hours=5)[
        "proposal"
    ]["id"]
    api.ok("POST", f"{ORG}/proposals/{pid}/votes", "bruno", json={"choice": "disagree"})
    changed = api.ok("POST", f"{ORG}/proposals/{pid}/votes", "bruno", json={"choice": "agree"})
    assert [(v["voter_name"], v["choice"]) for v in changed["votes"]] == [("Bruno", "agree")]
    block = api.post(f"{ORG}/proposals/{pid}/votes", "chloe", json={"choice": "block"})
    assert block.status_code == 422, block.text
    assert block.json()["error"]["code"] == "vote.block_not_allowed"
    observer = api.post(f"{ORG}/proposals/{pid}/votes", "olga", json={"choice": "agree"})
    assert observer.status_code == 403

    secret = proposal(api, "aicha", method="vote", secret=True, closes_in_hours=5)
    sid = secret["proposal"]["id"]
    for who, choice in (("aicha", "agree"), ("bruno", "agree"), ("chloe", "disagree")):
        view = api.ok("POST", f"{ORG}/proposals/{sid}/votes", who, json={"choice": choice})
        assert view["votes"] == []
    twice = api.post(f"{ORG}/proposals/{sid}/votes", "chloe", json={"choice": "agree"})
    assert twice.status_code == 422, twice.text
    assert twice.json()["error"]["code"] == "vote.already_cast"
    assert api.ok("GET", f"{ORG}/proposals/{sid}", "dario")["voters"] == 3

    api.community.clock.advance(hours=6)
    late = api.post(f"{ORG}/proposals/{pid}/votes", "dario", json={"choice": "agree"})
    assert late.status_code == 422, late.text
    assert late.json()["error"]["code"] == "proposal.closed"
    closed = api.ok("POST", f"{ORG}/proposals/{sid}/close")
    assert closed["votes"] == []
    assert sum(c["agree"] for c in closed["counts"]) == 2
    assert sum(c["disagree"] for c in closed["counts"]) == 1
    assert closed["outcome"]["outcome"] == "passed"  # 2 agree of 3 expressed


def test_score_advice_circles_and_roles(api: Api) -> None:
    c = api.community
    sid = proposal(api, method="score", options=["Lundi", "Jeudi"], closes_in_hours=2)["proposal"][
        "id"
    ]
    api.ok(
        "POST", f"{ORG}/proposals/{sid}/votes", "bruno", json={"scores": {"Lundi": 1, "Jeudi": 5}}
    )
    api.ok(
        "POST", f"{ORG}/proposals/{sid}/votes", "chloe", json={"scores": {"Lundi": 3, "Jeudi": 4}}
    )
    out_of_range = api.post(
        f"{ORG}/proposals/{sid}/votes", "dario", json={"scores": {"Lundi": 6, "Jeudi": 0}}
    )
    assert out_of_range.status_code == 422

    aid = proposal(
        api, "chloe", method="advice", closes_in_hours=2, decider=api.member_id("bruno")
    )["proposal"]["id"]
    api.ok("POST", f"{ORG}/proposals/{aid}/advice", "dario", 201, json={"text": "Bonne idée"})
    c.clock.advance(hours=3)
    assert api.ok("POST", f"{ORG}/proposals/{sid}/close")["outcome"]["chosen"] == "Jeudi"
    not_decider = api.post(
        f"{ORG}/proposals/{aid}/decision", "chloe", json={"adopt": True, "text": "Oui"}
    )
    assert not_decider.status_code == 403
    decided = api.ok(
        "POST", f"{ORG}/proposals/{aid}/decision", "bruno", json={"adopt": True, "text": "Oui"}
    )
    assert decided["outcome"]["decision_text"] == "Oui"
    assert decided["advice"][0]["text"] == "Bonne idée"

    refused = api.post(f"{ORG}/bodies", "bruno", json={"name": "Cuisine", "members": [1]})
    assert refused.status_code == 403
    circle = api.ok(
        "POST",
        f"{ORG}/bodies",
        status=201,
        json={"name": "Cuisine", "members": [api.member_id("bruno")], "allows_blocks": True},
    )
    assert circle["kind"] == "circle" and circle["allows_blocks"] is True
    assert [b["name"] for b in api.ok("GET", f"{ORG}/bodies", "olga")][-1] == "Cuisine"

    holder = api.member_id("dario")
    rid = proposal(
        api,
        "aicha",
        closes_in_hours=1,
        action={"kind": "fill_role", "name": "Soucieux", "holder_id": holder, "term_days": 10},
    )["proposal"]["id"]
    c.clock.advance(hours=2)
    api.ok("POST", f"{ORG}/proposals/{rid}/close")
    roles = api.ok("GET", f"{ORG}/roles")
    assert [(r["name"], r["holder_id"], r["active"], r["proposal_id"]) for r in roles] == [
        ("Soucieux", holder, True, rid)
    ]
    c.clock.advance(days=11)
    assert api.ok("GET", f"{ORG}/roles", params={"active": "true"}) == []
    assert api.ok("GET", f"{ORG}/roles")[0]["ended_reason"] == "term"


def test_refusals_write_nothing(api: Api) -> None:
    bad = [
        ({"method": "poll"}, "method"),
        ({"closes_in_hours": 0}, "closes_in_hours"),
        ({"closes_in_hours": 2, "closes_at": "2026-03-05T10:00:00+00:00"}, "closes_at"),
        ({"action": {"kind": "open_round", "name": "R", "envelope": -1, "window_hours": 24}}, None),
        ({"action": {"kind": "remove_member", "member_id": 999}}, None),
        ({"action": {"kind": "set_commission_rate", "rate": "2"}}, "action.status"),
        ({"unknown": 1}, None),
    ]
    for fields, field in bad:
        response = api.post(f"{ORG}/proposals", "bruno", json={"title": "T", "text": "x", **fields})
        assert response.status_code == 422, (fields, response.text)
        if field:
            assert field in (response.json()["error"]["field"] or ""), response.text
    assert api.post(f"{ORG}/proposals", "olga", json={"title": "T", "text": "x"}).status_code == 403
    assert api.get(f"{ORG}/proposals/999").status_code == 404
    assert api.ok("GET", f"{ORG}/proposals") == []
    assert api.ok("GET", f"{ORG}/decisions") == []


HOURS_3_BY_5 = {"cap": "3", "hours_per_step": "5", "basis": "hours", "distribution_id": None}


def test_power_from_contribution_is_set_by_an_admin_and_frozen_into_new_votes(api: Api) -> None:
    assert api.ok("GET", f"{ORG}/contribution-power", "bruno") == {
        "on": False,
        "cap": None,
        "hours_per_step": None,
        "basis": None,
        "distribution_id": None,
    }
    assert (
        api.client.put(
            f"{ORG}/contribution-power", headers=api.as_("bruno"), json={"cap": "3"}
        ).status_code
        == 403
    )
    bad = api.client.put(f"{ORG}/contribution-power", headers=api.as_("aicha"), json={"cap": "x"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "cap"
    on = api.ok("PUT", f"{ORG}/contribution-power", json={"cap": "3", "hours_per_step": "5"})
    assert on == {
        "on": True,
        "cap": "3",
        "hours_per_step": "5",
        "basis": "hours",
        "distribution_id": None,
    }
    opened = proposal(api, "aicha", method="vote", closes_in_hours=2)
    assert opened["proposal"]["contribution_power"] == HOURS_3_BY_5
    off = api.ok("PUT", f"{ORG}/contribution-power", json={"cap": None})
    assert off["on"] is False
    kept = api.ok("GET", f"{ORG}/proposals/{opened['proposal']['id']}")
    assert kept["proposal"]["contribution_power"] == HOURS_3_BY_5
    assert [e["kind"] for e in api.ok("GET", f"{ORG}/decisions")].count(
        "contribution_power_set"
    ) == 2


def test_power_from_a_distribution_through_the_api(api: Api) -> None:
    c = api.community
    for body, field in (
        ({"cap": "2", "distribution_id": 9}, "distribution_id"),
        ({"cap": "2", "basis": "distribution"}, "distribution_id"),
        ({"cap": "2", "basis": "likes"}, "basis"),
    ):
        refused = api.client.put(f"{ORG}/contribution-power", headers=api.as_("aicha"), json=body)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["field"] == field
    assert api.ok("GET", f"{ORG}/contribution-power")["on"] is False
    assert api.ok("GET", f"{ORG}/decisions") == []
    distribution_id = paid_by_scores(c)
    on = api.ok("PUT", f"{ORG}/contribution-power", json={"cap": "2", "distribution_id": 1})
    assert on == {
        "on": True,
        "cap": "2",
        "hours_per_step": "10",
        "basis": "distribution",
        "distribution_id": distribution_id,
    }
    opened = proposal(api, "bruno", method="vote", closes_in_hours=2)
    pid = opened["proposal"]["id"]
    assert opened["proposal"]["contribution_power"]["distribution_id"] == distribution_id
    for who, choice in (("bruno", "agree"), ("dario", "agree"), ("chloe", "disagree")):
        api.ok("POST", f"{ORG}/proposals/{pid}/votes", who, json={"choice": choice})
    api.ok("POST", f"{ORG}/proposals/{pid}/votes", "aicha", json={"choice": "disagree"})
    c.clock.advance(hours=3)
    closed = api.ok("POST", f"{ORG}/proposals/{pid}/close", "dario")
    # Bruno 2 (capped), Dario 2, Chloé 1.5, Aïcha 1: 4 of 6.5 agree.
    assert (closed["outcome"]["outcome"], closed["outcome"]["result"]) == ("passed", "0.615385")
