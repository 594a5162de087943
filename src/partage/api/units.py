"""An organization's own units: define them, buy, earn, grant, spend, exchange, reverse, read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from partage.api.context import Now, OrgActor, PathId, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas import MAX_ID, Text
from partage.api.schemas_units import (
    BalanceOut,
    EarnIn,
    EarningIn,
    EarningOut,
    ExchangeIn,
    GrantIn,
    OperationOut,
    PurchaseIn,
    ReversalIn,
    SpendIn,
    UnitIn,
    UnitOut,
    UnitSummaryOut,
)
from partage.core.units import Operation
from partage.services import units
from partage.services.context import Actor, UnitOfWork

router = APIRouter(
    prefix="/orgs/{slug}/units", tags=["units"], route_class=ApiRoute, responses=ERROR_RESPONSES
)
Code = Annotated[Text, Path(max_length=12, description="the unit's code, e.g. CREDIT or HOUR")]


def _out(u: UnitOfWork, actor: Actor, op: Operation) -> OperationOut:
    unit = units.summary(u, actor=actor, code=op.unit_code).unit
    return OperationOut.of(op, unit.currency, actor.organization.currency)


@router.get("", summary="The organization's units")
def list_units(actor: OrgActor, uow: Units) -> list[UnitOut]:
    with uow(readonly=True) as u:
        return [UnitOut.of(x) for x in units.units(u, actor=actor)]


@router.get("/balances", summary="A member's balance in every unit (the caller's by default)")
def balances(
    actor: OrgActor, uow: Units, member: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None
) -> list[BalanceOut]:
    with uow(readonly=True) as u:
        return [BalanceOut.of(b) for b in units.balances(u, actor=actor, member_id=member)]


@router.get("/movements", summary="Operations on every unit, latest first")
def all_movements(
    actor: OrgActor,
    uow: Units,
    member: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[OperationOut]:
    with uow(readonly=True) as u:
        found = units.movements(u, actor=actor, member_id=member, limit=limit)
        return [_out(u, actor, op) for op in found]


@router.get("/operations/{operation}", summary="One operation, and its reversal if any")
def show_operation(operation: PathId, actor: OrgActor, uow: Units) -> OperationOut:
    with uow(readonly=True) as u:
        return _out(u, actor, units.operation(u, actor=actor, operation_id=operation))


@router.post(
    "/operations/{operation}/reversal",
    status_code=201,
    summary="Reverse a mistaken operation: its exact opposite entry (admins)",
)
def reverse(
    operation: PathId, body: ReversalIn, actor: OrgActor, uow: Units, now: Now
) -> OperationOut:
    """Post the exact opposite of the operation's entry, in every currency it touched; the
    original stays, marked reversed. Refused: 404 unknown, 409 already reversed, 422 a
    reversal, or one that would take a member below the unit's limit."""
    with uow() as u:
        op = units.reverse(u, actor=actor, operation_id=operation, reason=body.reason, now=now)
    with uow(readonly=True) as u:
        return _out(u, actor, op)


@router.put("/{code}", summary="Define a unit, or change its name, limit, price (admins)")
def define_unit(code: Code, body: UnitIn, actor: OrgActor, uow: Units, now: Now) -> UnitOut:
    with uow() as u:
        unit = units.define_unit(
            u,
            actor=actor,
            code=code,
            name=body.name,
            kind=body.kind,
            decimals=body.decimals,
            negative_limit=body.negative_limit,
            price=body.price,
            purchase_account=body.purchase_account,
            now=now,
        )
    return UnitOut.of(unit)


@router.get("/{code}", summary="A unit: what earns it, who holds it, what circulates")
def show_unit(code: Code, actor: OrgActor, uow: Units) -> UnitSummaryOut:
    with uow(readonly=True) as u:
        summary = units.summary(u, actor=actor, code=code)
        return UnitSummaryOut.of(summary, units.member_names(u, actor=actor))


@router.get("/{code}/movements", summary="A unit's operations, latest first")
def movements(
    code: Code,
    actor: OrgActor,
    uow: Units,
    member: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[OperationOut]:
    with uow(readonly=True) as u:
        found = units.movements(u, actor=actor, code=code, member_id=member, limit=limit)
        return [_out(u, actor, op) for op in found]


@router.post(
    "/{code}/earning", status_code=201, summary="Set what an activity earns in the unit (admins)"
)
def set_earning(code: Code, body: EarningIn, actor: OrgActor, uow: Units) -> EarningOut:
    with uow() as u:
        rule = units.set_earning(
            u, actor=actor, code=code, activity=body.activity, amount=body.amount, per=body.per
        )
        unit = units.summary(u, actor=actor, code=code).unit
    return EarningOut.of(rule, unit)


@router.delete(
    "/{code}/earning", status_code=204, summary="An activity no longer earns the unit (admins)"
)
def remove_earning(
    code: Code,
    actor: OrgActor,
    uow: Units,
    activity: Annotated[Text, Query(max_length=100)],
) -> None:
    with uow() as u:
        units.remove_earning(u, actor=actor, code=code, activity=activity)


@router.post("/{code}/purchases", status_code=201, summary="Record a purchase (admins)")
def buy(code: Code, body: PurchaseIn, actor: OrgActor, uow: Units, now: Now) -> OperationOut:
    with uow() as u:
        op = units.buy(
            u, actor=actor, code=code, member_id=body.member, quantity=body.quantity, now=now
        )
    with uow(readonly=True) as u:
        return _out(u, actor, op)


@router.post(
    "/{code}/earnings", status_code=201, summary="Validate a contribution for the unit (admins)"
)
def earn(code: Code, body: EarnIn, actor: OrgActor, uow: Units, now: Now) -> OperationOut:
    with uow() as u:
        op = units.earn(u, actor=actor, code=code, contribution_id=body.contribution, now=now)
    with uow(readonly=True) as u:
        return _out(u, actor, op)


@router.post("/{code}/grants", status_code=201, summary="Grant units with a reason (admins)")
def grant(code: Code, body: GrantIn, actor: OrgActor, uow: Units, now: Now) -> OperationOut:
    with uow() as u:
        op = units.grant(
            u,
            actor=actor,
            code=code,
            member_id=body.member,
            quantity=body.quantity,
            reason=body.reason,
            now=now,
        )
    with uow(readonly=True) as u:
        return _out(u, actor, op)


@router.post(
    "/{code}/spendings",
    status_code=201,
    summary="Spend units on the platform or pay a member, never below the limit",
)
def spend(code: Code, body: SpendIn, actor: OrgActor, uow: Units, now: Now) -> OperationOut:
    with uow() as u:
        op = units.spend(
            u,
            actor=actor,
            code=code,
            quantity=body.quantity,
            purpose=body.purpose,
            to_member=body.to,
            member_id=body.member,
            now=now,
        )
    with uow(readonly=True) as u:
        return _out(u, actor, op)


@router.post(
    "/{code}/exchanges",
    status_code=201,
    summary="Time bank: the caller received hours of service; the giver earns them",
)
def exchange(code: Code, body: ExchangeIn, actor: OrgActor, uow: Units, now: Now) -> OperationOut:
    with uow() as u:
        op = units.exchange(
            u,
            actor=actor,
            code=code,
            giver_id=body.giver,
            quantity=body.quantity,
            service=body.service,
            receiver_id=body.receiver,
            now=now,
        )
    with uow(readonly=True) as u:
        return _out(u, actor, op)
