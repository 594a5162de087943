"""`partage cred compute PATH`: CredRank scores of a contribution graph."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from partage.core.errors import DomainError
from partage.services import cred as cred_service

cred = typer.Typer(help="Contribution-graph scoring (CredRank, as SourceCred computes it).")

# Bad input is what is wrong, like a usage error.
EXIT_INVALID = 2


@cred.command("compute")
def compute(
    path: Annotated[str, typer.Argument(help="A partage graph file (JSON, docs/cred.md).")],
    nodes: Annotated[bool, typer.Option("--nodes", help="Also every node's score.")] = False,
    out: Annotated[
        str | None, typer.Option("--out", help="Write the JSON to this file (atomically).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Each participant's cred, per week and in all. Reads the graph, writes nothing else."""
    gc.disable()  # one batch over large arrays and many small objects, then the process ends
    try:
        report = cred_service.compute_file(Path(path), nodes=nodes)
    except DomainError as error:
        if as_json:
            typer.echo(json.dumps({"error": error.as_dict()}, ensure_ascii=False))
        else:
            typer.echo(f"error: {error.message} ({error.code})", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    data = orjson.dumps(report, option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY) + b"\n"
    if out is not None:
        cred_service.write_atomically(Path(out), data)
    if as_json:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    typer.echo(summary(report))
    if out is not None:
        typer.echo(f"written to {out}")


def summary(report: dict[str, Any]) -> str:
    """Participants by cred, largest first, with their share — for people."""
    people = sorted(report["participants"].items(), key=lambda kv: (-kv[1]["cred"], kv[0]))
    total = sum(p["cred"] for _, p in people) or 1.0
    weeks = len(report["interval_starts"])
    width = max((len(name) for name, _ in people[:SHOWN]), default=4)
    lines = [f"{len(people)} participant(s), {weeks} week(s), {report['iterations']} iterations"]
    for name, p in people[:SHOWN]:
        lines.append(f"  {name:<{width}}  {p['cred']:>14.6f}  {100 * p['cred'] / total:6.2f} %")
    if len(people) > SHOWN:
        rest = sum(p["cred"] for _, p in people[SHOWN:])
        lines.append(
            f"  … {len(people) - SHOWN} more, {100 * rest / total:.2f} % in all (--json for all)"
        )
    return "\n".join(lines)


SHOWN = 20  # participants listed for people; --json gives them all
