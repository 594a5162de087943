"""Peer-allocation epochs and funding calls: open, give or pledge, read, close."""

from __future__ import annotations

from typing import Annotated

import typer

from partage.cli.context import cli_context
from partage.cli.output import Json, emit, reporting
from partage.core.errors import InvalidInput
from partage.core.money import format_minor, parse_minor
from partage.services import epochs, funding_calls

epoch = typer.Typer(
    help="Peer-allocation epochs: members give each other points.", no_args_is_help=True
)
funding = typer.Typer(
    help="Funding calls: members pledge to projects, a pool matches them.", no_args_is_help=True
)

Slug = Annotated[str, typer.Argument(help="The organization's short name.")]
Fund = Annotated[str, typer.Option(help="commons or project:NAME, the fund that pays.")]
Blinded = Annotated[bool, typer.Option(help="Hide who gave what until closing.")]


def _pairs(items: list[str], option: str) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(
                f"{option}.bad_pair", f"--{option} takes KEY=VALUE, not '{item}'", option
            )
        pairs.append((key.strip(), value.strip()))
    return pairs


def _epoch_text(view: epochs.EpochView, decimals: int) -> str:
    e = view.epoch
    names = view.names
    lines = [
        f"epoch #{e.id} {e.name}: {e.status.value}{', blinded' if e.blinded else ''}, "
        f"{e.points_per_member} points each, "
        f"budget {format_minor(e.budget, decimals)} from {e.fund}",
        f"  {view.givers} member(s) have given"
        + (" (others' gifts hidden until closing)" if view.hidden else ""),
    ]
    for g in view.gifts:
        lines.append(
            f"  {names.get(str(g.giver_id), g.giver_id)} → "
            f"{names.get(str(g.receiver_id), g.receiver_id)}: {g.points}"
        )
    if view.opted_out:
        lines.append("  opted out: " + ", ".join(names.get(str(m), str(m)) for m in view.opted_out))
    if view.distribution:
        for who, amount in view.distribution.result["allocations"].items():
            lines.append(f"  paid {names.get(who, who)}: {amount}")
    return "\n".join(lines)


@epoch.command("open")
def epoch_open(
    ctx: typer.Context,
    slug: Slug,
    name: Annotated[str, typer.Option(help="The epoch's name.")],
    budget: Annotated[str, typer.Option(help="The amount shared at closing.")],
    fund: Fund = "commons",
    points: Annotated[int, typer.Option(help="Points each member may give.")] = 100,
    blinded: Blinded = False,
    as_json: Json = False,
) -> None:
    """Open an epoch (admins only)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow() as u:
            opened = epochs.open_epoch(
                u,
                actor=actor,
                name=name,
                budget=parse_minor(budget, actor.organization.currency.decimals, field="budget"),
                fund=fund,
                points_per_member=points,
                blinded=blinded,
                now=c.clock(),
            )
        emit(as_json, opened, f"epoch #{opened.id} opened")


@epoch.command("give")
def epoch_give(
    ctx: typer.Context,
    slug: Slug,
    epoch_id: int,
    to: Annotated[
        list[str] | None, typer.Option(help="MEMBER_NUMBER=POINTS; repeatable; none clears.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Give your points: replaces your whole allocation in the epoch."""
    c = cli_context(ctx)
    with reporting(as_json):
        gifts = []
        for who, points in _pairs(to or [], "to"):
            if not who.isdigit() or not points.isdigit() or len(who) > 18 or len(points) > 9:
                raise InvalidInput("to.bad_pair", "--to takes MEMBER_NUMBER=POINTS", "to")
            gifts.append((int(who), int(points)))
        actor = c.actor(slug)
        with c.uow() as u:
            view = epochs.give(u, actor=actor, epoch_id=epoch_id, gifts=gifts, now=c.clock())
        emit(
            as_json,
            view,
            lambda: typer.echo(_epoch_text(view, actor.organization.currency.decimals)),
        )


@epoch.command("opt-out")
def epoch_opt_out(
    ctx: typer.Context,
    slug: Slug,
    epoch_id: int,
    undo: Annotated[bool, typer.Option(help="Opt back in.")] = False,
    as_json: Json = False,
) -> None:
    """Opt out of receiving in this epoch (or back in with --undo)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow() as u:
            view = epochs.opt_out(u, actor=actor, epoch_id=epoch_id, out=not undo, now=c.clock())
        emit(
            as_json,
            view,
            lambda: typer.echo(_epoch_text(view, actor.organization.currency.decimals)),
        )


@epoch.command("show")
def epoch_show(ctx: typer.Context, slug: Slug, epoch_id: int, as_json: Json = False) -> None:
    """One epoch, as you may see it (blinded epochs hide others' gifts until closed)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            view = epochs.epoch(u, actor=actor, epoch_id=epoch_id)
        emit(
            as_json,
            view,
            lambda: typer.echo(_epoch_text(view, actor.organization.currency.decimals)),
        )


@epoch.command("list")
def epoch_list(ctx: typer.Context, slug: Slug, as_json: Json = False) -> None:
    """The epochs, newest first."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            found = epochs.epochs(u, actor=actor)
        emit(
            as_json,
            found,
            "\n".join(f"#{e.id:<4} {e.status.value:<7} {e.name}" for e in found),
        )


@epoch.command("close")
def epoch_close(ctx: typer.Context, slug: Slug, epoch_id: int, as_json: Json = False) -> None:
    """Close an epoch (admins only): run peer allocation, post one entry from the fund."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow() as u:
            view = epochs.close_epoch(u, actor=actor, epoch_id=epoch_id, now=c.clock())
        emit(
            as_json,
            view,
            lambda: typer.echo(_epoch_text(view, actor.organization.currency.decimals)),
        )


def _call_text(view: funding_calls.FundingCallView, decimals: int) -> str:
    f = view.call
    names = view.names
    lines = [
        f"funding call #{f.id} {f.name}: {f.status.value}{', blinded' if f.blinded else ''}, "
        f"pool {format_minor(f.pool, decimals)} from {f.fund}, projects {', '.join(f.projects)}",
        f"  {view.pledgers} member(s) have pledged"
        + (" (others' pledges hidden until closing)" if view.hidden else ""),
    ]
    for p in view.pledges:
        lines.append(
            f"  {names.get(str(p.member_id), p.member_id)} → {p.project}: "
            f"{format_minor(p.amount, decimals)}"
        )
    if view.distribution:
        for project, amount in view.distribution.result["allocations"].items():
            lines.append(f"  match for {project}: {amount}")
    return "\n".join(lines)


@funding.command("open")
def funding_open(
    ctx: typer.Context,
    slug: Slug,
    name: Annotated[str, typer.Option(help="The call's name.")],
    pool: Annotated[str, typer.Option(help="The matching pool.")],
    project: Annotated[list[str], typer.Option(help="A project's name; repeatable.")],
    fund: Fund = "commons",
    blinded: Blinded = False,
    as_json: Json = False,
) -> None:
    """Open a funding call (admins only)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow() as u:
            opened = funding_calls.open_call(
                u,
                actor=actor,
                name=name,
                pool=parse_minor(pool, actor.organization.currency.decimals, field="pool"),
                projects=project,
                fund=fund,
                blinded=blinded,
                now=c.clock(),
            )
        emit(as_json, opened, f"funding call #{opened.id} opened")


@funding.command("pledge")
def funding_pledge(
    ctx: typer.Context,
    slug: Slug,
    call_id: int,
    to: Annotated[
        list[str] | None, typer.Option(help="PROJECT=AMOUNT; repeatable; none withdraws all.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Pledge to projects: replaces all your pledges in the call."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        decimals = actor.organization.currency.decimals
        pledges = [
            (project, parse_minor(amount, decimals, field="amount"))
            for project, amount in _pairs(to or [], "to")
        ]
        with c.uow() as u:
            view = funding_calls.pledge(
                u, actor=actor, call_id=call_id, pledges=pledges, now=c.clock()
            )
        emit(as_json, view, lambda: typer.echo(_call_text(view, decimals)))


@funding.command("show")
def funding_show(ctx: typer.Context, slug: Slug, call_id: int, as_json: Json = False) -> None:
    """One funding call, as you may see it (blinded calls hide others' pledges until closed)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            view = funding_calls.funding_call(u, actor=actor, call_id=call_id)
        decimals = actor.organization.currency.decimals
        emit(as_json, view, lambda: typer.echo(_call_text(view, decimals)))


@funding.command("list")
def funding_list(ctx: typer.Context, slug: Slug, as_json: Json = False) -> None:
    """The funding calls, newest first."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            found = funding_calls.funding_calls(u, actor=actor)
        emit(
            as_json,
            found,
            "\n".join(f"#{f.id:<4} {f.status.value:<7} {f.name}" for f in found),
        )


@funding.command("close")
def funding_close(ctx: typer.Context, slug: Slug, call_id: int, as_json: Json = False) -> None:
    """Close a call (admins only): pledges in, matches from the pool, as one entry."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow() as u:
            view = funding_calls.close_call(u, actor=actor, call_id=call_id, now=c.clock())
        decimals = actor.organization.currency.decimals
        emit(as_json, view, lambda: typer.echo(_call_text(view, decimals)))
