"""`partage import transactions FILE --org SLUG`: a platform's export posted in bulk.

A progress bar (by bytes of the file) goes to stderr, then a summary: rows read, posted,
refused, the first refused rows, and where the full report is. Exit status: 0 when the
import finished, even with refused rows (they are in the report); 2 when the file cannot
be read or its header is wrong (nothing written); the usual codes otherwise (6 when the
file was already imported in full).
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from partage.cli.context import cli_context
from partage.cli.output import EXIT_CODES, Json, emit
from partage.core.errors import DomainError
from partage.services import transaction_import
from partage.services.transaction_import import ImportReport, RowError

EXIT_INVALID = 2
ERROR_COLUMNS = ("row", "field", "code", "message")


def register(imports: typer.Typer) -> None:
    """Add the command to the `import` group."""
    imports.command("transactions")(import_transactions)


def import_transactions(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The CSV or JSON-lines export to import.")],
    org: Annotated[str, typer.Option("--org", help="The organization's short name.")],
    format: Annotated[
        str | None,
        typer.Option("--format", help="csv or jsonl (default: from the file's extension)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and split every row; write nothing.")
    ] = False,
    errors: Annotated[
        Path | None,
        typer.Option("--errors", help="Write every refused row to this CSV file."),
    ] = None,
    batch: Annotated[
        int, typer.Option("--batch", help="Rows committed together.")
    ] = transaction_import.DEFAULT_BATCH,
    as_json: Json = False,
) -> None:
    """Import transactions: each row split by the rules in force on its day, each batch
    committed whole. Running it again on the same file resumes an interrupted import."""
    c = cli_context(ctx)
    refused: list[RowError] = []
    try:
        actor = c.actor(org)
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            with typer.progressbar(
                length=size, label="importing", file=_stderr(), show_eta=True
            ) as bar:
                done = [0]

                def progress(_rows: int, read: int) -> None:
                    bar.update(max(0, min(read, size) - done[0]))
                    done[0] = min(read, size)

                report = transaction_import.import_transactions(
                    c.uow,
                    actor=actor,
                    stream=stream,
                    file_name=path.name,
                    format=format,
                    dry_run=dry_run,
                    batch=batch,
                    now=c.clock(),
                    progress=progress,
                    on_start=_announce,
                    on_errors=refused.extend if dry_run and errors else None,
                )
        if errors is not None:
            _write_errors(errors, refused if dry_run else _stored_errors(c, actor, report))
    except OSError as error:
        _fail(as_json, "import.unreadable", f"cannot read {path}: {error.strerror}", "file", 2)
    except DomainError as error:
        code = EXIT_INVALID if error.kind == "invalid" else EXIT_CODES.get(error.kind, 1)
        _fail(as_json, error.code, error.message, error.field, code)
    emit(as_json, report, lambda: typer.echo(summary(report, errors)))


def _stderr() -> Any:
    return typer.get_text_stream("stderr")


def _announce(report: ImportReport) -> None:
    if report.resumed_at:
        typer.echo(
            f"resuming import #{report.id} at row {report.resumed_at:,} "
            f"({report.posted:,} posted, {report.failed:,} refused so far)",
            err=True,
        )


def _stored_errors(c: Any, actor: Any, report: ImportReport) -> list[RowError]:
    with c.uow(readonly=True) as u:
        return list(transaction_import.all_errors(u, actor=actor, import_id=report.id or 0))


def _write_errors(target: Path, rows: list[RowError]) -> None:
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(ERROR_COLUMNS)
        writer.writerows((e.row, e.field, e.code, e.message) for e in rows)


def _fail(as_json: bool, code: str, message: str, field: str | None, exit_code: int) -> None:
    if as_json:
        error = {"code": code, "message": message, "field": field}
        typer.echo(json.dumps({"error": error}, ensure_ascii=False))
    else:
        where = f" [{field}]" if field else ""
        typer.echo(f"error: {message}{where} ({code})", err=True)
    raise typer.Exit(exit_code)


def summary(report: ImportReport, errors_file: Path | None = None) -> str:
    """What was read and done, for people."""
    name = "dry run" if report.dry_run else f"import #{report.id}"
    lines = [
        f"{name} of {report.file_name} ({report.format}): {report.status}",
        f"  rows read: {report.read:,}"
        + (f" (resumed after row {report.resumed_at:,})" if report.resumed_at else ""),
        f"  posted: {report.posted:,}, refused: {report.failed:,} (of {report.rows:,} rows)",
    ]
    if report.errors:
        lines.append("  first refused rows:")
        lines.extend(f"    row {e.row}: {e.message} [{e.field}] ({e.code})" for e in report.errors)
    if report.error_count > len(report.errors) or errors_file is not None:
        where = (
            f"in {errors_file}"
            if errors_file is not None
            else f"with --errors FILE, or GET …/transactions/imports/{report.id}"
        )
        lines.append(f"  every refused row: {where}")
    if report.dry_run:
        lines.append("  dry run: nothing was written")
    return "\n".join(lines)
