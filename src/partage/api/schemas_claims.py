"""Bodies for claims, the objections raised against them and the thread around them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from partage.api.schemas import (
    AmountBody,
    AmountText,
    Body,
    DecimalText,
    Id,
    MoneyOut,
    Text,
    decimal_text,
    maybe_money,
    money,
)
from partage.core.claims import (
    ClaimEvent,
    ClaimRecord,
    ClaimStatus,
    Disposition,
    Objection,
    Resolution,
)
from partage.core.currency import Currency
from partage.core.rounds import RoundStatus
from partage.services.rounds import ClaimDetail

REDIRECT_HELP = "where a redirected claim goes: 'commons', 'project:<name>' or 'member:<id>'"


class ClaimIn(AmountBody):
    amount: AmountText
    justification: Text = Field(max_length=5000, examples=["3 jours d'animation du jardin"])
    mission: Id | None = Field(None, description="a mission of this round")
    hours: DecimalText | None = None
    contributions: list[Id] = Field(default_factory=list, max_length=1000)
    disposition: Disposition = Disposition.TAKE
    redirect_to: Text | None = Field(None, max_length=200, description=REDIRECT_HELP)


class ObjectionIn(Body):
    reason: Text = Field(max_length=5000)


class CommentIn(Body):
    body: Text = Field(max_length=5000)


class AmendIn(AmountBody):
    amount: AmountText
    note: Text = Field("", max_length=5000)


class DispositionIn(Body):
    disposition: Disposition
    redirect_to: Text | None = Field(None, max_length=200, description=REDIRECT_HELP)


class ObjectionOut(BaseModel):
    id: int
    objector_id: int
    reason: str
    raised_at: datetime
    standing: bool
    resolved_at: datetime | None
    resolution: Resolution | None

    @classmethod
    def of(cls, objection: Objection) -> ObjectionOut:
        return cls(
            id=objection.id,
            objector_id=objection.objector_id,
            reason=objection.reason,
            raised_at=objection.raised_at,
            standing=objection.standing,
            resolved_at=objection.resolved_at,
            resolution=objection.resolution,
        )


class ClaimOut(BaseModel):
    id: int
    round_id: int = Field(description="the round the claim is in now")
    origin_round_id: int = Field(description="the round it was declared in")
    member_id: int
    amount: MoneyOut
    status: ClaimStatus
    justification: str
    hours: str | None
    mission_id: int | None
    disposition: Disposition
    redirect_to: str | None
    declared_at: datetime
    window_ends_at: datetime
    withdrawn_at: datetime | None
    carried: bool = Field(description="moved to the next round at a closing")
    granted: MoneyOut | None = Field(description="what the closing granted, once closed")
    contribution_ids: list[int]
    objections: list[ObjectionOut]

    @classmethod
    def of(cls, record: ClaimRecord, status: ClaimStatus, currency: Currency) -> ClaimOut:
        claim = record.claim
        return cls(
            id=record.id,
            round_id=record.round_id,
            origin_round_id=record.origin_round_id,
            member_id=claim.member_id,
            amount=money(claim.amount, currency),
            status=status,
            justification=record.justification,
            hours=decimal_text(record.hours),
            mission_id=claim.mission_id,
            disposition=claim.disposition,
            redirect_to=claim.redirect_to,
            declared_at=claim.declared_at,
            window_ends_at=claim.window_ends_at,
            withdrawn_at=claim.withdrawn_at,
            carried=record.carried,
            granted=maybe_money(record.granted, currency),
            contribution_ids=list(record.contribution_ids),
            objections=[ObjectionOut.of(o) for o in claim.objections],
        )


class EventOut(BaseModel):
    """One step of the thread: declared, objected, comment, amended, carried_out…"""

    id: int
    kind: str
    member_id: int | None
    at: datetime
    body: str
    amount: MoneyOut | None

    @classmethod
    def of(cls, event: ClaimEvent, currency: Currency) -> EventOut:
        return cls(
            id=event.id,
            kind=event.kind,
            member_id=event.member_id,
            at=event.at,
            body=event.body,
            amount=maybe_money(event.amount, currency),
        )


class RoundRefOut(BaseModel):
    id: int
    name: str
    status: RoundStatus


class ClaimDetailOut(ClaimOut):
    round: RoundRefOut
    events: list[EventOut]

    @classmethod
    def of_detail(cls, detail: ClaimDetail, currency: Currency) -> ClaimDetailOut:
        base = ClaimOut.of(detail.record, detail.status, currency)
        return cls(
            **base.model_dump(),
            round=RoundRefOut(
                id=detail.round.id, name=detail.round.name, status=detail.round.status
            ),
            events=[EventOut.of(e, currency) for e in detail.events],
        )
