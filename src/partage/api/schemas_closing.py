"""The report of a round's closing: what each claim got and why, debts settled, what is left.

Invariant shown to the reader: envelope = granted + debts paid + unspent. The report is the one
``services.rounds.close`` stored with the round (plain minor units); it is read back here, so
that ``POST …/close`` and ``GET …/rounds/{id}`` show the same thing.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from partage.api.schemas import MoneyOut, money
from partage.core import chart
from partage.core.closing import Policy, UnspentRule
from partage.core.currency import Currency


class ClaimOutcomeOut(BaseModel):
    claim_id: int
    member_id: int
    mission_id: int | None
    requested: MoneyOut
    granted: MoneyOut
    debt: MoneyOut = Field(description="the unpaid part the organization now owes (debt policy)")
    disposition: str
    redirect_to: str | None
    accepted_at: datetime
    reason: str = Field(
        description="full, scaled (pro rata), partly_served, envelope_exhausted or waived"
    )


class DebtSettledOut(BaseModel):
    debt_id: int
    member_id: int
    outstanding: MoneyOut = Field(description="owed before this closing")
    paid: MoneyOut


class PotOut(BaseModel):
    mission_id: int | None
    capacity: MoneyOut
    requested: MoneyOut
    granted: MoneyOut


class ClosingOut(BaseModel):
    """What a closing did: envelope = Σ granted + Σ debts paid + unspent."""

    round_id: int
    policy: Policy
    envelope: MoneyOut
    granted: MoneyOut
    debts_paid: MoneyOut
    unspent: MoneyOut
    unspent_to: str = Field(description="the account the unspent amount went to")
    claims: list[ClaimOutcomeOut]
    debts: list[DebtSettledOut]
    carried_claim_ids: list[int] = Field(description="claims not yet accepted: next round's")
    pots: list[PotOut]


# The closing report as services.rounds stores it (plain minor units); read back with these.
class _StoredClaim(BaseModel):
    claim_id: int
    member_id: int
    mission_id: int | None
    requested: int
    granted: int
    new_debt: int
    disposition: str
    redirect_to: str | None
    accepted_at: datetime
    reason: str = "full"  # reports stored before reasons existed had none


class _StoredDebt(BaseModel):
    debt_id: int
    member_id: int
    outstanding: int
    paid: int


class _StoredPot(BaseModel):
    mission_id: int | None
    capacity: int
    requested: int
    granted: int


class _StoredReport(BaseModel):
    policy: Policy
    envelope: int
    unspent: int
    unspent_to: UnspentRule
    claims: list[_StoredClaim]
    debts: list[_StoredDebt]
    carried: list[int]
    pots: list[_StoredPot]


def closing_out(round_id: int, report: dict[str, object], currency: Currency) -> ClosingOut:
    stored = _StoredReport.model_validate(report)

    def m(minor: int) -> MoneyOut:
        return money(minor, currency)

    return ClosingOut(
        round_id=round_id,
        policy=stored.policy,
        envelope=m(stored.envelope),
        granted=m(sum(c.granted for c in stored.claims)),
        debts_paid=m(sum(d.paid for d in stored.debts)),
        unspent=m(stored.unspent),
        unspent_to=chart.ROLLOVER if stored.unspent_to is UnspentRule.ROLLOVER else chart.COMMONS,
        claims=[
            ClaimOutcomeOut(
                claim_id=c.claim_id,
                member_id=c.member_id,
                mission_id=c.mission_id,
                requested=m(c.requested),
                granted=m(c.granted),
                debt=m(c.new_debt),
                disposition=c.disposition,
                redirect_to=c.redirect_to,
                accepted_at=c.accepted_at,
                reason=c.reason,
            )
            for c in stored.claims
        ],
        debts=[
            DebtSettledOut(
                debt_id=d.debt_id,
                member_id=d.member_id,
                outstanding=m(d.outstanding),
                paid=m(d.paid),
            )
            for d in stored.debts
        ],
        carried_claim_ids=stored.carried,
        pots=[
            PotOut(
                mission_id=p.mission_id,
                capacity=m(p.capacity),
                requested=m(p.requested),
                granted=m(p.granted),
            )
            for p in stored.pots
        ],
    )
