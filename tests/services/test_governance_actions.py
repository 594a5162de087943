"""Decisions that take effect: roles with terms, rounds, members, colleges and weights."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from partage.core import chart
from partage.core.closing import Policy, UnspentRule
from partage.core.errors import Forbidden, InvalidInput
from partage.services import contributions, ledger, organizations, rounds
from partage.services import governance as gov
from partage.services.context import Actor
from partage.services.public import public_reader
from tests.conftest import Community
from tests.services.test_governance import ASSEMBLY, cast, close, propose, refused, view

DAY = timedelta(days=1)


def passed(c: Community, action: dict[str, Any], *, who: Actor | None = None) -> gov.ProposalView:
    """A vote carrying ``action`` that Bruno, Chloé and Dario all agree to."""
    pid = propose(c, who or c.bruno, action=action, title="Décision")
    for voter in (c.bruno, c.chloe, c.dario):
        cast(c, voter, pid, "agree")
    c.clock.advance(days=3)
    return close(c, pid)


def opening(c: Community, action: dict[str, Any]) -> Any:
    return lambda u: gov.open_proposal(
        u,
        actor=c.bruno,
        body_id=ASSEMBLY,
        title="Décision",
        text="t",
        method="vote",
        closes_at=c.clock() + DAY,
        now=c.clock(),
        action=action,
    )


def test_a_role_elected_for_a_term_expires_on_time(community: Community) -> None:
    c = community
    elected_at = c.clock() + 3 * DAY
    done = passed(
        c,
        {
            "kind": "fill_role",
            "name": "Trésorière",
            "domain": "les comptes",
            "holder_id": c.chloe.member.id,
            "term_days": 365,
        },
    )
    assert done.outcome is not None and done.outcome.action_status == "applied"
    with c.uow(readonly=True) as u:
        [role] = gov.roles(u, actor=c.dario, now=c.clock())
    assert (role.name, role.holder_name, role.active) == ("Trésorière", "Chloé", True)
    assert role.since == elected_at
    assert role.term_ends_at == elected_at + 365 * DAY
    assert role.proposal_id == done.proposal.id

    c.clock.now = elected_at + 365 * DAY - timedelta(seconds=1)
    with c.uow(readonly=True) as u:
        assert gov.roles(u, actor=c.dario, now=c.clock())[0].active
    c.clock.advance(seconds=1)
    with c.uow(readonly=True) as u:
        [ended] = gov.roles(u, actor=c.dario, now=c.clock())
        assert gov.roles(u, actor=c.dario, now=c.clock(), active_only=True) == []
    assert not ended.active
    assert ended.ended_reason == "term"
    assert ended.ended_at == elected_at + 365 * DAY
    kinds = [e.kind for e in done.events]
    assert kinds[-2:] == ["action_applied", "role_filled"]


def test_a_role_ended_by_a_decision(community: Community) -> None:
    c = community
    filled = passed(
        c, {"kind": "fill_role", "name": "Facilitateur", "holder_id": c.dario.member.id}
    )
    with c.uow(readonly=True) as u:
        [role] = gov.roles(u, actor=c.bruno, now=c.clock())
    assert role.term_ends_at is None
    assert filled.outcome is not None
    ended = passed(c, {"kind": "end_role", "role_id": role.id})
    assert ended.outcome is not None and ended.outcome.action_status == "applied"
    with c.uow(readonly=True) as u:
        [role] = gov.roles(u, actor=c.bruno, now=c.clock())
    assert (role.active, role.ended_reason) == (False, "decision")
    refused(
        c, InvalidInput, "action.role_ended", opening(c, {"kind": "end_role", "role_id": role.id})
    )


def test_a_decision_opens_a_round_from_the_fund(community: Community) -> None:
    c = community
    done = passed(
        c, {"kind": "open_round", "name": "Été 2026", "envelope": 200_000, "window_hours": 72}
    )
    assert done.outcome is not None and done.outcome.action_status == "applied"
    with c.uow(readonly=True) as u:
        [round_] = rounds.rounds(u, actor=c.admin)
        fund = ledger.balance_of(u, actor=c.admin, account=chart.COMMONS)
    assert (round_.name, round_.envelope, round_.window) == ("Été 2026", 200_000, 3 * DAY)
    assert fund.minor == 1_000_000 - 200_000
    applied = next(e for e in done.events if e.kind == "action_applied")
    assert applied.data["round_id"] == round_.id


def test_actions_that_would_be_invalid_are_refused_when_the_proposal_opens(
    community: Community,
) -> None:
    c = community
    refused(
        c,
        InvalidInput,
        "action.negative_envelope",
        opening(c, {"kind": "open_round", "name": "R", "envelope": -1, "window_hours": 24}),
    )
    refused(
        c,
        InvalidInput,
        "action.insufficient_fund",
        opening(c, {"kind": "open_round", "name": "R", "envelope": 10**9, "window_hours": 24}),
    )
    refused(
        c,
        InvalidInput,
        "action.unknown_member",
        opening(c, {"kind": "remove_member", "member_id": 99}),
    )
    refused(
        c,
        InvalidInput,
        "action.unknown_member",
        opening(c, {"kind": "fill_role", "name": "X", "holder_id": 99}),
    )
    error = refused(
        c,
        InvalidInput,
        "action.weights_sum",
        opening(
            c,
            {
                "kind": "set_college_weights",
                "weights": {"Lieux": "40", "Contributeurs": "40", "Soutiens": "30"},
            },
        ),
    )
    assert "110" in error.message
    error = refused(
        c,
        InvalidInput,
        "action.no_rules",
        opening(c, {"kind": "set_commission_rate", "status": "producer", "rate": "5"}),
    )
    assert "split rules" in error.message
    refused(c, InvalidInput, "action.unknown_kind", opening(c, {"kind": "dissolve"}))
    refused(
        c,
        InvalidInput,
        "action.unknown_field",
        opening(c, {"kind": "set_public_page", "public": True, "colour": "red"}),
    )
    refused(
        c,
        InvalidInput,
        "action.unknown_college",
        opening(c, {"kind": "change_college", "member_id": c.bruno.member.id, "college": "X"}),
    )


def test_members_admitted_moved_and_weights_changed_by_decisions(community: Community) -> None:
    c = community
    admitted = passed(
        c,
        {
            "kind": "admit_member",
            "name": "Élise",
            "email": "elise@example.org",
            "college": "Soutiens",
        },
    )
    assert admitted.outcome is not None and admitted.outcome.action_status == "applied"
    with c.uow(readonly=True) as u:
        names = {m.member.name: m.college for m in organizations.members(u, actor=c.admin)}
    assert names["Élise"] == "Soutiens"

    passed(c, {"kind": "change_college", "member_id": c.dario.member.id, "college": "Lieux"})
    passed(
        c,
        {
            "kind": "set_college_weights",
            "weights": {"Lieux": "50", "Contributeurs": "30", "Soutiens": "20"},
        },
    )
    with c.uow(readonly=True) as u:
        weights = {col.name: col.weight for col in organizations.colleges(u, actor=c.admin)}
        moved = {m.member.name: m.college for m in organizations.members(u, actor=c.admin)}
    assert weights == {"Lieux": Decimal(50), "Contributeurs": Decimal(30), "Soutiens": Decimal(20)}
    assert moved["Dario"] == "Lieux"


def test_a_member_with_money_owed_cannot_be_removed_one_without_can(
    community: Community,
) -> None:
    c = community
    with c.uow() as u:
        round_id = rounds.open_round(
            u,
            actor=c.admin,
            name="R",
            envelope=100_000,
            window=DAY,
            policy=Policy.PRO_RATA,
            unspent_rule=UnspentRule.RETURN,
            now=c.clock(),
        ).id
    with c.uow() as u:
        rounds.declare_claim(
            u, actor=c.chloe, round_id=round_id, amount=5_000, justification="j", now=c.clock()
        )
    c.clock.advance(days=2)
    with c.uow() as u:
        rounds.close(u, actor=c.admin, round_id=round_id, now=c.clock())
    error = refused(
        c,
        InvalidInput,
        "action.member_balance",
        opening(c, {"kind": "remove_member", "member_id": c.chloe.member.id}),
    )
    assert "Chloé" in error.message

    done = passed(c, {"kind": "remove_member", "member_id": c.dario.member.id})
    assert done.outcome is not None and done.outcome.action_status == "applied"
    with c.uow(readonly=True) as u:
        dario = u.community.member(c.admin.org_id, c.dario.member.id)
        assert dario is not None
        assert (dario.role.value, dario.user_id) == ("observer", None)
        assert c.dario.member.id not in gov.bodies(u, actor=c.admin)[0].member_ids


def test_an_action_that_no_longer_applies_when_passing_is_recorded_as_failed(
    community: Community,
) -> None:
    c = community
    first = propose(c, c.bruno, action={"kind": "remove_member", "member_id": c.dario.member.id})
    second = propose(
        c, c.chloe, action={"kind": "fill_role", "name": "Jardin", "holder_id": c.dario.member.id}
    )
    for pid in (first, second):
        for voter in (c.bruno, c.chloe, c.dario):
            cast(c, voter, pid, "agree")
    c.clock.advance(days=3)
    close(c, first)
    failed = close(c, second)
    assert failed.outcome is not None
    assert failed.outcome.outcome == "passed"
    assert failed.outcome.action_status == "failed"
    assert failed.outcome.action_detail == f"no member #{c.dario.member.id}"
    assert failed.events[-1].kind == "action_failed"
    with c.uow(readonly=True) as u:
        assert gov.roles(u, actor=c.bruno, now=c.clock()) == []


def test_a_rejected_proposal_applies_nothing(community: Community) -> None:
    c = community
    pid = propose(c, c.bruno, action={"kind": "set_public_page", "public": True})
    cast(c, c.chloe, pid, "disagree")
    c.clock.advance(days=3)
    done = close(c, pid)
    assert done.outcome is not None and done.outcome.outcome == "rejected"
    assert done.outcome.action_status is None
    assert not c.actor(c.admin).organization.public_page
    assert view(c, pid).status == "closed"


def test_the_public_page_shows_outcomes_but_no_ones_vote(community: Community) -> None:
    c = community
    pid = propose(c, c.bruno, action={"kind": "set_public_page", "public": True})
    cast(c, c.bruno, pid, "agree")
    c.clock.advance(days=3)
    close(c, pid)
    with c.uow(readonly=True) as u:
        reader = public_reader(u, c.admin.organization.slug)
        [shown] = gov.public_decisions(u, actor=reader)
    assert shown.outcome is not None and shown.outcome.outcome == "passed"
    assert shown.votes == () and shown.events == ()


def test_power_from_contribution_weighs_recorded_hours_within_a_college(
    community: Community,
) -> None:
    c = community
    with c.uow() as u:
        contributions.record(
            u,
            actor=c.bruno,
            activity="chantier",
            occurred_on="2026-03-01",
            hours="30",
            now=c.clock(),
        )
    refused(
        c,
        Forbidden,
        "role.not_admin",
        lambda u: gov.set_contribution_power(u, actor=c.bruno, cap="3", now=c.clock()),
    )
    refused(
        c,
        InvalidInput,
        "power.cap_range",
        lambda u: gov.set_contribution_power(u, actor=c.admin, cap="0.5", now=c.clock()),
    )
    with c.uow() as u:
        power = gov.set_contribution_power(u, actor=c.admin, cap="3", now=c.clock())
    assert power == gov.ContributionPower("3", "10")
    c.clock.advance(hours=1)
    pid = propose(c, c.bruno, title="Agrandir l'atelier")
    # Hours recorded once the proposal is open do not count: power is not bought mid-vote.
    with c.uow() as u:
        contributions.record(
            u,
            actor=c.chloe,
            activity="chantier",
            occurred_on="2026-03-02",
            hours="50",
            now=c.clock(),
        )
    cast(c, c.bruno, pid, "agree")
    cast(c, c.chloe, pid, "disagree")
    cast(c, c.dario, pid, "disagree")
    c.clock.advance(days=3)
    done = close(c, pid)
    assert done.proposal.contribution_power == gov.ContributionPower("3", "10")
    assert done.outcome is not None
    # Bruno: 1 + 30 / 10 = 4, capped at 3; Chloé and Dario 1 each: 3 / 5 agree.
    assert (done.outcome.outcome, done.outcome.result) == ("passed", "0.600000")

    with c.uow() as u:
        assert gov.set_contribution_power(u, actor=c.admin, cap=None, now=c.clock()) is None
    again = propose(c, c.bruno, title="Sans pondération")
    for who, choice in ((c.bruno, "agree"), (c.chloe, "disagree"), (c.dario, "disagree")):
        cast(c, who, again, choice)
    c.clock.advance(days=3)
    plain = close(c, again)
    assert plain.outcome is not None and plain.outcome.result == "0.333333"


def test_a_decision_turns_power_from_contribution_on_and_off(community: Community) -> None:
    c = community
    refused(
        c,
        InvalidInput,
        "power.cap_range",
        opening(c, {"kind": "set_contribution_power", "cap": "0.5"}),
    )
    done = passed(c, {"kind": "set_contribution_power", "cap": "2", "hours_per_step": "5"})
    assert done.proposal.action is not None
    assert (
        done.proposal.action.summary
        == "let a vote weigh 1 + hours / 5 within its college, at most 2"
    )
    with c.uow(readonly=True) as u:
        assert gov.contribution_power(u, actor=c.bruno) == gov.ContributionPower("2", "5")
    passed(c, {"kind": "set_contribution_power", "cap": "off"})
    with c.uow(readonly=True) as u:
        assert gov.contribution_power(u, actor=c.bruno) is None
