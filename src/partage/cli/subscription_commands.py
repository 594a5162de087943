"""Subscriptions and licences: plans with a fee per status, subscribers, charging what is due."""

from __future__ import annotations

from typing import Annotated

import typer

from partage.cli.context import cli_context
from partage.cli.output import Json, emit, reporting
from partage.core.errors import InvalidInput
from partage.core.money import Money, format_minor
from partage.services import subscriptions
from partage.services.contributions import parse_day

subscription = typer.Typer(
    help="Subscriptions and licences: a recurring fee per member, by status.",
    no_args_is_help=True,
)

Slug = Annotated[str, typer.Argument(help="The organization's short name.")]
PlanName = Annotated[str, typer.Option("--plan", help="The plan's name (or number).")]
MemberId = Annotated[int, typer.Option("--member", help="The member's number.")]


def _fees(pairs: list[str]) -> dict[str, str]:
    fees: dict[str, str] = {}
    for pair in pairs:
        status, sep, amount = pair.partition("=")
        if not sep or not status.strip():
            raise InvalidInput(
                "subscription.bad_fee",
                f"a fee is STATUS=AMOUNT, e.g. producer=30 (got '{pair}')",
                field="fee",
            )
        fees[status.strip()] = amount.strip()
    return fees


@subscription.command("plan-add")
def plan_add(
    ctx: typer.Context,
    slug: Slug,
    name: Annotated[str, typer.Option(help="The plan's name, e.g. 'Licence'.")],
    fee: Annotated[list[str], typer.Option(help="STATUS=AMOUNT, once per status (producer=30).")],
    period: Annotated[str, typer.Option(help="monthly, quarterly or yearly.")] = "monthly",
    to: Annotated[
        str, typer.Option("--to", help="Where the fees go: operations, reserve, project:<name>…")
    ] = "operations",
    as_json: Json = False,
) -> None:
    """Define a plan (admins)."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            actor = c.actor(slug)
            plan = subscriptions.define_plan(
                u,
                actor=actor,
                name=name,
                period=period,
                fees=_fees(fee),
                destination=to,
                now=c.clock(),
            )
        decimals = actor.organization.currency.decimals
        fees = {s: format_minor(v, decimals) for s, v in sorted(plan.fees.items())}
        data = {
            "id": plan.id,
            "name": plan.name,
            "period": plan.period.value,
            "fees": fees,
            "destination": plan.destination,
        }
        emit(
            as_json,
            data,
            f"plan #{plan.id} '{plan.name}': {plan.period.value}, "
            + ", ".join(f"{s} {v}" for s, v in fees.items())
            + f" → {plan.destination}",
        )


@subscription.command("plans")
def plan_list(ctx: typer.Context, slug: Slug, as_json: Json = False) -> None:
    """The organization's plans and their fees."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow(readonly=True) as u:
            actor = c.actor(slug)
            found = subscriptions.plans(u, actor=actor)
        decimals = actor.organization.currency.decimals
        data = [
            {
                "id": p.id,
                "name": p.name,
                "period": p.period.value,
                "destination": p.destination,
                "fees": {s: format_minor(v, decimals) for s, v in sorted(p.fees.items())},
            }
            for p in found
        ]
        lines = [
            f"#{d['id']} {d['name']} ({d['period']}) {d['fees']} → {d['destination']}" for d in data
        ]
        emit(as_json, data, "\n".join(lines) or "no plan yet")


@subscription.command("add")
def add(
    ctx: typer.Context,
    slug: Slug,
    plan: PlanName,
    member: MemberId,
    status: Annotated[str, typer.Option(help="The member's status in this plan.")],
    starts: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
    as_json: Json = False,
) -> None:
    """Subscribe a member to a plan from a day (admins)."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            view = subscriptions.subscribe(
                u,
                actor=c.actor(slug),
                plan=plan,
                member_id=member,
                status=status,
                starts_on=parse_day(starts, field="from"),
                now=c.clock(),
            )
        emit(
            as_json,
            view,
            f"{view.member_name} subscribed to '{view.plan}' as {view.status}: "
            f"{view.fee} from {view.starts_on}",
        )


@subscription.command("end")
def end(
    ctx: typer.Context,
    slug: Slug,
    plan: PlanName,
    member: MemberId,
    last_day: Annotated[str, typer.Option("--last-day", help="Last day (YYYY-MM-DD).")],
    as_json: Json = False,
) -> None:
    """End a subscription: no period starting after the last day is charged (admins)."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            view = subscriptions.end_subscription(
                u,
                actor=c.actor(slug),
                plan=plan,
                member_id=member,
                last_day=parse_day(last_day, field="last_day"),
                now=c.clock(),
            )
        emit(
            as_json,
            view,
            f"{view.member_name}'s subscription to '{view.plan}' ends on {view.ends_on}",
        )


@subscription.command("list")
def listing(
    ctx: typer.Context,
    slug: Slug,
    plan: Annotated[str | None, typer.Option("--plan", help="Only this plan.")] = None,
    member: Annotated[int | None, typer.Option("--member", help="Only this member.")] = None,
    as_json: Json = False,
) -> None:
    """Who is subscribed, since when, how many periods were charged, the next one due."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow(readonly=True) as u:
            found = subscriptions.subscriptions(u, actor=c.actor(slug), plan=plan, member_id=member)
        lines = [
            f"{v.member_name:<20} {v.plan:<16} {v.status:<12} {v.fee!s:>12}  from {v.starts_on}"
            f"  charged {v.charged}  next {v.next_due or '—'}"
            for v in found
        ]
        emit(as_json, found, "\n".join(lines) or "nobody is subscribed")


@subscription.command("charge")
def charge(ctx: typer.Context, slug: Slug, as_json: Json = False) -> None:
    """Charge every period that has begun and is not charged yet (admins; the scheduler
    does the same for every organization)."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            actor = c.actor(slug)
            report = subscriptions.charge_due(u, actor=actor, now=c.clock())
        total = Money(report.total, actor.organization.currency)
        lines = [
            f"{ch.plan}: member #{ch.member_id}, period from {ch.period_start}: {ch.amount}"
            f" (entry #{ch.entry_seq})"
            for ch in report.charges
        ]
        lines.append(f"{len(report.charges)} period(s) charged, {total} in all")
        emit(as_json, {"charges": report.charges, "total": total}, "\n".join(lines))
