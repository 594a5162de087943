"""Funding calls (quadratic funding): an admin opens one with a matching pool and projects,
members pledge, an admin closes it: pledges come in and the matches are paid from the pool,
as one entry. A blinded call hides others' pledges from everyone until it is closed."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from partage.api.context import Now, OrgActor, PathId, Units
from partage.api.distributions import DistributionOut
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas import AmountBody, AmountText, MoneyOut, Text, minor_units, money
from partage.core.currency import Currency
from partage.core.flows import FundingCall
from partage.services import funding_calls

router = APIRouter(
    prefix="/orgs/{slug}/funding-calls",
    tags=["funding calls"],
    route_class=ApiRoute,
    responses=ERROR_RESPONSES,
)


class CallIn(AmountBody):
    name: Text = Field(min_length=1, max_length=200)
    pool: AmountText = Field(description="the matching pool")
    projects: list[Text] = Field(min_length=1, max_length=funding_calls.MAX_PROJECTS)
    fund: Text = Field("commons", max_length=100, description="'commons' or 'project:<name>'")
    blinded: bool = Field(False, description="hide who pledged what until the call is closed")


class PledgeIn(AmountBody):
    project: Text = Field(max_length=100)
    amount: AmountText


class PledgesIn(AmountBody):
    pledges: list[PledgeIn] = Field(max_length=1_000, description="replaces all your pledges")


class CallOut(BaseModel):
    id: int
    name: str
    status: str
    blinded: bool
    pool: MoneyOut
    fund: str
    projects: list[str]
    opened_at: datetime
    opened_by: int
    closed_at: datetime | None
    distribution_id: int | None

    @classmethod
    def of(cls, f: FundingCall, currency: Currency) -> CallOut:
        return cls(
            id=f.id,
            name=f.name,
            status=f.status.value,
            blinded=f.blinded,
            pool=money(f.pool, currency),
            fund=f.fund,
            projects=list(f.projects),
            opened_at=f.opened_at,
            opened_by=f.opened_by,
            closed_at=f.closed_at,
            distribution_id=f.distribution_id,
        )


class PledgeOut(BaseModel):
    member: int
    project: str
    amount: MoneyOut


class CallViewOut(BaseModel):
    call: CallOut
    hidden: bool = Field(description="true while others' pledges are hidden from you (blinded)")
    pledgers: int = Field(description="how many members have pledged")
    pledges: list[PledgeOut] = Field(description="every pledge, or only yours while hidden")
    pledged: dict[str, MoneyOut] | None = Field(description="total per project; null while hidden")
    names: dict[str, str] = Field(description="member number → name")
    distribution: DistributionOut | None

    @classmethod
    def of(cls, view: funding_calls.FundingCallView, currency: Currency) -> CallViewOut:
        return cls(
            call=CallOut.of(view.call, currency),
            hidden=view.hidden,
            pledgers=view.pledgers,
            pledges=[
                PledgeOut(member=p.member_id, project=p.project, amount=money(p.amount, currency))
                for p in view.pledges
            ],
            pledged=None
            if view.pledged is None
            else {p: money(a, currency) for p, a in view.pledged.items()},
            names=dict(view.names),
            distribution=DistributionOut.of(view.distribution) if view.distribution else None,
        )


@router.post("", status_code=201, summary="Open a funding call (admin)")
def open_call(body: CallIn, actor: OrgActor, uow: Units, now: Now) -> CallOut:
    currency = body.checked_currency(actor.organization.currency)
    with uow() as u:
        opened = funding_calls.open_call(
            u,
            actor=actor,
            name=body.name,
            pool=minor_units(body.pool, currency, field="pool"),
            projects=body.projects,
            fund=body.fund,
            blinded=body.blinded,
            now=now,
        )
    return CallOut.of(opened, currency)


@router.get("", summary="The funding calls, newest first")
def listed(actor: OrgActor, uow: Units) -> list[CallOut]:
    with uow(readonly=True) as u:
        found = funding_calls.funding_calls(u, actor=actor)
    return [CallOut.of(f, actor.organization.currency) for f in found]


@router.get("/{call_id}", summary="One funding call, as you may see it")
def one(call_id: PathId, actor: OrgActor, uow: Units) -> CallViewOut:
    with uow(readonly=True) as u:
        view = funding_calls.funding_call(u, actor=actor, call_id=call_id)
    return CallViewOut.of(view, actor.organization.currency)


@router.put("/{call_id}/pledges", summary="Pledge to projects (replaces your pledges)")
def pledge(call_id: PathId, body: PledgesIn, actor: OrgActor, uow: Units, now: Now) -> CallViewOut:
    currency = body.checked_currency(actor.organization.currency)
    pledges = []
    for i, p in enumerate(body.pledges):
        p.checked_currency(currency)
        pledges.append((p.project, minor_units(p.amount, currency, field=f"pledges[{i}].amount")))
    with uow() as u:
        view = funding_calls.pledge(u, actor=actor, call_id=call_id, pledges=pledges, now=now)
    return CallViewOut.of(view, currency)


@router.post("/{call_id}/close", summary="Close the call: pledges in, matches paid (admin)")
def close(call_id: PathId, actor: OrgActor, uow: Units, now: Now) -> CallViewOut:
    with uow() as u:
        view = funding_calls.close_call(u, actor=actor, call_id=call_id, now=now)
    return CallViewOut.of(view, actor.organization.currency)
