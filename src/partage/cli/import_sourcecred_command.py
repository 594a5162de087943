"""`partage import sourcecred PATH --org SLUG`: a SourceCred community's identities become
members and its grain distributions the organization's grain history (docs/sourcecred-import.md).

Any refusal — a missing or corrupt ledger, an identity no line created, an organization where
the importer is not an admin — exits 2 with the message, and nothing is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from partage.cli.context import cli_context
from partage.cli.output import Json, plain
from partage.core.errors import DomainError
from partage.services import sourcecred_community
from partage.services.sourcecred_community import ImportReport

# The import did not happen, whatever the reason: like a usage error, the input is wrong.
EXIT_REFUSED = 2
SHOWN = 20  # members listed for people; --json gives them all


def register(imports: typer.Typer) -> None:
    """Add the command to the `import` group."""
    imports.command("sourcecred")(sourcecred)


def sourcecred(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="A SourceCred instance folder, or its data/ledger.json.")
    ],
    org: Annotated[str, typer.Option("--org", help="The organization's short name.")],
    grain_value: Annotated[
        str | None,
        typer.Option(
            "--grain-value",
            help="What one grain is worth in the organization's currency (a decimal); "
            "by default the value of earlier imports, else 1.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be imported; write nothing.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Import a SourceCred community: identities become members (aliases kept), past grain
    distributions become history, so that the balanced policy picks up where it stopped.
    Importing the same ledger again adds only what is new. Admins only."""
    c = cli_context(ctx)
    try:
        actor = c.actor(org)
        with c.uow() as u:
            report = sourcecred_community.import_community(
                u,
                actor=actor,
                path=path,
                grain_value=grain_value,
                dry_run=dry_run,
                now=c.clock(),
            )
    except DomainError as error:
        if as_json:
            typer.echo(json.dumps({"error": error.as_dict()}, ensure_ascii=False))
        else:
            where = f" [{error.field}]" if error.field else ""
            typer.echo(f"error: {error.message}{where} ({error.code})", err=True)
        raise typer.Exit(EXIT_REFUSED) from None
    if as_json:
        typer.echo(json.dumps(plain(report), ensure_ascii=False, indent=2, sort_keys=True))
        return
    typer.echo(summary(report))


def summary(report: ImportReport) -> str:
    """The import in a few lines, for people."""
    head = "Dry run — nothing written. " if report.dry_run else ""
    totals = ", ".join(f"{money}" for money in report.totals.values())
    lines = [
        f"{head}{report.ledger}: {report.lines} line(s) read",
        f"identities read: {report.identities} ({report.inactive} inactive)",
        f"members added: {report.members_added}, matched: {report.members_matched}",
        f"aliases added: {report.aliases_added}"
        + (
            f" ({report.aliases_elsewhere} left with the member that has them)"
            if report.aliases_elsewhere
            else ""
        ),
        f"distributions imported: {report.distributions_imported} of "
        f"{report.distributions_read}"
        + (
            f" ({report.distributions_present} already imported)"
            if report.distributions_present
            else ""
        ),
        f"grain they paid: {report.grain_imported} × {report.grain_value} per grain = {totals}",
    ]
    if report.transfers_skipped:
        lines.append(f"grain transfers skipped (not earnings): {report.transfers_skipped}")
    added = [m for m in report.members if m.added]
    if added:
        lines.append("new members:")
    for m in added[:SHOWN]:
        renamed = f" (was {m.name})" if m.member_name != m.name else ""
        lines.append(f"  #{m.member} {m.member_name}{renamed}")
    if len(added) > SHOWN:
        lines.append(f"  … {len(added) - SHOWN} more (--json for all)")
    return "\n".join(lines)
