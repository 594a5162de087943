"""Peer-allocation epochs: an admin opens one, members give points (or opt out of
receiving), an admin closes it and the budget is posted as one entry. A blinded epoch hides
others' gifts from everyone until it is closed."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from partage.api.context import Now, OrgActor, PathId, Units
from partage.api.distributions import DistributionOut
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas import AmountBody, AmountText, Body, Id, MoneyOut, Text, minor_units, money
from partage.core.currency import Currency
from partage.core.flows import Epoch
from partage.services import epochs

router = APIRouter(
    prefix="/orgs/{slug}/epochs", tags=["epochs"], route_class=ApiRoute, responses=ERROR_RESPONSES
)


class EpochIn(AmountBody):
    name: Text = Field(min_length=1, max_length=200)
    budget: AmountText
    fund: Text = Field("commons", max_length=100, description="'commons' or 'project:<name>'")
    points_per_member: int = Field(100, ge=1, le=epochs.MAX_POINTS, strict=True)
    blinded: bool = Field(False, description="hide who gave what until the epoch is closed")


class GiftIn(Body):
    to: Id = Field(description="the receiving member's number")
    points: int = Field(ge=0, le=epochs.MAX_POINTS, strict=True)


class GiftsIn(Body):
    gifts: list[GiftIn] = Field(max_length=10_000, description="replaces all your gifts")


class OptOutIn(Body):
    out: bool = Field(True, description="false to opt back in")


class EpochOut(BaseModel):
    id: int
    name: str
    status: str
    blinded: bool
    points_per_member: int
    budget: MoneyOut
    fund: str
    opened_at: datetime
    opened_by: int
    closed_at: datetime | None
    distribution_id: int | None

    @classmethod
    def of(cls, e: Epoch, currency: Currency) -> EpochOut:
        return cls(
            id=e.id,
            name=e.name,
            status=e.status.value,
            blinded=e.blinded,
            points_per_member=e.points_per_member,
            budget=money(e.budget, currency),
            fund=e.fund,
            opened_at=e.opened_at,
            opened_by=e.opened_by,
            closed_at=e.closed_at,
            distribution_id=e.distribution_id,
        )


class GiftOut(BaseModel):
    giver: int
    receiver: int
    points: int


class EpochViewOut(BaseModel):
    epoch: EpochOut
    hidden: bool = Field(description="true while others' gifts are hidden from you (blinded)")
    givers: int = Field(description="how many members have given")
    gifts: list[GiftOut] = Field(description="every gift, or only yours while hidden")
    opted_out: list[int]
    names: dict[str, str] = Field(description="member number → name")
    distribution: DistributionOut | None

    @classmethod
    def of(cls, view: epochs.EpochView, currency: Currency) -> EpochViewOut:
        return cls(
            epoch=EpochOut.of(view.epoch, currency),
            hidden=view.hidden,
            givers=view.givers,
            gifts=[
                GiftOut(giver=g.giver_id, receiver=g.receiver_id, points=g.points)
                for g in view.gifts
            ],
            opted_out=list(view.opted_out),
            names=dict(view.names),
            distribution=DistributionOut.of(view.distribution) if view.distribution else None,
        )


@router.post("", status_code=201, summary="Open an epoch (admin)")
def open_epoch(body: EpochIn, actor: OrgActor, uow: Units, now: Now) -> EpochOut:
    currency = body.checked_currency(actor.organization.currency)
    with uow() as u:
        opened = epochs.open_epoch(
            u,
            actor=actor,
            name=body.name,
            budget=minor_units(body.budget, currency, field="budget"),
            fund=body.fund,
            points_per_member=body.points_per_member,
            blinded=body.blinded,
            now=now,
        )
    return EpochOut.of(opened, currency)


@router.get("", summary="The epochs, newest first")
def listed(actor: OrgActor, uow: Units) -> list[EpochOut]:
    with uow(readonly=True) as u:
        found = epochs.epochs(u, actor=actor)
    return [EpochOut.of(e, actor.organization.currency) for e in found]


@router.get("/{epoch_id}", summary="One epoch, as you may see it")
def one(epoch_id: PathId, actor: OrgActor, uow: Units) -> EpochViewOut:
    with uow(readonly=True) as u:
        view = epochs.epoch(u, actor=actor, epoch_id=epoch_id)
    return EpochViewOut.of(view, actor.organization.currency)


@router.put("/{epoch_id}/gifts", summary="Give your points (replaces your allocation)")
def give(epoch_id: PathId, body: GiftsIn, actor: OrgActor, uow: Units, now: Now) -> EpochViewOut:
    with uow() as u:
        view = epochs.give(
            u,
            actor=actor,
            epoch_id=epoch_id,
            gifts=[(g.to, g.points) for g in body.gifts],
            now=now,
        )
    return EpochViewOut.of(view, actor.organization.currency)


@router.post("/{epoch_id}/opt-out", summary="Opt out of receiving (or back in)")
def opt_out(
    epoch_id: PathId, actor: OrgActor, uow: Units, now: Now, body: OptOutIn | None = None
) -> EpochViewOut:
    with uow() as u:
        view = epochs.opt_out(
            u, actor=actor, epoch_id=epoch_id, out=body.out if body else True, now=now
        )
    return EpochViewOut.of(view, actor.organization.currency)


@router.post("/{epoch_id}/close", summary="Close the epoch and post its payouts (admin)")
def close(epoch_id: PathId, actor: OrgActor, uow: Units, now: Now) -> EpochViewOut:
    with uow() as u:
        view = epochs.close_epoch(u, actor=actor, epoch_id=epoch_id, now=now)
    return EpochViewOut.of(view, actor.organization.currency)
