"""The consent process of a claim, and a round's closing: money is neither created nor lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partage.core import claims as consent
from partage.core.claims import ClaimStatus, Disposition
from partage.core.closing import CarriedDebt, Policy, close_round
from partage.core.errors import Forbidden, InvalidInput

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
WEEK = timedelta(days=7)


def claim(
    member: int = 1, amount: int = 10_000, claim_id: int = 1, at: datetime = T0
) -> consent.Claim:
    return consent.declare(claim_id=claim_id, member_id=member, amount=amount, now=at, window=WEEK)


def test_a_claim_is_accepted_when_its_window_passes_unopposed() -> None:
    c = claim()
    assert c.status(T0 + timedelta(days=6)) is ClaimStatus.IN_WINDOW
    assert c.status(T0 + WEEK) is ClaimStatus.ACCEPTED
    assert c.accepted_at(T0 + WEEK * 2) == T0 + WEEK


def test_an_objection_holds_the_claim_until_withdrawn() -> None:
    c = consent.object_to(claim(), objection_id=1, objector_id=2, reason="pourquoi ?", now=T0)
    assert c.status(T0 + WEEK * 3) is ClaimStatus.UNDER_OBJECTION
    later = T0 + WEEK * 2
    c = consent.withdraw_objection(c, objection_id=1, by=2, now=later)
    assert c.status(later) is ClaimStatus.ACCEPTED
    assert c.accepted_at(later) == later


def test_rules_of_objection() -> None:
    c = claim()
    with pytest.raises(InvalidInput, match="own claim"):
        consent.object_to(c, objection_id=1, objector_id=1, reason="x", now=T0)
    with pytest.raises(InvalidInput) as err:
        consent.object_to(c, objection_id=1, objector_id=2, reason="x", now=T0 + WEEK)
    assert err.value.code == "objection.window_closed"
    with pytest.raises(InvalidInput):
        consent.object_to(c, objection_id=1, objector_id=2, reason="   ", now=T0)
    c = consent.object_to(c, objection_id=1, objector_id=2, reason="x", now=T0)
    with pytest.raises(InvalidInput):
        consent.object_to(c, objection_id=2, objector_id=2, reason="again", now=T0)
    with pytest.raises(Forbidden):
        consent.withdraw_objection(c, objection_id=1, by=3, now=T0)


def test_amending_resolves_objections_and_restarts_the_window() -> None:
    c = consent.object_to(claim(), objection_id=1, objector_id=2, reason="x", now=T0)
    at = T0 + timedelta(days=3)
    c = consent.amend(c, amount=6_000, by=1, now=at, window=WEEK)
    assert c.amount == 6_000 and c.window_ends_at == at + WEEK
    assert c.objections[0].resolution is consent.Resolution.AMENDED
    with pytest.raises(Forbidden):
        consent.amend(c, amount=1, by=2, now=at, window=WEEK)


def test_withdrawn_claims_take_nothing_and_refuse_changes() -> None:
    c = consent.withdraw(claim(), by=1, now=T0)
    assert c.status(T0 + WEEK) is ClaimStatus.WITHDRAWN
    with pytest.raises(InvalidInput):
        consent.amend(c, amount=5, by=1, now=T0, window=WEEK)


events = st.lists(
    st.tuples(st.sampled_from(["object", "withdraw"]), st.integers(min_value=2, max_value=5)),
    max_size=12,
)


def _apply(c: consent.Claim, steps: list[tuple[str, int]]) -> consent.Claim:
    next_id = 1
    for i, (kind, who) in enumerate(steps):
        at = T0 + timedelta(hours=i)
        try:
            if kind == "object":
                c = consent.object_to(c, objection_id=next_id, objector_id=who, reason="r", now=at)
                next_id += 1
            else:
                mine = [o for o in c.objections if o.standing and o.objector_id == who]
                if mine:
                    c = consent.withdraw_objection(c, objection_id=mine[0].id, by=who, now=at)
        except InvalidInput:
            pass
    return c


@given(steps=events, data=st.data())
def test_outcome_depends_on_final_objection_states_not_their_order(
    steps: list[tuple[str, int]], data: st.DataObject
) -> None:
    """Objections by different members, in any order: same standing set → same status."""
    shuffled = data.draw(st.permutations(steps))
    a, b = _apply(claim(), steps), _apply(claim(), list(shuffled))
    standing_a = sorted(o.objector_id for o in a.objections if o.standing)
    standing_b = sorted(o.objector_id for o in b.objections if o.standing)
    later = T0 + WEEK * 4
    if standing_a == standing_b:
        assert a.status(later) == b.status(later)
    assert (a.status(later) is ClaimStatus.ACCEPTED) == (not standing_a)


claim_specs = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=500_000),  # amount
        st.integers(min_value=0, max_value=20),  # hours after T0 when declared
        st.sampled_from(list(Disposition)),
        st.booleans(),  # objected and left standing
        st.sampled_from([None, 1, 2]),  # mission
    ),
    max_size=25,
)


@settings(max_examples=200)
@given(
    envelope=st.integers(min_value=0, max_value=2_000_000),
    specs=claim_specs,
    policy=st.sampled_from(list(Policy)),
    missions=st.fixed_dictionaries({1: st.integers(0, 300_000), 2: st.integers(0, 300_000)}),
    debts=st.lists(st.integers(min_value=1, max_value=200_000), max_size=4),
)
def test_no_closing_creates_or_destroys_money(
    envelope: int,
    specs: list[tuple[int, int, Disposition, bool, int | None]],
    policy: Policy,
    missions: dict[int, int],
    debts: list[int],
) -> None:
    if sum(missions.values()) > envelope:
        missions = {}
    claims = []
    for i, (amount, hours, disposition, objected, mission) in enumerate(specs, start=1):
        c = consent.declare(
            claim_id=i,
            member_id=i,
            amount=amount,
            now=T0 + timedelta(hours=hours),
            window=WEEK,
            mission_id=mission,
            disposition=disposition,
            redirect_to="fund:commons" if disposition is Disposition.REDIRECT else None,
        )
        if objected:
            c = consent.object_to(c, objection_id=i, objector_id=0, reason="r", now=c.declared_at)
        claims.append(c)
    carried = [CarriedDebt(100 + i, 900 + i, d) for i, d in enumerate(debts)]
    closing = close_round(
        envelope=envelope,
        missions=missions,
        claims=claims,
        debts=carried,
        policy=policy,
        now=T0 + WEEK * 2,
    )
    assert closing.granted + closing.debts_paid + closing.unspent == envelope
    assert closing.unspent >= 0
    for outcome in closing.claims:
        paying = 0 if outcome.disposition is Disposition.WAIVE else outcome.requested
        assert 0 <= outcome.granted <= paying
        if policy is Policy.DEBT:
            assert outcome.granted + outcome.new_debt == paying
        else:
            assert outcome.new_debt == 0
    objected_ids = {i for i, spec in enumerate(specs, start=1) if spec[3]}
    assert set(closing.carried_claim_ids) == objected_ids
    # The same claims in another order close the same way.
    again = close_round(
        envelope=envelope,
        missions=missions,
        claims=list(reversed(claims)),
        debts=carried,
        policy=policy,
        now=T0 + WEEK * 2,
    )
    assert sorted((o.claim_id, o.granted) for o in again.claims) == sorted(
        (o.claim_id, o.granted) for o in closing.claims
    )


def test_each_outcome_says_why() -> None:
    late = T0 + timedelta(hours=1)
    claims = [
        claim(member=1, amount=60_000, claim_id=1),
        consent.declare(claim_id=2, member_id=2, amount=60_000, now=late, window=WEEK),
        consent.declare(
            claim_id=3, member_id=3, amount=10_000, now=late + timedelta(hours=1), window=WEEK
        ),
        consent.declare(
            claim_id=4,
            member_id=4,
            amount=5_000,
            now=late,
            window=WEEK,
            disposition=Disposition.WAIVE,
        ),
    ]
    now = T0 + WEEK * 2
    in_order = close_round(
        envelope=100_000, missions={}, claims=claims, debts=[], policy=Policy.IN_ORDER, now=now
    )
    assert [(o.claim_id, o.granted, o.reason) for o in in_order.claims] == [
        (1, 60_000, "full"),
        (2, 40_000, "partly_served"),
        (4, 0, "waived"),
        (3, 0, "envelope_exhausted"),
    ]
    pro_rata = close_round(
        envelope=100_000, missions={}, claims=claims, debts=[], policy=Policy.PRO_RATA, now=now
    )
    assert {o.reason for o in pro_rata.claims} == {"scaled", "waived"}
