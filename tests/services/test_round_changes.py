"""An open round's envelope and window changed by an admin or by a decision."""

from __future__ import annotations

from datetime import timedelta

import pytest

from partage.core import chart
from partage.core.claims import ClaimStatus
from partage.core.closing import MissionSpec
from partage.core.errors import DomainError, Forbidden, InvalidInput
from partage.services import ledger, rounds
from tests.conftest import Community
from tests.services.test_governance import refused
from tests.services.test_governance_actions import opening, passed
from tests.services.test_rounds import WEEK, close, declare, open_round


def fund(c: Community) -> int:
    with c.uow(readonly=True) as u:
        return ledger.balance_of(u, actor=c.admin, account=chart.COMMONS).minor


def envelope_of(c: Community, round_id: int) -> int:
    with c.uow(readonly=True) as u:
        return rounds.view_round(u, actor=c.admin, round_id=round_id, now=c.clock()).envelope


def set_envelope(c: Community, round_id: int, amount: int) -> None:
    with c.uow() as u:
        rounds.set_envelope(u, actor=c.admin, round_id=round_id, envelope=amount, now=c.clock())


def books_ok(c: Community) -> bool:
    with c.uow(readonly=True) as u:
        return ledger.check(u, actor=c.admin).ok


def test_raising_and_lowering_the_envelope_moves_money_with_the_fund(
    community: Community,
) -> None:
    c = community
    r = open_round(c, envelope=500_000)
    assert fund(c) == 500_000
    set_envelope(c, r, 700_000)
    assert (envelope_of(c, r), fund(c)) == (700_000, 300_000)
    set_envelope(c, r, 100_000)
    assert (envelope_of(c, r), fund(c)) == (100_000, 900_000)
    with c.uow(readonly=True) as u:
        changes = [
            e.entry for e in ledger.journal(u, actor=c.admin) if e.entry.cause.endswith(":envelope")
        ]
        in_round = ledger.balance_of(u, actor=c.admin, account=chart.round_account(r)).minor
    assert [sorted(p.amount for p in e.postings) for e in changes] == [
        [-200_000, 200_000],
        [-600_000, 600_000],
    ]
    assert in_round == 100_000
    assert books_ok(c)
    # The closing pays from the new envelope and returns what is left of it, not more.
    declare(c, c.bruno, r, 30_000)
    c.clock.advance(days=8)
    closing = close(c, r)
    assert closing.envelope == 100_000 and closing.unspent == 70_000
    assert fund(c) == 970_000
    assert books_ok(c)


def test_a_window_change_applies_to_claims_declared_after_it(community: Community) -> None:
    c = community
    r = open_round(c)
    before = declare(c, c.bruno, r, 10_000)
    with c.uow() as u:
        changed = rounds.set_window(
            u, actor=c.admin, round_id=r, window=timedelta(days=2), now=c.clock()
        )
    assert changed.window == timedelta(days=2)
    after = declare(c, c.chloe, r, 10_000)
    c.clock.advance(days=3)
    with c.uow(readonly=True) as u:
        view = rounds.view_round(u, actor=c.admin, round_id=r, now=c.clock())
    assert view.statuses[before] is ClaimStatus.IN_WINDOW
    assert view.statuses[after] is ClaimStatus.ACCEPTED


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("more_than_fund", "round.insufficient_fund"),
        ("below_accepted", "round.below_accepted"),
        ("below_missions", "round.below_missions"),
        ("negative", "amount.negative"),
        ("closed", "round.closed"),
        ("unknown", "round.not_found"),
        ("member", "role.not_admin"),
        ("window_zero", "round.bad_window"),
    ],
)
def test_refused_changes_write_nothing(community: Community, case: str, code: str) -> None:
    c = community
    r = open_round(c, envelope=500_000, missions=(MissionSpec("Jardin", 200_000),))
    declare(c, c.bruno, r, 300_000)
    c.clock.advance(days=8)
    if case == "closed":
        close(c, r)
    with c.uow(readonly=True) as u:
        before = (len(ledger.journal(u, actor=c.admin)), rounds.rounds(u, actor=c.admin))
    with pytest.raises(DomainError) as err, c.uow() as u:
        actor, round_id, amount = c.admin, r, 400_000
        if case == "more_than_fund":
            amount = 1_100_000
        elif case == "below_accepted":
            amount = 250_000
        elif case == "below_missions":
            amount = 150_000
        elif case == "negative":
            amount = -1
        elif case == "unknown":
            round_id = 999
        elif case == "member":
            actor = c.bruno
        if case == "window_zero":
            rounds.set_window(u, actor=actor, round_id=round_id, window=timedelta(0), now=c.clock())
        else:
            rounds.set_envelope(u, actor=actor, round_id=round_id, envelope=amount, now=c.clock())
    assert err.value.code == code, err.value
    with c.uow(readonly=True) as u:
        after = (len(ledger.journal(u, actor=c.admin)), rounds.rounds(u, actor=c.admin))
    assert after == before


def test_a_vote_that_passes_changes_the_envelope_and_the_window(community: Community) -> None:
    c = community
    r = open_round(c, envelope=500_000)
    done = passed(c, {"kind": "set_round_envelope", "round_id": r, "envelope": 650_000})
    assert done.outcome is not None and done.outcome.action_status == "applied"
    assert (envelope_of(c, r), fund(c)) == (650_000, 350_000)
    assert books_ok(c)
    done = passed(c, {"kind": "set_round_window", "round_id": r, "window_hours": 48})
    assert done.outcome is not None and done.outcome.action_status == "applied"
    assert [e.kind for e in done.events][-1] == "action_applied"
    with c.uow(readonly=True) as u:
        [round_] = rounds.rounds(u, actor=c.admin)
    assert round_.window == timedelta(hours=48)


def test_an_envelope_change_is_checked_at_opening_and_again_at_passing(
    community: Community,
) -> None:
    c = community
    r = open_round(c, envelope=500_000)
    refused(
        c,
        InvalidInput,
        "round.insufficient_fund",
        opening(c, {"kind": "set_round_envelope", "round_id": r, "envelope": 2_000_000}),
    )
    refused(
        c,
        InvalidInput,
        "action.unknown_round",
        opening(c, {"kind": "set_round_envelope", "round_id": 77, "envelope": 1}),
    )
    refused(
        c,
        InvalidInput,
        "action.negative_envelope",
        opening(c, {"kind": "set_round_envelope", "round_id": r, "envelope": -1}),
    )
    # Valid when opened; the round closes before the vote ends: recorded as failed.
    from tests.services.test_governance import cast, propose
    from tests.services.test_governance import close as close_proposal

    pid = propose(c, c.bruno, action={"kind": "set_round_envelope", "round_id": r, "envelope": 1})
    for voter in (c.bruno, c.chloe, c.dario):
        cast(c, voter, pid, "agree")
    close(c, r)
    c.clock.advance(days=3)
    failed = close_proposal(c, pid)
    assert failed.outcome is not None and failed.outcome.action_status == "failed"
    assert "closed" in failed.outcome.action_detail
    assert failed.events[-1].kind == "action_failed"
    assert books_ok(c)


def test_an_observer_cannot_change_a_round(community: Community) -> None:
    r = open_round(community)
    with pytest.raises(Forbidden), community.uow() as u:
        rounds.set_window(
            u, actor=community.observer, round_id=r, window=WEEK, now=community.clock()
        )
