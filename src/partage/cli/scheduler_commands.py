"""`partage scheduler run [--every SECONDS]`: do the work that falls due with time.

One pass by default, for cron or a systemd timer; with ``--every`` it runs a pass, sleeps, and
runs again until interrupted (Ctrl-C, or SIGTERM from a service manager), for a process
supervisor. It acts for no member: whoever may run the program on the database may run it.
"""

from __future__ import annotations

import json
import signal
import time
from types import FrameType
from typing import Annotated, Any

import typer

from partage.cli.context import cli_context
from partage.cli.output import Json, emit, plain, reporting
from partage.core.errors import InvalidInput
from partage.services import scheduler as due_work

scheduler = typer.Typer(
    help="Work that falls due with time: count proposals, end roles.", no_args_is_help=True
)

# The longest sleep between passes: a day (a longer one is surely a typo for minutes).
MAX_EVERY = 24 * 3600


def _line(report: due_work.DueReport) -> str:
    if not report.organizations:
        return f"{report.at:%Y-%m-%d %H:%M:%S} UTC: nothing was due"
    lines = []
    for org in report.organizations:
        done = ", ".join(f"{step} {count}" for step, count in org.counts.items())
        refused = "".join(f"; {r.step} refused: {r.message} ({r.code})" for r in org.refused)
        lines.append(f"{report.at:%Y-%m-%d %H:%M:%S} UTC {org.organization}: {done}{refused}")
    return "\n".join(lines)


def _json(report: due_work.DueReport) -> dict[str, Any]:
    """The report for programs: per organization, the counts and the numbers per step."""
    steps = [step.name for step in due_work.STEPS]
    return {
        "at": plain(report.at),
        "totals": {step: report.total(step) for step in steps},
        "organizations": [
            {
                "organization": org.organization,
                "counts": org.counts,
                "done": org.done,
                "refused": plain(org.refused),
            }
            for org in report.organizations
        ],
    }


class _Stop(Exception):
    """SIGTERM: stop between passes, as Ctrl-C does."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


@scheduler.command("run")
def run(
    ctx: typer.Context,
    every: Annotated[
        int | None,
        typer.Option(
            "--every",
            help="Run a pass every SECONDS until interrupted, instead of one pass.",
            metavar="SECONDS",
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Count every proposal past its closing time and end every role past its term, in
    every organization; print what was done (per organization and step)."""
    c = cli_context(ctx)
    with reporting(as_json):
        if every is not None and not 1 <= every <= MAX_EVERY:
            raise InvalidInput(
                "scheduler.every_range",
                f"--every is a number of seconds from 1 to {MAX_EVERY}, not {every}",
                field="every",
            )
        if every is None:
            report = due_work.run_due(c.uow, now=c.clock())
            emit(as_json, _json(report), _line(report))
            return
        previous = signal.signal(signal.SIGTERM, _stop)
        try:
            while True:
                report = due_work.run_due(c.uow, now=c.clock())
                # One line per pass (JSON lines with --json), as a service's log reads.
                typer.echo(json.dumps(_json(report), sort_keys=True) if as_json else _line(report))
                time.sleep(every)
        except (KeyboardInterrupt, _Stop):
            typer.echo("scheduler stopped", err=True)
        finally:
            signal.signal(signal.SIGTERM, previous)
