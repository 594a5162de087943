"""Recording and listing contributions, and importing them from CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from partage.cli.context import cli_context
from partage.cli.output import Json, emit, reporting
from partage.core.errors import InvalidInput
from partage.services import contributions

contribution = typer.Typer(
    help="Contributions: work, time, money, material or use.", no_args_is_help=True
)

Slug = Annotated[str, typer.Argument(help="The organization's short name.")]


@contribution.command("add")
def add(
    ctx: typer.Context,
    slug: Slug,
    activity: Annotated[str, typer.Option(help="Kind of work, e.g. Animation.")],
    date: Annotated[str, typer.Option(help="When, as YYYY-MM-DD.")],
    hours: Annotated[str | None, typer.Option(help="Hours worked.")] = None,
    quantity: Annotated[
        str | None, typer.Option(help="Quantity, for non-time contributions.")
    ] = None,
    description: Annotated[str, typer.Option(help="What was done.")] = "",
    link: Annotated[str | None, typer.Option(help="A link to the work.")] = None,
    member: Annotated[
        int | None, typer.Option(help="Member id (admins record for others).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Record a contribution."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            recorded = contributions.record(
                u,
                actor=c.actor(slug),
                activity=activity,
                occurred_on=date,
                hours=hours,
                quantity=quantity,
                description=description,
                link=link,
                member_id=member,
                now=c.clock(),
            )
        emit(as_json, recorded, f"contribution #{recorded.id} recorded")


@contribution.command("list")
def list_(
    ctx: typer.Context,
    slug: Slug,
    member: Annotated[int | None, typer.Option(help="Only this member.")] = None,
    activity: Annotated[str | None, typer.Option(help="Only this activity.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date.")] = None,
    as_json: Json = False,
) -> None:
    """List contributions, newest first."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow(readonly=True) as u:
            found = contributions.find(
                u,
                actor=c.actor(slug),
                member_id=member,
                activity=activity,
                since=since,
                until=until,
            )
        emit(
            as_json,
            found,
            "\n".join(
                f"#{x.id:<5} {x.occurred_on} member #{x.member_id:<4} {x.activity:<20} "
                f"{x.hours if x.hours is not None else x.quantity}  {x.description}"
                for x in found
            ),
        )


@contribution.command("import")
def import_(
    ctx: typer.Context,
    slug: Slug,
    path: Annotated[
        Path, typer.Argument(help="CSV file: member,activity,date,hours,quantity,description,link")
    ],
    as_json: Json = False,
) -> None:
    """Import contributions from CSV; a file with any bad row imports nothing."""
    c = cli_context(ctx)
    with reporting(as_json):
        if not path.is_file():
            raise InvalidInput("import.no_file", f"no file {path}", "path")
        with c.uow() as u:
            report = contributions.import_csv(
                u, actor=c.actor(slug), data=path.read_bytes(), now=c.clock()
            )

        def human() -> None:
            if report.ok:
                typer.echo(f"imported {report.imported} contributions")
            for e in report.errors:
                typer.echo(
                    f"line {e.line}: {e.message}" + (f" [{e.field}]" if e.field else ""), err=True
                )
            if not report.ok:
                typer.echo("nothing was imported", err=True)

        emit(as_json, report, human)
    if not report.ok:
        raise typer.Exit(3)
