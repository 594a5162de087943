"""Contributive rounds and claims: open, declare, object, discuss, amend, close."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer

from partage.cli.context import CliContext, cli_context
from partage.cli.output import Json, emit, reporting
from partage.core.claims import Disposition
from partage.core.closing import MissionSpec
from partage.core.errors import InvalidInput
from partage.core.money import Money, parse_minor
from partage.core.rounds import Rate, parse_policy, parse_unspent
from partage.services import rounds

round_app = typer.Typer(help="Contributive budget rounds.", no_args_is_help=True)
claim = typer.Typer(
    help="Claims: declare, object, discuss, amend, waive, redirect.", no_args_is_help=True
)

Slug = Annotated[str, typer.Argument(help="The organization's short name.")]


def _amount(c: CliContext, slug: str, text: str, field: str = "amount") -> int:
    return parse_minor(text, c.actor(slug).organization.currency.decimals, field=field)


def _mission(c: CliContext, slug: str, spec: str) -> MissionSpec:
    parts = spec.split(":")
    if len(parts) not in (2, 3) or (len(parts) == 3 and not parts[2].isdigit()):
        raise InvalidInput(
            "mission.bad_spec", "a mission is NAME:AMOUNT or NAME:AMOUNT:STEWARD_ID", "mission"
        )
    steward = int(parts[2]) if len(parts) == 3 else None
    return MissionSpec(parts[0], _amount(c, slug, parts[1], "mission"), steward)


def _rate(c: CliContext, slug: str, spec: str) -> Rate:
    parts = spec.split(":")
    if len(parts) not in (2, 3):
        raise InvalidInput(
            "rate.bad_spec", "a rate is ACTIVITY:AMOUNT or ACTIVITY:AMOUNT:UNIT", "rate"
        )
    return Rate(
        parts[0], _amount(c, slug, parts[1], "rate"), parts[2] if len(parts) == 3 else "hour"
    )


@round_app.command("open")
def open_(
    ctx: typer.Context,
    slug: Slug,
    name: Annotated[str, typer.Option(help="Name of the round.")],
    envelope: Annotated[str, typer.Option(help="Envelope, e.g. 5000 or 5000.00.")],
    window_days: Annotated[float, typer.Option(help="Objection window in days.")] = 7,
    policy: Annotated[
        str, typer.Option(help="If claims exceed the envelope: pro_rata, in_order or debt.")
    ] = "pro_rata",
    unspent: Annotated[
        str, typer.Option(help="Unspent envelope: rollover or return.")
    ] = "rollover",
    mission: Annotated[
        list[str] | None, typer.Option(help="NAME:AMOUNT[:STEWARD_ID], repeatable.")
    ] = None,
    rate: Annotated[
        list[str] | None, typer.Option(help="ACTIVITY:AMOUNT[:UNIT] guidance, repeatable.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Open a round (admins only): the envelope is set aside from the commons fund."""
    c = cli_context(ctx)
    with reporting(as_json):
        if not 0 < window_days <= 366:
            raise InvalidInput(
                "round.bad_window", "the window is between 0 and 366 days", "window_days"
            )
        with c.uow() as u:
            opened = rounds.open_round(
                u,
                actor=c.actor(slug),
                name=name,
                envelope=_amount(c, slug, envelope, "envelope"),
                window=timedelta(days=window_days),
                policy=parse_policy(policy),
                unspent_rule=parse_unspent(unspent),
                missions=tuple(_mission(c, slug, m) for m in mission or ()),
                rates=tuple(_rate(c, slug, r) for r in rate or ()),
                now=c.clock(),
            )
        emit(as_json, opened, f"round #{opened.id} '{opened.name}' is open")


@round_app.command("set-envelope")
def set_envelope(
    ctx: typer.Context,
    slug: Slug,
    round_id: int,
    envelope: Annotated[str, typer.Argument(help="The new envelope, e.g. 6000 or 6000.00.")],
    as_json: Json = False,
) -> None:
    """Change an open round's envelope (admins only): the difference moves with the fund."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow() as u:
            changed = rounds.set_envelope(
                u,
                actor=actor,
                round_id=round_id,
                envelope=_amount(c, slug, envelope, "envelope"),
                now=c.clock(),
            )
        emit(
            as_json,
            changed,
            f"round #{changed.id} '{changed.name}': envelope "
            f"{Money(changed.envelope, actor.organization.currency)}",
        )


@round_app.command("set-window")
def set_window(
    ctx: typer.Context,
    slug: Slug,
    round_id: int,
    days: Annotated[float, typer.Argument(help="The new objection window, in days.")],
    as_json: Json = False,
) -> None:
    """Change an open round's objection window (admins only), for claims declared from now on;
    claims already declared keep their deadline."""
    c = cli_context(ctx)
    with reporting(as_json):
        if not 0 < days <= 366:
            raise InvalidInput("round.bad_window", "the window is between 0 and 366 days", "days")
        with c.uow() as u:
            changed = rounds.set_window(
                u,
                actor=c.actor(slug),
                round_id=round_id,
                window=timedelta(days=days),
                now=c.clock(),
            )
        emit(
            as_json,
            changed,
            f"round #{changed.id} '{changed.name}': objection window {changed.window} "
            "for claims declared from now on (claims already declared keep their deadline)",
        )


@round_app.command("list")
def list_(ctx: typer.Context, slug: Slug, as_json: Json = False) -> None:
    """List the rounds, newest first."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            found = rounds.rounds(u, actor=actor)
        currency = actor.organization.currency
        emit(
            as_json,
            found,
            "\n".join(
                f"#{r.id:<4} {r.status.value:<7} "
                f"{Money(r.total_envelope, currency)!s:>14}  {r.name}"
                for r in found
            ),
        )


@round_app.command("show")
def show(ctx: typer.Context, slug: Slug, round_id: int, as_json: Json = False) -> None:
    """A round with its envelope, totals and claims."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            view = rounds.view_round(u, actor=actor, round_id=round_id, now=c.clock())
        cur = actor.organization.currency

        def human() -> None:
            typer.echo(f"{view.round.name} — {view.round.status.value}")
            typer.echo(
                f"envelope {Money(view.envelope, cur)}; declared {Money(view.declared, cur)}, "
                f"accepted {Money(view.accepted, cur)}, "
                f"under objection {Money(view.under_objection, cur)}"
            )
            for record in view.claims:
                typer.echo(
                    f"  claim #{record.id:<4} member #{record.claim.member_id:<4} "
                    f"{Money(record.claim.amount, cur)!s:>14}  {view.statuses[record.id].value}"
                    f"  {record.claim.disposition.value}"
                )

        emit(
            as_json,
            {"view": view, "statuses": {str(k): v for k, v in view.statuses.items()}},
            human,
        )


@round_app.command("close")
def close(ctx: typer.Context, slug: Slug, round_id: int, as_json: Json = False) -> None:
    """Close a round (admins only): accepted claims become amounts owed."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow() as u:
            closing = rounds.close(u, actor=actor, round_id=round_id, now=c.clock())
        cur = actor.organization.currency

        def human() -> None:
            typer.echo(f"closed ({closing.policy.value}); envelope {Money(closing.envelope, cur)}")
            for o in closing.claims:
                debt = f", debt {Money(o.new_debt, cur)}" if o.new_debt else ""
                typer.echo(
                    f"  claim #{o.claim_id}: asked {Money(o.requested, cur)}, "
                    f"granted {Money(o.granted, cur)}{debt} ({o.reason.replace('_', ' ')})"
                )
            for d in closing.debts:
                typer.echo(
                    f"  debt #{d.debt_id} of member #{d.member_id}: paid {Money(d.paid, cur)}"
                )
            if closing.carried_claim_ids:
                typer.echo(f"  carried to the next round: {list(closing.carried_claim_ids)}")
            typer.echo(f"  unspent {Money(closing.unspent, cur)}")

        emit(as_json, closing, human)


@claim.command("declare")
def declare(
    ctx: typer.Context,
    slug: Slug,
    round_id: int,
    amount: Annotated[str, typer.Option(help="The amount you take.")],
    justification: Annotated[str, typer.Option(help="What the work was.")],
    mission: Annotated[int | None, typer.Option(help="Mission id.")] = None,
    hours: Annotated[str | None, typer.Option(help="Hours worked.")] = None,
    contribution: Annotated[
        list[int] | None, typer.Option(help="Linked contribution id, repeatable.")
    ] = None,
    waive: Annotated[bool, typer.Option(help="Declare the work but take nothing.")] = False,
    redirect: Annotated[
        str | None, typer.Option(help="commons, project:NAME or member:ID.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Declare a claim in an open round."""
    c = cli_context(ctx)
    with reporting(as_json):
        disposition = (
            Disposition.WAIVE if waive else Disposition.REDIRECT if redirect else Disposition.TAKE
        )
        with c.uow() as u:
            record = rounds.declare_claim(
                u,
                actor=c.actor(slug),
                round_id=round_id,
                amount=_amount(c, slug, amount),
                justification=justification,
                mission_id=mission,
                hours=hours,
                contribution_ids=tuple(contribution or ()),
                disposition=disposition,
                redirect_to=redirect,
                now=c.clock(),
            )
        emit(
            as_json,
            record,
            f"claim #{record.id} declared; objections until "
            f"{record.claim.window_ends_at:%Y-%m-%d %H:%M} UTC",
        )


@claim.command("show")
def claim_show(ctx: typer.Context, slug: Slug, claim_id: int, as_json: Json = False) -> None:
    """A claim, its state and its whole thread."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            detail = rounds.view_claim(u, actor=actor, claim_id=claim_id, now=c.clock())
        cur = actor.organization.currency

        def human() -> None:
            r = detail.record
            typer.echo(
                f"claim #{r.id} by member #{r.claim.member_id}: "
                f"{Money(r.claim.amount, cur)} — {detail.status.value}"
            )
            typer.echo(f"  {r.justification}")
            for e in detail.events:
                amount = f" {Money(e.amount, cur)}" if e.amount is not None else ""
                who = f"#{e.member_id}" if e.member_id else "partage"
                typer.echo(f"  {e.at:%Y-%m-%d %H:%M} {who} {e.kind}{amount} {e.body}".rstrip())

        emit(as_json, detail, human)


@claim.command("object")
def object_(
    ctx: typer.Context,
    slug: Slug,
    claim_id: int,
    reason: Annotated[str, typer.Option(help="Why you object.")],
    as_json: Json = False,
) -> None:
    """Object to a claim during its window."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            record = rounds.object_to_claim(
                u, actor=c.actor(slug), claim_id=claim_id, reason=reason, now=c.clock()
            )
        emit(
            as_json,
            record,
            f"objection #{record.claim.objections[-1].id} recorded on claim #{claim_id}",
        )


@claim.command("withdraw-objection")
def withdraw_objection(
    ctx: typer.Context, slug: Slug, claim_id: int, objection_id: int, as_json: Json = False
) -> None:
    """Withdraw your objection."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            record = rounds.withdraw_objection(
                u, actor=c.actor(slug), claim_id=claim_id, objection_id=objection_id, now=c.clock()
            )
        emit(as_json, record, f"objection #{objection_id} withdrawn")


@claim.command("comment")
def comment(
    ctx: typer.Context, slug: Slug, claim_id: int, text: str, as_json: Json = False
) -> None:
    """Add to a claim's discussion."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            event = rounds.comment(
                u, actor=c.actor(slug), claim_id=claim_id, body=text, now=c.clock()
            )
        emit(as_json, event, f"comment #{event.id} added")


@claim.command("amend")
def amend(
    ctx: typer.Context,
    slug: Slug,
    claim_id: int,
    amount: Annotated[str, typer.Option(help="The new amount.")],
    note: Annotated[str, typer.Option(help="Why it changed.")] = "",
    as_json: Json = False,
) -> None:
    """Change your claim's amount: objections are resolved and the window restarts."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            record = rounds.amend_claim(
                u,
                actor=c.actor(slug),
                claim_id=claim_id,
                amount=_amount(c, slug, amount),
                note=note,
                now=c.clock(),
            )
        emit(as_json, record, f"claim #{claim_id} amended")


@claim.command("withdraw")
def withdraw(ctx: typer.Context, slug: Slug, claim_id: int, as_json: Json = False) -> None:
    """Withdraw your claim."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            record = rounds.withdraw_claim(u, actor=c.actor(slug), claim_id=claim_id, now=c.clock())
        emit(as_json, record, f"claim #{claim_id} withdrawn")


@claim.command("dispose")
def dispose(
    ctx: typer.Context,
    slug: Slug,
    claim_id: int,
    choice: Annotated[str, typer.Argument(help="take, waive or redirect")],
    to: Annotated[str | None, typer.Option(help="commons, project:NAME or member:ID.")] = None,
    as_json: Json = False,
) -> None:
    """Take, waive or redirect your claim's amount."""
    c = cli_context(ctx)
    with reporting(as_json):
        try:
            disposition = Disposition(choice.strip().lower())
        except ValueError:
            raise InvalidInput(
                "claim.bad_disposition", "say take, waive or redirect", "choice"
            ) from None
        with c.uow() as u:
            record = rounds.dispose_claim(
                u,
                actor=c.actor(slug),
                claim_id=claim_id,
                disposition=disposition,
                redirect_to=to,
                now=c.clock(),
            )
        emit(as_json, record, f"claim #{claim_id}: {disposition.value}")
