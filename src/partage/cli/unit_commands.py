"""`partage units …`: an organization's own units — credits and a time bank.

Quantities are typed in the unit (``20`` credits, ``1.5`` hours); members are named by
their number. Admins define units, set what activities earn, record purchases, validate
contributions, grant, and reverse a mistaken operation; members spend and record the
exchanges they received.
"""

from __future__ import annotations

from typing import Annotated

import typer

from partage.cli.context import CliContext, cli_context
from partage.cli.output import Json, emit, reporting
from partage.core.money import format_minor
from partage.core.units import Operation, Unit
from partage.services import units as service
from partage.services.context import Actor

units_app = typer.Typer(
    help="Credits and time banking: the organization's own units.", no_args_is_help=True
)

Slug = Annotated[str, typer.Argument(help="The organization's short name.")]
Code = Annotated[str, typer.Argument(help="The unit's code, e.g. CREDIT or HOUR.")]
Quantity = Annotated[str, typer.Option(help="How much, in the unit (20, or 1.5 hours).")]


def _unit_line(unit: Unit, money: str) -> str:
    limit = format_minor(unit.negative_limit, unit.decimals)
    price = f", {unit.price} {money} each, paid into {unit.purchase_account}" if unit.price else ""
    return f"{unit.code} {unit.name}: {unit.kind.value}, down to -{limit}{price}"


def _operation_line(op: Operation, decimals: int, names: dict[int, str]) -> str:
    who = names.get(op.member_id, f"#{op.member_id}")
    other = names.get(op.counterpart_id, f"#{op.counterpart_id}") if op.counterpart_id else ""
    amount = f"{format_minor(op.quantity, decimals)} {op.unit_code}"
    text = {
        "buy": f"{who} bought {amount}",
        "earn": f"{who} earned {amount} for contribution #{op.contribution_id}",
        "grant": f"{who} was granted {amount}",
        "spend": f"{who} spent {amount}" + (f" paying {other}" if other else ""),
        "exchange": f"{other} gave {who} {amount}",
        "reversal": f"operation #{op.reverses} reversed, {amount}",
    }[op.kind.value]
    undone = f" [reversed by #{op.reversed_by}]" if op.reversed_by is not None else ""
    return (
        f"#{op.id:<5} {op.occurred_at:%Y-%m-%d} {text}: {op.purpose} "
        f"(entry #{op.entry_seq}){undone}"
    )


def _done(as_json: bool, op: Operation, decimals: int) -> None:
    emit(
        as_json,
        op,
        f"{op.kind.value} #{op.id}: {format_minor(op.quantity, decimals)} {op.unit_code} "
        f"(entry #{op.entry_seq})",
    )


@units_app.command("define")
def define(
    ctx: typer.Context,
    slug: Slug,
    code: Code,
    name: Annotated[str, typer.Option(help="What members call it.")],
    kind: Annotated[str | None, typer.Option(help="credit (a new unit's default) or time.")] = None,
    decimals: Annotated[
        int | None, typer.Option(help="Decimals of the unit (credit 0, time 2 by default).")
    ] = None,
    limit: Annotated[
        str | None,
        typer.Option(help="How far below zero a balance may go (credit 0, time 10 by default)."),
    ] = None,
    price: Annotated[
        str | None, typer.Option(help="Money per unit, exact (0.50); 'none': not for sale.")
    ] = None,
    paid_into: Annotated[
        str | None,
        typer.Option(help="operations (a new unit's default), commons, reserve or project:NAME."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Define a unit, or change one's name, limit, price (admins only); what is left out stays."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow() as u:
            unit = service.define_unit(
                u,
                actor=actor,
                code=code,
                name=name,
                kind=kind,
                decimals=decimals,
                negative_limit=limit,
                price=price,
                purchase_account=paid_into,
                now=c.clock(),
            )
        emit(as_json, unit, _unit_line(unit, actor.organization.currency.code))


@units_app.command("earning")
def earning(
    ctx: typer.Context,
    slug: Slug,
    code: Code,
    activity: Annotated[str, typer.Option(help="The contribution's activity, e.g. entraide.")],
    amount: Annotated[
        str | None, typer.Option(help="Units earned; leave out with --remove.")
    ] = None,
    per: Annotated[str, typer.Option(help="contribution or hour.")] = "contribution",
    remove: Annotated[bool, typer.Option(help="The activity no longer earns.")] = False,
    as_json: Json = False,
) -> None:
    """Set what a validated contribution of an activity earns (admins only)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow() as u:
            if remove or amount is None:
                service.remove_earning(u, actor=actor, code=code, activity=activity)
                emit(as_json, {"removed": activity}, f"{activity} earns no {code.upper()}")
                return
            rule = service.set_earning(
                u, actor=actor, code=code, activity=activity, amount=amount, per=per
            )
        emit(as_json, rule, f"{rule.activity} earns {amount} {rule.unit_code} per {rule.per}")


@units_app.command("list")
def list_units(ctx: typer.Context, slug: Slug, as_json: Json = False) -> None:
    """The organization's units."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            found = service.units(u, actor=actor)
        money = actor.organization.currency.code
        emit(
            as_json,
            found,
            "\n".join(_unit_line(x, money) for x in found) or "no unit yet",
        )


@units_app.command("show")
def show(ctx: typer.Context, slug: Slug, code: Code, as_json: Json = False) -> None:
    """A unit: what earns it, who holds it, what circulates, the latest movements."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            summary = service.summary(u, actor=actor, code=code)
            moves = service.movements(u, actor=actor, code=code, limit=50)
            names = service.member_names(u, actor=actor)
        unit = summary.unit
        if as_json:
            emit(True, {"summary": summary, "movements": moves}, "")
            return
        d = unit.decimals
        lines = [_unit_line(unit, actor.organization.currency.code)]
        lines += [
            f"  {r.activity} earns {format_minor(r.amount, d)} per {r.per}" for r in summary.rules
        ]
        lines.append(f"  in circulation: {format_minor(summary.circulation, d)}")
        lines += [
            f"  {names.get(m, f'#{m}')}: {format_minor(b, d)}" for m, b in summary.balances.items()
        ]
        lines += ["  " + _operation_line(op, d, names) for op in moves]
        typer.echo("\n".join(lines))


@units_app.command("balances")
def balances(
    ctx: typer.Context,
    slug: Slug,
    member: Annotated[int | None, typer.Option(help="A member's number; you by default.")] = None,
    as_json: Json = False,
) -> None:
    """A member's balance in every unit, and what they may still pay."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            found = service.balances(u, actor=actor, member_id=member)
        rows = [
            {
                "unit": b.unit.code,
                "balance": format_minor(b.balance, b.unit.decimals),
                "available": format_minor(b.available, b.unit.decimals),
                "balance_minor": b.balance,
            }
            for b in found
        ]
        emit(
            as_json,
            rows,
            "\n".join(f"{r['unit']}: {r['balance']} (may pay {r['available']})" for r in rows)
            or "no unit yet",
        )


@units_app.command("movements")
def movements(
    ctx: typer.Context,
    slug: Slug,
    code: Annotated[str | None, typer.Option("--unit", help="Only this unit.")] = None,
    member: Annotated[int | None, typer.Option(help="Only this member (either side).")] = None,
    as_json: Json = False,
) -> None:
    """Who bought, earned, spent and gave, latest first, with the entries."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            moves = service.movements(u, actor=actor, code=code, member_id=member)
            names = service.member_names(u, actor=actor)
            decimals = {x.code: x.decimals for x in service.units(u, actor=actor)}
        emit(
            as_json,
            moves,
            "\n".join(_operation_line(op, decimals[op.unit_code], names) for op in moves)
            or "no movement yet",
        )


@units_app.command("buy")
def buy(
    ctx: typer.Context,
    slug: Slug,
    code: Code,
    member: Annotated[int, typer.Option(help="The buyer's member number.")],
    quantity: Quantity,
    as_json: Json = False,
) -> None:
    """Record that a member paid for units at the unit's price (admins only)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow() as u:
            op = service.buy(
                u, actor=actor, code=code, member_id=member, quantity=quantity, now=c.clock()
            )
        money = actor.organization.currency
        if as_json:
            emit(True, op, "")
            return
        _done(False, op, _decimals(c, actor, op.unit_code))
        typer.echo(f"paid {format_minor(op.money_amount or 0, money.decimals)} {money.code}")


@units_app.command("earn")
def earn(
    ctx: typer.Context,
    slug: Slug,
    code: Code,
    contribution: Annotated[int, typer.Option(help="The contribution's number.")],
    as_json: Json = False,
) -> None:
    """Validate a contribution: its member earns what its activity is worth (admins only)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow() as u:
            op = service.earn(
                u, actor=actor, code=code, contribution_id=contribution, now=c.clock()
            )
        _done(as_json, op, _decimals(c, actor, op.unit_code))


@units_app.command("grant")
def grant(
    ctx: typer.Context,
    slug: Slug,
    code: Code,
    member: Annotated[int, typer.Option(help="The member's number.")],
    quantity: Quantity,
    reason: Annotated[str, typer.Option(help="Why, e.g. welcome credits.")],
    as_json: Json = False,
) -> None:
    """Give units to a member with a reason (admins only)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow() as u:
            op = service.grant(
                u,
                actor=actor,
                code=code,
                member_id=member,
                quantity=quantity,
                reason=reason,
                now=c.clock(),
            )
        _done(as_json, op, _decimals(c, actor, op.unit_code))


@units_app.command("spend")
def spend(
    ctx: typer.Context,
    slug: Slug,
    code: Code,
    quantity: Quantity,
    purpose: Annotated[str, typer.Option(help="What for, e.g. publish an offer.")],
    to: Annotated[
        int | None, typer.Option(help="Pay this member; none: spent on the platform.")
    ] = None,
    member: Annotated[int | None, typer.Option(help="Spend for this member (admins only).")] = None,
    as_json: Json = False,
) -> None:
    """Spend units on the platform or pay another member; never below the limit."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow() as u:
            op = service.spend(
                u,
                actor=actor,
                code=code,
                quantity=quantity,
                purpose=purpose,
                to_member=to,
                member_id=member,
                now=c.clock(),
            )
        _done(as_json, op, _decimals(c, actor, op.unit_code))


@units_app.command("exchange")
def exchange(
    ctx: typer.Context,
    slug: Slug,
    code: Code,
    giver: Annotated[int, typer.Option(help="The member who gave the service.")],
    quantity: Quantity,
    service_text: Annotated[str, typer.Option("--service", help="What was given.")],
    receiver: Annotated[
        int | None, typer.Option(help="Who received it (admins only; you by default).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Time bank: record the hours of service you received; the giver earns them."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow() as u:
            op = service.exchange(
                u,
                actor=actor,
                code=code,
                giver_id=giver,
                quantity=quantity,
                service=service_text,
                receiver_id=receiver,
                now=c.clock(),
            )
        _done(as_json, op, _decimals(c, actor, op.unit_code))


def _decimals(c: CliContext, actor: Actor, code: str) -> int:
    with c.uow(readonly=True) as u:
        return next(x.decimals for x in service.units(u, actor=actor) if x.code == code)


@units_app.command("reverse")
def reverse(
    ctx: typer.Context,
    operation: Annotated[int, typer.Argument(help="The operation's number (see movements).")],
    org: Annotated[str, typer.Option("--org", help="The organization's short name.")],
    reason: Annotated[str, typer.Option(help="Why, e.g. recorded twice.")],
    as_json: Json = False,
) -> None:
    """Reverse a mistaken operation: its exact opposite entry, in every currency (admins only)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(org)
        with c.uow() as u:
            op = service.reverse(
                u, actor=actor, operation_id=operation, reason=reason, now=c.clock()
            )
        amount = format_minor(op.quantity, _decimals(c, actor, op.unit_code))
        emit(
            as_json,
            op,
            f"reversal #{op.id}: operation #{op.reverses} reversed, {amount} {op.unit_code} "
            f"(entry #{op.entry_seq})",
        )
