"""Subscriptions and licences: plans, subscribers, and charging the periods that are due."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, Field

from partage.api.context import Now, OrgActor, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas import AmountText, Body, Id, MoneyOut, Text, money
from partage.core.currency import Currency
from partage.core.subscriptions import Plan
from partage.services import subscriptions
from partage.services.subscriptions import ChargeReport, SubscriptionView

router = APIRouter(
    prefix="/orgs/{slug}/subscriptions",
    tags=["subscriptions"],
    route_class=ApiRoute,
    responses=ERROR_RESPONSES,
)


class PlanIn(Body):
    name: Text = Field(max_length=200, examples=["Licence"])
    period: Text = Field(
        max_length=20, examples=["monthly"], description="monthly, quarterly or yearly"
    )
    fees: dict[Text, AmountText] = Field(
        examples=[{"producer": "30.00", "distributor": "50.00"}],
        description="the fee of each status, in the organization's currency",
        max_length=100,
    )
    destination: Text = Field(
        default="operations",
        max_length=200,
        description="operations, reserve, commons, project:<name>, pool:<name> or member:<id>",
    )


class PlanOut(BaseModel):
    id: int
    name: str
    period: str
    fees: dict[str, MoneyOut]
    destination: str

    @classmethod
    def of(cls, plan: Plan, currency: Currency) -> PlanOut:
        return cls(
            id=plan.id,
            name=plan.name,
            period=plan.period.value,
            fees={s: money(v, currency) for s, v in sorted(plan.fees.items())},
            destination=plan.destination,
        )


class SubscriptionIn(Body):
    plan: Text = Field(max_length=200, description="the plan's name")
    member: Id
    status: Text = Field(max_length=63, examples=["producer"])
    starts_on: date


class SubscriptionEndIn(Body):
    plan: Text = Field(max_length=200)
    member: Id
    last_day: date


class SubscriptionOut(BaseModel):
    id: int
    plan: str
    member_id: int
    member_name: str
    status: str
    fee: MoneyOut
    starts_on: date
    ends_on: date | None
    charged: int = Field(description="periods charged so far")
    next_due: date | None = Field(description="first day of the next period to charge")

    @classmethod
    def of(cls, view: SubscriptionView) -> SubscriptionOut:
        return cls(
            id=view.id,
            plan=view.plan,
            member_id=view.member_id,
            member_name=view.member_name,
            status=view.status,
            fee=money(view.fee.minor, view.fee.currency),
            starts_on=view.starts_on,
            ends_on=view.ends_on,
            charged=view.charged,
            next_due=view.next_due,
        )


class ChargeOut(BaseModel):
    subscription_id: int
    member_id: int
    plan: str
    period_start: date
    amount: MoneyOut
    entry_seq: int


class ChargeReportOut(BaseModel):
    charges: list[ChargeOut]
    total: MoneyOut

    @classmethod
    def of(cls, report: ChargeReport, currency: Currency) -> ChargeReportOut:
        return cls(
            charges=[
                ChargeOut(
                    subscription_id=c.subscription_id,
                    member_id=c.member_id,
                    plan=c.plan,
                    period_start=c.period_start,
                    amount=money(c.amount.minor, currency),
                    entry_seq=c.entry_seq,
                )
                for c in report.charges
            ],
            total=money(report.total, currency),
        )


@router.get("/plans", summary="The plans and their fee per status")
def plan_list(actor: OrgActor, uow: Units) -> list[PlanOut]:
    with uow(readonly=True) as u:
        found = subscriptions.plans(u, actor=actor)
    return [PlanOut.of(p, actor.organization.currency) for p in found]


@router.post("/plans", status_code=201, summary="Define a plan (admin)")
def plan_add(body: PlanIn, actor: OrgActor, uow: Units, now: Now) -> PlanOut:
    with uow() as u:
        plan = subscriptions.define_plan(
            u,
            actor=actor,
            name=body.name,
            period=body.period,
            fees=dict(body.fees),
            destination=body.destination,
            now=now,
        )
    return PlanOut.of(plan, actor.organization.currency)


@router.get("", summary="Who is subscribed, charged how far, next period due")
def listing(actor: OrgActor, uow: Units) -> list[SubscriptionOut]:
    with uow(readonly=True) as u:
        return [SubscriptionOut.of(v) for v in subscriptions.subscriptions(u, actor=actor)]


@router.post("", status_code=201, summary="Subscribe a member to a plan (admin)")
def subscribe(body: SubscriptionIn, actor: OrgActor, uow: Units, now: Now) -> SubscriptionOut:
    with uow() as u:
        view = subscriptions.subscribe(
            u,
            actor=actor,
            plan=body.plan,
            member_id=body.member,
            status=body.status,
            starts_on=body.starts_on,
            now=now,
        )
    return SubscriptionOut.of(view)


@router.post("/end", summary="End a subscription after a last day (admin)")
def end(body: SubscriptionEndIn, actor: OrgActor, uow: Units, now: Now) -> SubscriptionOut:
    with uow() as u:
        view = subscriptions.end_subscription(
            u, actor=actor, plan=body.plan, member_id=body.member, last_day=body.last_day, now=now
        )
    return SubscriptionOut.of(view)


@router.post("/charges", summary="Charge every period that has begun, each once (admin)")
def charge(actor: OrgActor, uow: Units, now: Now) -> ChargeReportOut:
    with uow() as u:
        report = subscriptions.charge_due(u, actor=actor, now=now)
    return ChargeReportOut.of(report, actor.organization.currency)
