"""Closing a contributive round: the envelope, the accepted claims and the policy → amounts.

The envelope is partitioned into pots: one per mission (its sub-envelope) and the general
pot (the rest), which first settles debts carried from earlier rounds, oldest first. Within
each pot the oversubscription policy applies to the accepted claims that take or redirect
money (a waived claim takes nothing):

* ``pro_rata`` — if the claims exceed the pot, every claim is scaled by pot / claimed with
  the one allocation function (largest remainder);
* ``in_order`` — claims are served in order of acceptance (then declaration, then id); the
  claim that crosses the pot gets the part that fits, later ones nothing;
* ``debt`` — as ``in_order``, and every unpaid part is recorded as a debt the organization
  owes, settled first when a later round closes.

Claims not accepted at closing (in window or under objection) are carried to the next round,
never dropped. Invariant, asserted: envelope = Σ granted + Σ debts settled + unspent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from partage.core.allocation import scale_down
from partage.core.claims import Claim, ClaimStatus, Disposition
from partage.core.errors import InvalidInput


class Reason(StrEnum):
    """Why a claim got what it got — the first line of each member's explanation."""

    FULL = "full"  # the pot covered the claim
    SCALED = "scaled"  # pro rata: pot / claimed of the claim
    PARTLY_SERVED = "partly_served"  # in order: the pot ran out during this claim
    ENVELOPE_EXHAUSTED = "envelope_exhausted"  # in order: the pot was empty when its turn came
    WAIVED = "waived"  # the claimant took nothing


class Policy(StrEnum):
    PRO_RATA = "pro_rata"
    IN_ORDER = "in_order"
    DEBT = "debt"


class UnspentRule(StrEnum):
    ROLLOVER = "rollover"
    RETURN = "return"


@dataclass(frozen=True, slots=True)
class MissionSpec:
    """A mission to create with a round: its name, steward and sub-envelope."""

    name: str
    envelope: int
    steward_id: int | None = None


@dataclass(frozen=True, slots=True)
class CarriedDebt:
    id: int
    member_id: int
    amount: int


@dataclass(frozen=True, slots=True)
class ClaimOutcome:
    claim_id: int
    member_id: int
    mission_id: int | None
    requested: int
    granted: int
    new_debt: int
    disposition: Disposition
    redirect_to: str | None
    accepted_at: datetime
    reason: str = "full"


@dataclass(frozen=True, slots=True)
class DebtOutcome:
    debt_id: int
    member_id: int
    outstanding: int
    paid: int


@dataclass(frozen=True, slots=True)
class PotReport:
    mission_id: int | None
    capacity: int
    requested: int
    granted: int


@dataclass(frozen=True, slots=True)
class Closing:
    policy: Policy
    envelope: int
    claims: tuple[ClaimOutcome, ...]
    debts: tuple[DebtOutcome, ...]
    carried_claim_ids: tuple[int, ...]
    pots: tuple[PotReport, ...]
    unspent: int

    @property
    def granted(self) -> int:
        return sum(c.granted for c in self.claims)

    @property
    def debts_paid(self) -> int:
        return sum(d.paid for d in self.debts)


def check_missions(envelope: int, missions: Mapping[int, int]) -> None:
    if any(amount < 0 for amount in missions.values()):
        raise InvalidInput(
            "mission.negative", "a mission's envelope cannot be negative", "missions"
        )
    if sum(missions.values()) > envelope:
        raise InvalidInput(
            "mission.exceeds_envelope",
            "the missions' sub-envelopes add up to more than the round's envelope",
            field="missions",
        )


def serve_in_order(capacity: int, amounts: Sequence[int]) -> list[int]:
    granted: list[int] = []
    left = capacity
    for amount in amounts:
        part = min(amount, left)
        granted.append(part)
        left -= part
    return granted


def _reason(policy: Policy, disposition: Disposition, paying: int, granted: int) -> str:
    if disposition is Disposition.WAIVE:
        return Reason.WAIVED.value
    if granted == paying:
        return Reason.FULL.value
    if policy is Policy.PRO_RATA:
        return Reason.SCALED.value
    return Reason.PARTLY_SERVED.value if granted else Reason.ENVELOPE_EXHAUSTED.value


def close_round(
    *,
    envelope: int,
    missions: Mapping[int, int],
    claims: Sequence[Claim],
    debts: Sequence[CarriedDebt],
    policy: Policy,
    now: datetime,
) -> Closing:
    check_missions(envelope, missions)
    general = envelope - sum(missions.values())

    debt_outcomes: list[DebtOutcome] = []
    for debt, paid in zip(debts, serve_in_order(general, [d.amount for d in debts]), strict=True):
        debt_outcomes.append(DebtOutcome(debt.id, debt.member_id, debt.amount, paid))
    general -= sum(d.paid for d in debt_outcomes)

    accepted: list[tuple[datetime, Claim]] = []
    carried: list[int] = []
    for claim in claims:
        status = claim.status(now)
        if status is ClaimStatus.ACCEPTED:
            at = claim.accepted_at(now)
            assert at is not None
            accepted.append((at, claim))
        elif status is not ClaimStatus.WITHDRAWN:
            carried.append(claim.id)
    accepted.sort(key=lambda pair: (pair[0], pair[1].declared_at, pair[1].id))

    outcomes: list[ClaimOutcome] = []
    pots: list[PotReport] = []
    pot_ids: list[int | None] = [None, *sorted(missions)]
    for pot_id in pot_ids:
        capacity = general if pot_id is None else missions[pot_id]
        # A claim whose mission is not one of this round's is served by the general pot.
        members = [
            (at, c)
            for at, c in accepted
            if (c.mission_id if c.mission_id in missions else None) == pot_id
        ]
        paying = [c.amount if c.consumes_envelope else 0 for _, c in members]
        if policy is Policy.PRO_RATA:
            granted = scale_down(capacity, paying)
        else:
            granted = serve_in_order(capacity, paying)
        for (at, claim), requested, got in zip(members, paying, granted, strict=True):
            outcomes.append(
                ClaimOutcome(
                    claim_id=claim.id,
                    member_id=claim.member_id,
                    mission_id=claim.mission_id,
                    requested=claim.amount,
                    granted=got,
                    new_debt=requested - got if policy is Policy.DEBT else 0,
                    disposition=claim.disposition,
                    redirect_to=claim.redirect_to,
                    accepted_at=at,
                    reason=_reason(policy, claim.disposition, requested, got),
                )
            )
        pots.append(PotReport(pot_id, capacity, sum(paying), sum(granted)))

    spent = sum(o.granted for o in outcomes) + sum(d.paid for d in debt_outcomes)
    unspent = envelope - spent
    assert unspent >= 0, "a closing never grants more than the envelope"
    assert sum(o.granted for o in outcomes) + sum(d.paid for d in debt_outcomes) + unspent == (
        envelope
    )
    return Closing(
        policy=policy,
        envelope=envelope,
        claims=tuple(outcomes),
        debts=tuple(debt_outcomes),
        carried_claim_ids=tuple(carried),
        pots=tuple(pots),
        unspent=unspent,
    )
