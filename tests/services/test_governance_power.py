"""Power from a distribution's payouts: a worked example, the decision that sets it, and the
refusals that write nothing."""

from __future__ import annotations

from partage.core.errors import InvalidInput
from partage.services import distributions
from partage.services import governance as gov
from tests.conftest import Community
from tests.services.test_governance import cast, close, propose, refused
from tests.services.test_governance_actions import opening, passed


def paid_by_scores(c: Community) -> int:
    """Distribution #1: 60.00 EUR paid on scores 300 / 100 / 200, so Bruno gets 30.00, Chloé
    10.00 and Dario 20.00 — an average of 20.00 a member paid."""
    b, ch, d = (str(a.member.id) for a in (c.bruno, c.chloe, c.dario))
    with c.uow() as u:
        done = distributions.run(
            u,
            actor=c.admin,
            model={"type": "grain", "policy": "immediate"},
            data=distributions.source(scores={b: ["300"], ch: ["100"], d: ["200"]}),
            budget=6_000,
            fund="commons",
            now=c.clock(),
        )
    assert done.result["allocations"] == {b: "30.00", ch: "10.00", d: "20.00"}
    return done.id


def test_a_vote_weighs_by_what_a_distribution_paid_each_voter(community: Community) -> None:
    c = community
    distribution_id = paid_by_scores(c)
    with c.uow() as u:
        power = gov.set_contribution_power(
            u, actor=c.admin, cap="2", distribution_id=distribution_id, now=c.clock()
        )
    assert power == gov.ContributionPower(
        "2", "10", basis="distribution", distribution_id=distribution_id
    )
    c.clock.advance(hours=1)
    pid = propose(c, c.bruno, title="Agrandir l'atelier")
    for who, choice in ((c.bruno, "agree"), (c.dario, "agree")):
        cast(c, who, pid, choice)
    for who in (c.chloe, c.admin):
        cast(c, who, pid, "disagree")
    # Turning it back to hours while the vote runs changes nothing for this vote.
    with c.uow() as u:
        gov.set_contribution_power(u, actor=c.admin, cap="3", now=c.clock())
    c.clock.advance(days=3)
    done = close(c, pid)
    assert done.proposal.contribution_power == gov.ContributionPower(
        "2", "10", basis="distribution", distribution_id=distribution_id
    )
    assert done.outcome is not None
    # Bruno 1 + 30 / 20 = 2.5, capped at 2; Dario 1 + 20 / 20 = 2; Chloé 1 + 10 / 20 = 1.5;
    # Aïcha, paid nothing, 1. Agree 4 of 6.5 = 8/13: it passes, where one member one vote
    # (2 of 4) would not.
    assert (done.outcome.outcome, done.outcome.result) == ("passed", "0.615385")


def test_power_from_a_distribution_is_refused_without_a_recorded_one(
    community: Community,
) -> None:
    c = community
    refused(
        c,
        InvalidInput,
        "power.unknown_distribution",
        lambda u: gov.set_contribution_power(
            u, actor=c.admin, cap="2", distribution_id=99, now=c.clock()
        ),
    )
    refused(
        c,
        InvalidInput,
        "power.distribution_required",
        lambda u: gov.set_contribution_power(
            u, actor=c.admin, cap="2", basis="distribution", now=c.clock()
        ),
    )
    refused(
        c,
        InvalidInput,
        "power.unknown_basis",
        lambda u: gov.set_contribution_power(
            u, actor=c.admin, cap="2", basis="likes", now=c.clock()
        ),
    )
    distribution_id = paid_by_scores(c)
    refused(
        c,
        InvalidInput,
        "power.distribution_not_used",
        lambda u: gov.set_contribution_power(
            u,
            actor=c.admin,
            cap="2",
            basis="hours",
            distribution_id=distribution_id,
            now=c.clock(),
        ),
    )
    with c.uow(readonly=True) as u:
        assert gov.contribution_power(u, actor=c.admin) is None


def test_a_decision_bases_power_on_a_distribution(community: Community) -> None:
    c = community
    refused(
        c,
        InvalidInput,
        "power.unknown_distribution",
        opening(c, {"kind": "set_contribution_power", "cap": "2", "distribution_id": 7}),
    )
    distribution_id = paid_by_scores(c)
    done = passed(
        c, {"kind": "set_contribution_power", "cap": "3", "distribution_id": distribution_id}
    )
    assert done.proposal.action is not None
    assert done.proposal.action.summary == (
        f"let a vote weigh 1 + payout / average payout of distribution #{distribution_id} "
        "within its college, at most 3"
    )
    with c.uow(readonly=True) as u:
        assert gov.contribution_power(u, actor=c.bruno) == gov.ContributionPower(
            "3", "10", basis="distribution", distribution_id=distribution_id
        )


def test_a_distribution_that_paid_no_member_cannot_weigh_votes(community: Community) -> None:
    c = community
    with c.uow() as u:
        nothing = distributions.run(
            u,
            actor=c.admin,
            model={"type": "grain", "policy": "immediate"},
            data=distributions.source(scores={str(c.bruno.member.id): ["0"]}),
            budget=6_000,
            fund="commons",
            now=c.clock(),
        )
    assert nothing.paid == 0
    refused(
        c,
        InvalidInput,
        "power.distribution_paid_nobody",
        lambda u: gov.set_contribution_power(
            u, actor=c.admin, cap="2", distribution_id=nothing.id, now=c.clock()
        ),
    )
