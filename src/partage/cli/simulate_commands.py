"""`partage simulate SPEC`: run allocation models side by side on a collective's data."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from partage.core.errors import DomainError
from partage.services import simulation

# An invalid spec exits 2, like a usage error: the document given is what is wrong.
EXIT_INVALID_SPEC = 2


def register(app: typer.Typer) -> None:
    @app.command("simulate")
    def simulate(
        source: Annotated[
            str, typer.Argument(help="The spec file (JSON or YAML), or - for stdin.")
        ],
        output: Annotated[
            str, typer.Option("--format", help="json (default) or table, for people.")
        ] = "json",
        as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    ) -> None:
        """Compare allocation models on the same data before adopting one. Writes nothing."""
        if output not in ("json", "table"):
            typer.echo("error: --format is json or table", err=True)
            raise typer.Exit(EXIT_INVALID_SPEC)
        # One short batch run allocating millions of small objects that form no cycles: the
        # cycle collector would walk them again and again for nothing (a third of the time
        # on a million contributions). The process ends with the command.
        gc.disable()
        try:
            if source == "-":
                report = simulation.run_bytes(sys.stdin.buffer.read())
            else:
                report = simulation.run_file(Path(source))
        except DomainError as error:
            if as_json or output == "json":
                typer.echo(json.dumps({"error": error.as_dict()}, ensure_ascii=False))
            else:
                typer.echo(f"error: {error.message} ({error.code})", err=True)
            raise typer.Exit(EXIT_INVALID_SPEC) from None
        if output == "table" and not as_json:
            typer.echo(table(report["results"]))
        else:
            # orjson: a hundred thousand recipients per model are written in a blink.
            sys.stdout.buffer.write(orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n")
            sys.stdout.buffer.flush()


def table(results: list[dict[str, Any]]) -> str:
    """One column per model, one row per recipient, then what stayed and how even it is."""
    recipients = sorted({name for r in results for name in r["allocations"]})
    header = ["", *[r["model"] for r in results]]
    rows = [[name, *[r["allocations"].get(name, "—") for r in results]] for name in recipients]
    rows.append(["(unallocated)", *[r["unallocated"] for r in results]])
    rows.append(["gini", *[r["indicators"]["gini"] for r in results]])
    rows.append(["top 10 % share", *[r["indicators"]["top_10_percent_share"] for r in results]])
    rows.append(["recipients paid", *[str(r["indicators"]["recipients"]) for r in results]])
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[Any]) -> str:
        first, *rest = cells
        return "  ".join(
            [
                str(first).ljust(widths[0]),
                *[str(c).rjust(w) for c, w in zip(rest, widths[1:], strict=True)],
            ]
        )

    rule = "  ".join("-" * w for w in widths)
    currency = results[0]["currency"] if results else ""
    budget = results[0]["budget"] if results else ""
    title = f"budget {budget} {currency}"
    return "\n".join([title, line(header), rule, *[line(r) for r in rows]])
