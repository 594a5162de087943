"""Distributions: preview and compare models on the organization's contributions, then post."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from partage.cli.context import CliContext, cli_context
from partage.cli.output import Json, emit, reporting
from partage.core.distribution import Distribution
from partage.core.errors import InvalidInput
from partage.core.money import parse_minor
from partage.services import distributions, organizations
from partage.services.context import Actor

distribution = typer.Typer(help="Run an allocation model over contributions.", no_args_is_help=True)

Slug = Annotated[str, typer.Argument(help="The organization's short name.")]
Since = Annotated[str | None, typer.Option(help="First day of contributions read (YYYY-MM-DD).")]
Until = Annotated[str | None, typer.Option(help="Last day of contributions read.")]
Activity = Annotated[str | None, typer.Option(help="Only this activity.")]
Lang = Annotated[str, typer.Option("--lang", help="The language of the explanations: en or fr.")]
Scores = Annotated[
    Path | None,
    typer.Option(help="CSV of scores for grain: member, then one column per interval."),
]
Cred = Annotated[
    bool,
    typer.Option(
        "--cred",
        help="Grain over each member's cred per week from the organization's contribution "
        "graph (see `partage cred org`).",
    ),
]


def _model(text: str, index: int) -> dict[str, Any]:
    try:
        model = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            "distribution.bad_model", f"--model #{index + 1} is not JSON: {error.msg}", "model"
        ) from None
    if not isinstance(model, dict):
        raise InvalidInput("distribution.bad_model", "a model is a JSON object", "model")
    return model


def _scores(c: CliContext, actor: Actor, path: Path | None) -> dict[str, list[str]] | None:
    if path is None:
        return None
    if not path.is_file():
        raise InvalidInput("scores.no_file", f"no file {path}", "scores")
    with c.uow(readonly=True) as u:
        found: dict[str, list[str]] = distributions.scores_from_csv(
            u, actor=actor, data=path.read_bytes()
        )
        return found


def _table(preview: distributions.Preview) -> str:
    names = sorted({r for result in preview.results for r in result["allocations"]})
    header = ["member", *[r["model"] for r in preview.results]]
    rows = [
        [preview.names.get(n, n), *[r["allocations"].get(n, "—") for r in preview.results]]
        for n in names
    ]
    rows.append(["(unallocated)", *[r["unallocated"] for r in preview.results]])
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    )


@distribution.command("preview")
def preview(
    ctx: typer.Context,
    slug: Slug,
    budget: Annotated[str, typer.Option(help="The amount to share.")],
    model: Annotated[
        list[str], typer.Option(help='A model as JSON, e.g. {"type": "proportional"}; repeatable.')
    ],
    since: Since = None,
    until: Until = None,
    activity: Activity = None,
    scores: Scores = None,
    cred: Cred = False,
    lang: Lang = "en",
    as_json: Json = False,
) -> None:
    """What each model would give each member, side by side. Writes nothing."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        data = distributions.source(since, until, activity, _scores(c, actor, scores), cred=cred)
        with c.uow(readonly=True) as u:
            seen = distributions.preview(
                u,
                actor=actor,
                models=[_model(m, i) for i, m in enumerate(model)],
                data=data,
                budget=parse_minor(budget, actor.organization.currency.decimals, field="budget"),
                language=lang,
            )
        emit(as_json, seen, lambda: typer.echo(_table(seen)))


@distribution.command("run")
def run(
    ctx: typer.Context,
    slug: Slug,
    budget: Annotated[str, typer.Option(help="The amount to share.")],
    model: Annotated[str, typer.Option(help="The model as JSON.")],
    fund: Annotated[str, typer.Option(help="commons or project:NAME.")] = "commons",
    since: Since = None,
    until: Until = None,
    activity: Activity = None,
    scores: Scores = None,
    cred: Cred = False,
    as_json: Json = False,
) -> None:
    """Post a distribution (admins only): one ledger entry from the fund to each recipient."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        data = distributions.source(since, until, activity, _scores(c, actor, scores), cred=cred)
        with c.uow() as u:
            done = distributions.run(
                u,
                actor=actor,
                model=_model(model, 0),
                data=data,
                budget=parse_minor(budget, actor.organization.currency.decimals, field="budget"),
                fund=fund,
                now=c.clock(),
            )
        emit(
            as_json,
            done,
            f"distribution #{done.id} ({done.model}) posted as entry #{done.entry_seq}: "
            f"{done.result['budget']} shared, {done.result['unallocated']} unallocated",
        )


@distribution.command("list")
def list_(ctx: typer.Context, slug: Slug, as_json: Json = False) -> None:
    """The distributions run so far."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow(readonly=True) as u:
            found = distributions.distributions(u, actor=c.actor(slug))
        emit(
            as_json,
            found,
            "\n".join(
                f"#{d.id:<4} {d.created_at:%Y-%m-%d} {d.model:<15} budget {d.result['budget']}, "
                f"unallocated {d.result['unallocated']}{_origin(d)}"
                for d in found
            ),
        )


def _origin(found: Distribution) -> str:
    """How a distribution came to be, when it did not run here."""
    if found.imported_from_sourcecred:
        return f" (imported from SourceCred, distribution {found.source.get('distribution', '?')})"
    if found.over_cred:
        return " (grain over the organization's cred)"
    return ""


@distribution.command("show")
def show(
    ctx: typer.Context, slug: Slug, distribution_id: int, lang: Lang = "en", as_json: Json = False
) -> None:
    """One distribution: each member's amount and why (in English, or French with --lang fr)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            found = distributions.distribution(u, actor=actor, distribution_id=distribution_id)
            names = {str(m.member.id): m.member.name for m in organizations.members(u, actor=actor)}

        def human() -> None:
            typer.echo(
                f"distribution #{found.id}: {found.model}, budget {found.result['budget']}"
                f"{_origin(found)}"
            )
            written = found.result.get("language", "en")
            why = found.result.get(
                "explanations" if lang == written else f"explanations_{lang}",
                found.result["explanations"],
            )
            # Imported history carries no explanation: the grain was paid in SourceCred.
            elsewhere = "reçu dans SourceCred" if lang == "fr" else "received in SourceCred"
            imported = found.imported_from_sourcecred
            width = max((len(names.get(w, w)) for w in found.result["allocations"]), default=8)
            for who, amount in found.result["allocations"].items():
                said = why.get(who) or (elsewhere if imported else "")
                typer.echo(f"  {names.get(who, who):<{width}} {amount:>14}  {said}")

        emit(as_json, found, human)
