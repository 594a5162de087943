"""`partage cred compute PATH`: CredRank scores of a contribution graph; `partage cred org
SLUG`: the members' cred from the organization's own records; `partage cred weights SLUG`:
how the organization weighs them.

``compute`` reads a file and runs in the batch program (no database layer loaded), so the
database commands import what they need when they run, not when this module loads."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer

from partage.core.errors import DomainError, InvalidInput
from partage.services import cred as cred_service

if TYPE_CHECKING:
    from partage.services.org_cred import CredWeights, OrgCred

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


# Other refusals, as the rest of the program exits on them (cli/output.py).
OTHER_EXITS = {"not_found": 4, "forbidden": 5, "conflict": 6, "unauthenticated": 7}
SPARK = "▁▂▃▄▅▆▇█"
SPARK_WEEKS = 16  # the weeks a sparkline shows: the last ones
SOURCES_SHOWN = 3


@contextmanager
def _refusing(as_json: bool) -> Iterator[None]:
    """A domain error → its message (or ``{"error": …}``); bad input exits 2, as ``compute``."""
    try:
        yield
    except DomainError as error:
        if as_json:
            typer.echo(json.dumps({"error": error.as_dict()}, ensure_ascii=False))
        else:
            where = f" [{error.field}]" if error.field else ""
            typer.echo(f"error: {error.message}{where} ({error.code})", err=True)
        raise typer.Exit(OTHER_EXITS.get(error.kind, EXIT_INVALID)) from None


def _day(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError("date.bad", f"{field} must be a date such as 2026-03-14", field) from None


Slug = Annotated[str, typer.Argument(help="The organization's short name.")]


@cred.command("org")
def org(
    ctx: typer.Context,
    slug: Slug,
    since: Annotated[
        str | None, typer.Option("--since", help="Only records from this day (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only records up to this day (YYYY-MM-DD).")
    ] = None,
    sources: Annotated[
        bool, typer.Option("--sources", help="Also where each member's cred came from.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Every member's cred from the organization's records (CredRank), per week and in all."""
    from partage.cli.context import cli_context
    from partage.services import org_cred

    context = cli_context(ctx)
    with _refusing(as_json):
        first, last = _day(since, "since"), _day(until, "until")
        actor = context.actor(slug)
        with context.uow(readonly=True) as u:
            found = org_cred.org_cred(u, actor=actor, since=first, until=last)
    if as_json:
        typer.echo(json.dumps(org_json(found), ensure_ascii=False, indent=2))
        return
    typer.echo(org_table(found, sources=sources))


def org_json(found: OrgCred) -> dict[str, Any]:
    total = found.total or 1.0
    return {
        "weeks": [w.isoformat() for w in found.weeks],
        "total": found.total,
        "minted": found.minted,
        "members": [
            {
                "member_id": m.member_id,
                "name": m.name,
                "cred": m.cred,
                "share": m.cred / total,
                "per_week": list(m.per_week),
                "sources": [
                    {
                        "ref": s.ref,
                        "label": s.label,
                        "label_fr": s.label_fr,
                        "week": s.week.isoformat(),
                        "cred": s.cred,
                    }
                    for s in m.sources
                ],
            }
            for m in found.members
        ],
    }


def sparkline(values: tuple[float, ...]) -> str:
    """One character per week, scaled to the largest week shown; a blank is no cred."""
    top = max(values, default=0.0)
    if top <= 0:
        return " " * len(values)
    return "".join(
        " " if v <= 0 else SPARK[min(len(SPARK) - 1, int(v / top * (len(SPARK) - 1) + 0.5))]
        for v in values
    )


def org_table(found: OrgCred, *, sources: bool = False) -> str:
    """Members by cred, with their share and their last weeks as a sparkline — for people."""
    weeks = found.weeks
    shown = weeks[-SPARK_WEEKS:]
    total = found.total or 1.0
    width = max((len(m.name) for m in found.members), default=4)
    span = f"{weeks[0].isoformat()} to {weeks[-1].isoformat()}" if weeks else "no week"
    lines = [
        f"{len(found.members)} member(s), {len(weeks)} week(s) from {span}; "
        f"{found.minted:g} cred minted",
        f"  {'member':<{width}}  {'cred':>12}  {'share':>7}  weeks from {shown[0].isoformat()}"
        if shown
        else "",
    ]
    for m in found.members:
        line = (
            f"  {m.name:<{width}}  {m.cred:>12.4f}  {100 * m.cred / total:6.2f} %  "
            f"{sparkline(m.per_week[-SPARK_WEEKS:])}"
        )
        lines.append(line.rstrip())
        if sources:
            for s in m.sources[:SOURCES_SHOWN]:
                lines.append(f"  {'':<{width}}    {s.cred:>10.4f}  {s.label}")
            if len(m.sources) > SOURCES_SHOWN:
                lines.append(f"  {'':<{width}}    … {len(m.sources) - SOURCES_SHOWN} more (--json)")
    return "\n".join(line for line in lines if line)


PARAM_KEYS = ("alpha", "beta", "gamma_forward", "gamma_backward")
TOP_KEYS = ("claim", "gift", "default_activity")


def weight_changes(pairs: list[str]) -> dict[str, Any]:
    """``--set`` pairs → the weights' shape. ``claim``, ``gift``, ``default_activity``, the
    parameters (``alpha``…), ``edge.KIND.forward|backward``, ``activity.NAME`` or a bare
    activity name; an empty value puts an activity back to the default."""
    changes: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InvalidInput(
                "cred.bad_set", f"--set takes NAME=WEIGHT, such as design=1.5, not {pair!r}", "set"
            )
        if key in TOP_KEYS:
            changes[key] = value
        elif key in PARAM_KEYS:
            changes.setdefault("params", {})[key] = value
        elif key.startswith("edge."):
            kind, _, direction = key[len("edge.") :].partition(".")
            edge = changes.setdefault("edges", {}).setdefault(kind, {})
            edge[direction or "forward"] = value
        else:
            name = key[len("activity.") :] if key.startswith("activity.") else key
            changes.setdefault("activities", {})[name] = value.strip() or None
    return changes


@cred.command("weights")
def weights(
    ctx: typer.Context,
    slug: Slug,
    changes: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="NAME=WEIGHT, repeatable: an activity (design=1.5), claim, gift, "
            "default_activity, alpha, beta, gamma_forward, gamma_backward, "
            "edge.KIND.forward / .backward (admins only).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """How the organization weighs its records in its contribution graph; --set changes them."""
    from partage.cli.context import cli_context
    from partage.services import org_cred

    context = cli_context(ctx)
    with _refusing(as_json):
        actor = context.actor(slug)
        if changes:
            wanted = weight_changes(changes)
            with context.uow() as u:
                found = org_cred.set_cred_weights(
                    u, actor=actor, weights=wanted, now=context.clock()
                )
        else:
            with context.uow(readonly=True) as u:
                found = org_cred.cred_weights(u, actor=actor)
    if as_json:
        typer.echo(json.dumps(weights_json(found), ensure_ascii=False, indent=2))
        return
    typer.echo(weights_table(found))


def weights_json(found: CredWeights) -> dict[str, Any]:
    stored = found.as_json()
    stored["effective"] = {name: str(w) for name, w in found.effective().items()}
    return stored


def weights_table(found: CredWeights) -> str:
    lines = ["activities (a contribution mints its weight, times its hours if it has hours):"]
    effective = found.effective()
    width = max((len(name) for name in effective), default=8)
    for name, weight in effective.items():
        note = "" if name in found.activities else "  (default)"
        lines.append(f"  {name:<{width}}  {weight}{note}")
    lines.append(f"  {'any other':<{width}}  {found.default_activity}")
    lines.append(f"accepted claim: {found.claim}   gift of all one's points: {found.gift}")
    lines.append("edges (forward / backward):")
    for kind, edge in found.edges.items():
        lines.append(f"  {kind:<10}  {edge.forward} / {edge.backward}")
    params = ", ".join(f"{name} = {found.params[name]}" for name in PARAM_KEYS)
    lines.append(f"CredRank: {params}")
    return "\n".join(lines)
