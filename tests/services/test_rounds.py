"""The whole life of a contributive round, as a collective lives it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from partage.core import chart
from partage.core.claims import ClaimStatus, Disposition
from partage.core.closing import MissionSpec, Policy, UnspentRule
from partage.core.errors import Conflict, Forbidden, InvalidInput
from partage.services import ledger, rounds
from tests.conftest import Community

WEEK = timedelta(days=7)


def open_round(
    c: Community,
    envelope: int = 500_000,
    policy: Policy = Policy.PRO_RATA,
    unspent: UnspentRule = UnspentRule.RETURN,
    missions: tuple[MissionSpec, ...] = (),
) -> int:
    with c.uow() as u:
        return rounds.open_round(
            u,
            actor=c.admin,
            name="Printemps 2026",
            envelope=envelope,
            window=WEEK,
            policy=policy,
            unspent_rule=unspent,
            now=c.clock(),
            missions=missions,
        ).id


def declare(c: Community, who, round_id: int, amount: int, **kw) -> int:  # type: ignore[no-untyped-def]
    with c.uow() as u:
        return rounds.declare_claim(
            u,
            actor=who,
            round_id=round_id,
            amount=amount,
            justification="animation",
            now=c.clock(),
            **kw,
        ).id


def close(c: Community, round_id: int):  # type: ignore[no-untyped-def]
    with c.uow() as u:
        return rounds.close(u, actor=c.admin, round_id=round_id, now=c.clock())


def owed(c: Community, who) -> int:  # type: ignore[no-untyped-def]
    with c.uow(readonly=True) as u:
        return ledger.balance_of(
            u, actor=c.admin, account=chart.member_account(who.member.id)
        ).minor


def test_claims_fit_the_envelope_and_each_member_is_owed_their_claim(community: Community) -> None:
    c = community
    r = open_round(c)
    declare(c, c.bruno, r, 120_000)
    declare(c, c.chloe, r, 80_000)
    c.clock.advance(days=8)
    closing = close(c, r)
    assert [o.granted for o in closing.claims] == [120_000, 80_000]
    assert closing.unspent == 300_000
    assert owed(c, c.bruno) == 120_000 and owed(c, c.chloe) == 80_000
    with c.uow(readonly=True) as u:
        assert (
            ledger.balance_of(u, actor=c.admin, account=chart.COMMONS).minor == 1_000_000 - 200_000
        )
        assert ledger.check(u, actor=c.admin).ok


def test_pro_rata_scales_every_claim_when_the_envelope_is_exceeded(community: Community) -> None:
    c = community
    r = open_round(c, envelope=100_000)
    declare(c, c.bruno, r, 90_000)
    declare(c, c.chloe, r, 60_000)
    declare(c, c.dario, r, 50_000)
    c.clock.advance(days=8)
    closing = close(c, r)
    # 100 000 / 200 000 = one half each.
    assert [o.granted for o in closing.claims] == [45_000, 30_000, 25_000]
    assert closing.unspent == 0


def test_pro_rata_rounding_keeps_the_cents(community: Community) -> None:
    c = community
    r = open_round(c, envelope=100_000)
    for who in (c.bruno, c.chloe, c.dario):
        declare(c, who, r, 100_000)
    c.clock.advance(days=8)
    closing = close(c, r)
    assert sorted(o.granted for o in closing.claims) == [33_333, 33_333, 33_334]
    assert sum(o.granted for o in closing.claims) == 100_000


def test_in_order_serves_claims_by_acceptance_time(community: Community) -> None:
    c = community
    r = open_round(c, envelope=100_000, policy=Policy.IN_ORDER)
    first = declare(c, c.bruno, r, 70_000)
    c.clock.advance(hours=1)
    late = declare(c, c.chloe, r, 50_000)
    c.clock.advance(hours=1)
    declare(c, c.dario, r, 20_000)
    # Bruno's claim is objected, so it is accepted only when the objection is withdrawn.
    with c.uow() as u:
        claim = rounds.object_to_claim(u, actor=c.chloe, claim_id=first, reason="?", now=c.clock())
    c.clock.advance(days=8)
    with c.uow() as u:
        rounds.withdraw_objection(
            u,
            actor=c.chloe,
            claim_id=first,
            objection_id=claim.claim.objections[0].id,
            now=c.clock(),
        )
    closing = close(c, r)
    granted = {o.member_id: o.granted for o in closing.claims}
    assert granted == {
        c.chloe.member.id: 50_000,
        c.dario.member.id: 20_000,
        c.bruno.member.id: 30_000,
    }
    assert late


def test_debt_policy_records_the_excess_and_pays_it_first_next_round(community: Community) -> None:
    c = community
    r1 = open_round(c, envelope=100_000, policy=Policy.DEBT)
    declare(c, c.bruno, r1, 80_000)
    c.clock.advance(minutes=1)
    declare(c, c.chloe, r1, 50_000)
    c.clock.advance(days=8)
    closing = close(c, r1)
    assert [(o.granted, o.new_debt) for o in closing.claims] == [(80_000, 0), (20_000, 30_000)]
    with c.uow(readonly=True) as u:
        debt = ledger.balance_of(u, actor=c.admin, account=chart.debt_account(c.chloe.member.id))
        assert debt.minor == 30_000
        assert (
            rounds.given_by(u, actor=c.admin, member_id=c.chloe.member.id).debts_outstanding
            == 30_000
        )
    r2 = open_round(c, envelope=100_000, policy=Policy.DEBT)
    declare(c, c.dario, r2, 90_000)
    c.clock.advance(days=8)
    closing2 = close(c, r2)
    assert [d.paid for d in closing2.debts] == [30_000]
    assert [o.granted for o in closing2.claims] == [70_000]
    assert [o.new_debt for o in closing2.claims] == [20_000]
    assert owed(c, c.chloe) == 50_000
    with c.uow(readonly=True) as u:
        assert (
            ledger.balance_of(u, actor=c.admin, account=chart.debt_account(c.chloe.member.id)).minor
            == 0
        )
        assert ledger.check(u, actor=c.admin).ok


def test_unspent_rolls_over_into_the_next_envelope(community: Community) -> None:
    c = community
    r1 = open_round(c, envelope=100_000, unspent=UnspentRule.ROLLOVER)
    declare(c, c.bruno, r1, 40_000)
    c.clock.advance(days=8)
    assert close(c, r1).unspent == 60_000
    r2 = open_round(c, envelope=50_000)
    with c.uow(readonly=True) as u:
        view = rounds.view_round(u, actor=c.admin, round_id=r2, now=c.clock())
        assert view.envelope == 110_000
        assert ledger.balance_of(u, actor=c.admin, account=chart.ROLLOVER).minor == 0


def test_claims_under_objection_move_to_the_next_round(community: Community) -> None:
    c = community
    r1 = open_round(c)
    disputed = declare(c, c.bruno, r1, 100_000)
    declare(c, c.chloe, r1, 10_000)
    with c.uow() as u:
        rounds.object_to_claim(u, actor=c.dario, claim_id=disputed, reason="trop", now=c.clock())
    c.clock.advance(days=8)
    closing = close(c, r1)
    assert closing.carried_claim_ids == (disputed,)
    assert owed(c, c.bruno) == 0
    r2 = open_round(c)
    with c.uow(readonly=True) as u:
        view = rounds.view_round(u, actor=c.admin, round_id=r2, now=c.clock())
        assert [r.id for r in view.claims] == [disputed]
        assert view.statuses[disputed] is ClaimStatus.UNDER_OBJECTION
        kinds = [
            e.kind
            for e in rounds.view_claim(u, actor=c.admin, claim_id=disputed, now=c.clock()).events
        ]
    assert kinds == ["declared", "objected", "carried_out", "carried_in"]


def test_amending_resolves_objections_and_restarts_the_window(community: Community) -> None:
    c = community
    r = open_round(c)
    claim_id = declare(c, c.bruno, r, 100_000)
    with c.uow() as u:
        rounds.object_to_claim(
            u, actor=c.chloe, claim_id=claim_id, reason="c'est beaucoup", now=c.clock()
        )
    with c.uow() as u:
        rounds.comment(
            u, actor=c.bruno, claim_id=claim_id, body="3 jours de chantier", now=c.clock()
        )
    c.clock.advance(days=3)
    with c.uow() as u:
        amended = rounds.amend_claim(
            u, actor=c.bruno, claim_id=claim_id, amount=60_000, note="ok", now=c.clock()
        )
    assert amended.claim.status(c.clock()) is ClaimStatus.IN_WINDOW
    assert amended.claim.window_ends_at == c.clock() + WEEK
    c.clock.advance(days=5)
    with c.uow(readonly=True) as u:
        assert (
            rounds.view_claim(u, actor=c.admin, claim_id=claim_id, now=c.clock()).status
            is ClaimStatus.IN_WINDOW
        )
    c.clock.advance(days=3)
    closing = close(c, r)
    assert [o.granted for o in closing.claims] == [60_000]


def test_waive_and_redirect_are_value_given(community: Community) -> None:
    c = community
    r = open_round(c)
    waived = declare(c, c.bruno, r, 30_000)
    declare(c, c.chloe, r, 20_000, disposition=Disposition.REDIRECT, redirect_to="project:jardin")
    declare(
        c,
        c.dario,
        r,
        10_000,
        disposition=Disposition.REDIRECT,
        redirect_to=f"member:{c.bruno.member.id}",
    )
    with c.uow() as u:
        rounds.dispose_claim(
            u, actor=c.bruno, claim_id=waived, disposition=Disposition.WAIVE, now=c.clock()
        )
    c.clock.advance(days=8)
    close(c, r)
    with c.uow(readonly=True) as u:
        assert ledger.balance_of(u, actor=c.admin, account="fund:project:jardin").minor == 20_000
        bruno = rounds.given_by(u, actor=c.admin, member_id=c.bruno.member.id)
        chloe = rounds.given_by(u, actor=c.admin, member_id=c.chloe.member.id)
    assert (bruno.taken, bruno.waived, bruno.redirected) == (0, 30_000, 0)
    assert (chloe.taken, chloe.waived, chloe.redirected) == (0, 0, 20_000)
    assert owed(c, c.bruno) == 10_000  # Dario's redirected share


def test_missions_have_their_own_pots(community: Community) -> None:
    c = community
    r = open_round(
        c, envelope=100_000, missions=(MissionSpec("Accueil", 40_000, c.chloe.member.id),)
    )
    with c.uow(readonly=True) as u:
        mission = rounds.view_round(u, actor=c.admin, round_id=r, now=c.clock()).missions[0]
    declare(c, c.bruno, r, 60_000, mission_id=mission.id)
    declare(c, c.dario, r, 30_000)
    c.clock.advance(days=8)
    closing = close(c, r)
    granted = {o.member_id: o.granted for o in closing.claims}
    assert granted == {c.bruno.member.id: 40_000, c.dario.member.id: 30_000}
    assert closing.unspent == 30_000


def test_payout_marks_owed_amounts_as_paid(community: Community) -> None:
    c = community
    r = open_round(c)
    declare(c, c.bruno, r, 120_000)
    c.clock.advance(days=8)
    close(c, r)
    with c.uow() as u:
        ledger.pay_member(
            u,
            actor=c.admin,
            member_id=c.bruno.member.id,
            amount=100_000,
            reference="VIR-001",
            now=c.clock(),
        )
    assert owed(c, c.bruno) == 20_000
    with c.uow() as u, pytest.raises(InvalidInput) as err:
        ledger.pay_member(
            u,
            actor=c.admin,
            member_id=c.bruno.member.id,
            amount=30_000,
            reference="VIR-002",
            now=c.clock(),
        )
    assert err.value.code == "payout.exceeds_owed"


@pytest.mark.parametrize(
    ("who", "action", "code"),
    [
        ("bruno", "own_objection", "objection.own_claim"),
        ("olga", "declare", "role.observer"),
        ("bruno", "close", "role.not_admin"),
        ("chloe", "late_objection", "objection.window_closed"),
        ("bruno", "after_close", "round.closed"),
    ],
)
def test_bad_actions_are_refused_and_write_nothing(
    community: Community, who: str, action: str, code: str
) -> None:
    c = community
    r = open_round(c)
    claim_id = declare(c, c.bruno, r, 10_000)
    actor = {"bruno": c.bruno, "chloe": c.chloe, "olga": c.observer}[who]
    with c.uow(readonly=True) as u:
        before = (
            len(ledger.journal(u, actor=c.admin)),
            len(rounds.view_round(u, actor=c.admin, round_id=r, now=c.clock()).claims),
        )
    with pytest.raises((InvalidInput, Forbidden, Conflict)) as err, c.uow() as u:
        if action == "own_objection":
            rounds.object_to_claim(u, actor=actor, claim_id=claim_id, reason="x", now=c.clock())
        elif action == "declare":
            rounds.declare_claim(
                u, actor=actor, round_id=r, amount=1, justification="x", now=c.clock()
            )
        elif action == "close":
            rounds.close(u, actor=actor, round_id=r, now=c.clock())
        elif action == "late_objection":
            rounds.object_to_claim(
                u, actor=actor, claim_id=claim_id, reason="x", now=c.clock() + WEEK
            )
        elif action == "after_close":
            rounds.close(u, actor=c.admin, round_id=r, now=c.clock())
            u.commit()
            rounds.declare_claim(
                u, actor=actor, round_id=r, amount=1, justification="x", now=c.clock()
            )
    assert err.value.code == code
    if action != "after_close":
        with c.uow(readonly=True) as u:
            after = (
                len(ledger.journal(u, actor=c.admin)),
                len(rounds.view_round(u, actor=c.admin, round_id=r, now=c.clock()).claims),
            )
        assert after == before


def test_a_round_cannot_draw_more_than_the_commons_fund(community: Community) -> None:
    with pytest.raises(InvalidInput) as err:
        open_round(community, envelope=2_000_000)
    assert err.value.code == "round.insufficient_fund"


def test_closing_twice_is_a_conflict(community: Community) -> None:
    r = open_round(community)
    close(community, r)
    with pytest.raises(Conflict):
        close(community, r)


def test_control_characters_and_impossible_ids_are_refused_cleanly(community: Community) -> None:
    from partage.core.errors import NotFound

    c = community
    r = open_round(c)
    with pytest.raises(InvalidInput) as err, c.uow() as u:
        rounds.declare_claim(
            u, actor=c.bruno, round_id=r, amount=1, justification="a\x00b", now=c.clock()
        )
    assert err.value.code == "justification.control_character"
    for huge in (2**63, 10**30):
        with pytest.raises(NotFound), c.uow(readonly=True) as u:
            rounds.view_round(u, actor=c.bruno, round_id=huge, now=c.clock())
        with pytest.raises(NotFound), c.uow(readonly=True) as u:
            rounds.view_claim(u, actor=c.bruno, claim_id=huge, now=c.clock())
    with pytest.raises(InvalidInput), c.uow() as u:
        rounds.declare_claim(
            u,
            actor=c.bruno,
            round_id=r,
            amount=1,
            justification="x",
            now=c.clock(),
            contribution_ids=(2**70,),
        )
