"""Bodies for rounds: opening one, what it holds, and the report of its closing."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from partage.api.schemas import AmountBody, AmountText, Body, Id, MoneyOut, Text, money
from partage.api.schemas_claims import ClaimOut
from partage.api.schemas_closing import ClosingOut, closing_out
from partage.core.closing import Policy, UnspentRule
from partage.core.currency import Currency
from partage.core.rounds import Mission, Rate, Round, RoundStatus
from partage.services.rounds import Given, MissionTotals, RoundView

MAX_WINDOW_HOURS = 366 * 24


class MissionIn(Body):
    name: Text = Field(max_length=200, examples=["Accueil"])
    envelope: AmountText = Field(description="this mission's part of the round's envelope")
    steward: Id | None = Field(None, description="the member who looks after it")


class RateIn(Body):
    activity: Text = Field(max_length=200, examples=["animation"])
    amount: AmountText
    unit: Text = Field("hour", max_length=40)


class RoundIn(AmountBody):
    name: Text = Field(max_length=200, examples=["Printemps 2026"])
    envelope: AmountText = Field(description="drawn from the commons fund")
    window_hours: int = Field(
        168,
        ge=1,
        le=MAX_WINDOW_HOURS,
        strict=True,
        description="how long each claim stays open to objections",
    )
    policy: Policy = Policy.PRO_RATA
    unspent: UnspentRule = Field(
        UnspentRule.RETURN, description="rollover: to the next round; return: to the commons fund"
    )
    missions: list[MissionIn] = Field(default_factory=list, max_length=200)
    rates: list[RateIn] = Field(default_factory=list, max_length=500)


class RoundChangeIn(AmountBody):
    """What an admin changes in an open round; a field left out stays as it is."""

    envelope: AmountText | None = Field(
        None,
        description="the new part drawn from the commons fund; the difference moves with the "
        "fund in one ledger entry. Not below the missions' pots nor the accepted claims.",
    )
    window_hours: int | None = Field(
        None,
        ge=1,
        le=MAX_WINDOW_HOURS,
        strict=True,
        description="the new objection window, for claims declared or amended from now on; "
        "claims already declared keep their deadline",
    )


class RateOut(BaseModel):
    activity: str
    amount: MoneyOut
    unit: str

    @classmethod
    def of(cls, rate: Rate, currency: Currency) -> RateOut:
        return cls(activity=rate.activity, amount=money(rate.amount, currency), unit=rate.unit)


class MissionOut(BaseModel):
    id: int
    name: str
    steward_id: int | None
    envelope: MoneyOut

    @classmethod
    def of(cls, mission: Mission, currency: Currency) -> MissionOut:
        return cls(
            id=mission.id,
            name=mission.name,
            steward_id=mission.steward_id,
            envelope=money(mission.envelope, currency),
        )


class RoundSummaryOut(BaseModel):
    id: int
    name: str
    status: RoundStatus
    policy: Policy
    unspent: UnspentRule
    envelope: MoneyOut = Field(description="drawn from the commons fund at opening")
    rolled_in: MoneyOut = Field(description="brought by earlier rounds' unspent amounts")
    total_envelope: MoneyOut
    window_hours: float
    opened_at: datetime
    closed_at: datetime | None

    @classmethod
    def of(cls, round_: Round, currency: Currency) -> RoundSummaryOut:
        return cls(
            id=round_.id,
            name=round_.name,
            status=round_.status,
            policy=round_.policy,
            unspent=round_.unspent_rule,
            envelope=money(round_.envelope, currency),
            rolled_in=money(round_.rolled_in, currency),
            total_envelope=money(round_.total_envelope, currency),
            window_hours=round_.window.total_seconds() / 3600,
            opened_at=round_.opened_at,
            closed_at=round_.closed_at,
        )


class PotTotalsOut(BaseModel):
    mission_id: int | None = Field(description="None for the general pot")
    capacity: MoneyOut
    declared: MoneyOut
    accepted: MoneyOut

    @classmethod
    def of(cls, totals: MissionTotals, currency: Currency) -> PotTotalsOut:
        return cls(
            mission_id=totals.mission.id if totals.mission else None,
            capacity=money(totals.capacity, currency),
            declared=money(totals.declared, currency),
            accepted=money(totals.accepted, currency),
        )


class RoundTotalsOut(BaseModel):
    envelope: MoneyOut
    declared: MoneyOut
    accepted: MoneyOut
    under_objection: MoneyOut
    waived: MoneyOut
    redirected: MoneyOut


class RoundOut(RoundSummaryOut):
    missions: list[MissionOut]
    rates: list[RateOut]
    totals: RoundTotalsOut
    pots: list[PotTotalsOut] = Field(
        description="the general pot (mission_id null), then each mission"
    )
    claims: list[ClaimOut]
    closing: ClosingOut | None = Field(description="the closing report, once closed")

    @classmethod
    def of_view(cls, view: RoundView, currency: Currency) -> RoundOut:
        summary = RoundSummaryOut.of(view.round, currency)
        return cls(
            **summary.model_dump(),
            missions=[MissionOut.of(mission, currency) for mission in view.missions],
            rates=[RateOut.of(rate, currency) for rate in view.round.rates],
            totals=RoundTotalsOut(
                envelope=money(view.envelope, currency),
                declared=money(view.declared, currency),
                accepted=money(view.accepted, currency),
                under_objection=money(view.under_objection, currency),
                waived=money(view.waived, currency),
                redirected=money(view.redirected, currency),
            ),
            pots=[PotTotalsOut.of(totals, currency) for totals in view.per_mission],
            claims=[ClaimOut.of(r, view.statuses[r.id], currency) for r in view.claims],
            closing=closing_out(view.round.id, view.report, currency) if view.report else None,
        )


class GivenOut(BaseModel):
    """A member's giving over every closed round."""

    taken: MoneyOut
    waived: MoneyOut
    redirected: MoneyOut
    debts_outstanding: MoneyOut

    @classmethod
    def of(cls, given: Given, currency: Currency) -> GivenOut:
        return cls(
            taken=money(given.taken, currency),
            waived=money(given.waived, currency),
            redirected=money(given.redirected, currency),
            debts_outstanding=money(given.debts_outstanding, currency),
        )
