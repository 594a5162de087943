"""Distributions: run an allocation model on the organization's contributions, preview it,
compare it with other models, then post it to the ledger as one entry.

Recipients are members, named by their number; a model may also name the commons fund or a
project (``commons``, ``project:<name>``) as the recipient of a bucket. What the model leaves
unallocated stays in the fund the budget came from.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from partage.core import chart
from partage.core.cred_wording import came_from
from partage.core.distribution import Distribution
from partage.core.errors import InvalidInput, NotFound
from partage.core.ledger import entry
from partage.core.models.base import Explanations, ModelResult, Spec
from partage.core.models.grain import lookback_of
from partage.core.models.registry import MODEL_NAMES, as_json, run_model, simulate, translations
from partage.core.models.spec import decimal, money
from partage.core.models.table import RowsOfTable
from partage.core.models.text_columns import table_from_records
from partage.core.models.wording import LANGUAGES
from partage.core.money import Money, check_minor, parse_minor
from partage.core.roles import require_admin
from partage.services import org_cred
from partage.services.context import Actor, UnitOfWork
from partage.services.contributions import parse_day
from partage.services.ledger import balance_of

# Models that read what an organization records; the others need flows of their own.
ON_CONTRIBUTIONS = ("proportional", "rate_grid", "value_equation")


@dataclass(frozen=True, slots=True)
class Source:
    """What a distribution reads: the contributions of a period, or members' scores."""

    since: date | None = None
    until: date | None = None
    activity: str | None = None
    # Grain: each member's score per interval, oldest first (member number → scores).
    scores: Mapping[str, tuple[Decimal, ...]] | None = None
    # Grain over the organization's own contribution graph: each member's cred per week
    # between ``since`` and ``until`` are the scores.
    cred: bool = False

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "activity": self.activity,
        }
        if self.cred:
            found["cred"] = True
        if self.scores is not None:
            found["scores"] = {m: [str(v) for v in row] for m, row in self.scores.items()}
        return found


def source(
    since: str | date | None = None,
    until: str | date | None = None,
    activity: str | None = None,
    scores: Mapping[str, Sequence[Any]] | None = None,
    cred: bool = False,
) -> Source:
    start = parse_day(since, field="since") if since else None
    end = parse_day(until, field="until") if until else None
    if start and end and start > end:
        raise InvalidInput("distribution.bad_period", "since is after until", field="since")
    if cred and scores is not None:
        raise InvalidInput(
            "distribution.scores_and_cred",
            "grain reads either the scores given or the organization's cred, not both",
            field="scores",
        )
    series = None
    if scores is not None:
        series = {
            str(member): tuple(decimal(v, f"scores.{member}[{j}]") for j, v in enumerate(row))
            for member, row in scores.items()
        }
        if len({len(row) for row in series.values()}) > 1:
            raise InvalidInput(
                "distribution.ragged_scores",
                "every member needs the same number of intervals",
                field="scores",
            )
    return Source(start, end, (activity or "").strip() or None, series, cred)


def scores_text(data: bytes) -> str:
    """A scores file as text: UTF-8, with or without the byte-order mark spreadsheets write."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            "scores.encoding", "the file is not UTF-8 text", field="scores"
        ) from None


def _score_cell(cell: str, *, line: int, column: str) -> str:
    value = cell.strip() or "0"
    try:
        decimal(value, "scores")
    except InvalidInput:
        raise InvalidInput(
            "scores.not_a_number",
            f"line {line}, column '{column}': '{value[:40]}' is not a number of 0 or more",
            "scores",
            params={"line": line, "column": column[:40], "cell": value[:40]},
        ) from None
    return value


def scores_from_csv(uow: UnitOfWork, *, actor: Actor, data: bytes) -> dict[str, list[str]]:
    """Scores from CSV: a ``member`` column (number or exact name), then one column per
    interval, oldest first (e.g. the cred a contribution graph gave each member per week).
    An empty cell is a score of 0. Each refusal names its line (``params``)."""
    try:
        rows = list(csv.reader(io.StringIO(scores_text(data))))
    except csv.Error as error:
        raise InvalidInput("scores.bad_csv", f"the CSV is malformed: {error}", "scores") from None
    header = rows[0] if rows else []
    if len(header) < 2 or header[0].strip().lower() != "member":
        raise InvalidInput(
            "scores.bad_header",
            "the first line is 'member', then one column per interval",
            "scores",
        )
    members = uow.community.members(actor.org_id)
    by_name = {m.name.lower(): m.id for m in members}
    known = {m.id for m in members}
    scores: dict[str, list[str]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        who = row[0].strip()
        member = int(who) if who.isdigit() and int(who) in known else by_name.get(who.lower())
        if member is None:
            raise InvalidInput(
                "scores.unknown_member",
                f"line {line}: no member '{who[:40]}'",
                "scores",
                params={"line": line, "cell": who[:40]},
            )
        if str(member) in scores:
            raise InvalidInput(
                "scores.duplicate_member",
                f"line {line}: '{who[:40]}' already has a line",
                "scores",
                params={"line": line, "cell": who[:40]},
            )
        if len(row) != len(header):
            raise InvalidInput(
                "scores.malformed",
                f"line {line} has {len(row)} cells, the header {len(header)}",
                "scores",
                params={"line": line, "cells": len(row), "columns": len(header)},
            )
        scores[str(member)] = [
            _score_cell(cell, line=line, column=column.strip())
            for cell, column in zip(row[1:], header[1:], strict=True)
        ]
    if not scores:
        raise InvalidInput("scores.empty", "no line of scores under the header", "scores")
    return scores


@dataclass(frozen=True, slots=True)
class Preview:
    """What each model would give, with member names for the reader."""

    budget: int
    results: tuple[dict[str, Any], ...]
    names: Mapping[str, str]
    contributions: int


def _check_models(models: Sequence[Mapping[str, Any]], data: Source) -> None:
    if not models:
        raise InvalidInput("distribution.no_model", "choose at least one model", field="model")
    # Grain reads the cred; models over contributions, compared beside it, read the period's.
    if data.cred and not any(model.get("type") == "grain" for model in models):
        raise InvalidInput(
            "distribution.cred_needs_grain",
            "the organization's cred is shared by the grain model: choose it",
            field="model",
        )
    for i, model in enumerate(models):
        kind = model.get("type")
        if kind == "grain":
            if data.scores is None and not data.cred:
                raise InvalidInput(
                    "distribution.no_scores",
                    "grain splits by scores: give them, or use the organization's cred",
                    "scores",
                )
            continue
        if kind not in ON_CONTRIBUTIONS:
            known = ", ".join(ON_CONTRIBUTIONS)
            hint = "" if kind not in MODEL_NAMES else " (it needs a flow of its own, not yet here)"
            raise InvalidInput(
                "distribution.bad_model",
                f"a distribution over contributions uses {known}{hint}",
                field=f"models[{i}].type",
            )


def _run(
    uow: UnitOfWork,
    actor: Actor,
    models: Sequence[Mapping[str, Any]],
    data: Source,
    budget: int,
    language: str = "en",
) -> tuple[Spec, list[ModelResult]]:
    check_minor(budget, field="budget")
    _check_models(models, data)
    recorded = uow.contributions.period_columns(
        actor.org_id, since=data.since, until=data.until, activity=data.activity
    )
    # A value equation values work at each contribution's own rate; recorded contributions
    # have none, so a distribution may give rates per activity (``rates``), as a grid does.
    rates: dict[str, Fraction] = {}
    runnable = []
    for i, model in enumerate(models):
        model = dict(model)
        if model.get("type") == "value_equation" and "rates" in model:
            raw = model.pop("rates")
            if not isinstance(raw, Mapping):
                raise InvalidInput(
                    "spec.not_an_object",
                    f"models[{i}].rates: must map activities to amounts",
                    field=f"models[{i}].rates",
                )
            for activity, amount in raw.items():
                rates[str(activity)] = money(
                    amount,
                    actor.organization.currency,
                    f"models[{i}].rates.{activity}",
                    exact_minor=False,
                )
        runnable.append(model)
    scores: Mapping[str, tuple[Decimal, ...]] = {}
    graph_cred = None
    if data.cred:
        graph_cred = org_cred.org_cred(uow, actor=actor, since=data.since, until=data.until)
        scores = cred_scores(graph_cred)
    elif data.scores is not None:
        for member in data.scores:
            _target(actor, uow, member)  # a number that is no member is refused
        scores = data.scores
    table = table_from_records(
        member_ids=recorded.member_ids,
        activities=recorded.activities,
        hours_hundredths=recorded.hours_hundredths,
        quantities=recorded.quantities,
        rates=rates,
    )
    if language not in LANGUAGES:
        raise InvalidInput("distribution.bad_language", "language is en or fr", "language")
    spec = Spec(
        language=language,
        currency=actor.organization.currency,
        budget=budget,
        contributions=RowsOfTable(table, [str(i) for i in recorded.ids]),
        scores=scores,
        paid=_grain_paid(uow, actor) if scores else {},
        models=tuple(runnable),
    )
    spec.cache["contribution_table"] = table
    results = simulate(spec)
    if graph_cred is not None:
        spec.cache["org_cred"] = graph_cred
        results = [with_sources(r, spec, graph_cred, i) for i, r in enumerate(results)]
    return spec, results


# Cred is a float score; grain reads exact decimals: six places keep every member who
# earned a millionth of a unit of cred or more, and nobody's share moves visibly.
CRED_PLACES = Decimal("0.000001")


def rerun_of(spec: Spec) -> Callable[[Spec], ModelResult]:
    """Run the distribution's model again (in another language), cred sources included."""
    found = spec.cache.get("org_cred")
    if found is None:
        return lambda other: run_model(other, 0)
    return lambda other: with_sources(run_model(other, 0), other, found)


def cred_scores(found: org_cred.OrgCred) -> dict[str, tuple[Decimal, ...]]:
    """Each member's cred per week as the decimal scores grain reads."""
    return {
        str(m.member_id): tuple(
            Decimal(repr(c)).quantize(CRED_PLACES) if c > 0 else Decimal(0) for c in m.per_week
        )
        for m in found.members
    }


def weeks_read(spec: Spec, index: int, weeks: int) -> int:
    """How many of the last weeks the grain policy read (the model checked its params)."""
    params = spec.models[index]
    return lookback_of(params, str(params.get("policy")), weeks, f"models[{index}]")


def with_sources(
    result: ModelResult, spec: Spec, found: org_cred.OrgCred, index: int = 0
) -> ModelResult:
    """The result, each member's explanation followed by where their cred came from in the
    weeks the policy read ("your cred in these weeks came from…"), in the spec's language."""
    shown = weeks_read(spec, index, len(found.weeks))
    first = found.weeks[-shown] if shown else None
    by_member = {str(m.member_id): m for m in found.members}
    french = spec.language == "fr"

    def explain(recipient: str) -> str:
        base = result.explanations[recipient]
        member = by_member.get(recipient)
        if member is None or first is None:
            return base
        sources: dict[str, float] = {}
        for s in member.sources:
            if s.week >= first:
                label = s.label_fr if french else s.label
                sources[label] = sources.get(label, 0.0) + s.cred
        return f"{base} {came_from(list(sources.items()), spec.language)}"

    return replace(result, explanations=Explanations(list(result.explanations), explain))


def _grain_paid(uow: UnitOfWork, actor: Actor) -> dict[str, int]:
    """What earlier grain distributions paid each member: what ``balanced`` catches up on."""
    decimals = actor.organization.currency.decimals
    paid: dict[str, int] = {}
    for earlier in uow.distributions.all(actor.org_id):
        if earlier.model != "grain":
            continue
        for member, amount in earlier.result.get("allocations", {}).items():
            if str(member).isdigit():
                paid[member] = paid.get(member, 0) + parse_minor(amount, decimals, allow_zero=True)
    return paid


def preview(
    uow: UnitOfWork,
    *,
    actor: Actor,
    models: Sequence[Mapping[str, Any]],
    data: Source,
    budget: int,
    language: str = "en",
) -> Preview:
    """Every member may look: what each model would give, side by side, explained in
    ``language`` (en or fr). Writes nothing."""
    spec, results = _run(uow, actor, models, data, budget, language)
    names = {str(m.id): m.name for m in uow.community.members(actor.org_id)}
    return Preview(
        budget=budget,
        results=tuple(as_json(r, spec) for r in results),
        names=names,
        contributions=len(spec.contributions),
    )


def _target(actor: Actor, uow: UnitOfWork, recipient: str) -> str:
    if recipient.isdigit():
        if uow.community.member(actor.org_id, int(recipient)) is None:
            raise InvalidInput(
                "distribution.unknown_member", f"no member #{recipient}", field="recipient"
            )
        return chart.member_account(int(recipient))
    return chart.parse_redirect(recipient, field="recipient")


def fund_account(fund: str, *, code: str) -> str:
    """``commons``, ``project:<name>`` or ``pool:<name>`` (a contributor pool that
    transactions' splits fill) → its account; a member's account is refused."""
    kind, _, name = fund.strip().lower().partition(":")
    if kind == "pool":
        # A pool is named like a project; the chart checks the name the same way.
        return "fund:pool:" + chart.project_account(name, field="fund").removeprefix(
            "fund:project:"
        )
    account = chart.parse_redirect(fund, field="fund")
    if chart.member_of_account(account) is not None:
        raise InvalidInput(code, "pay from 'commons', 'project:<name>' or 'pool:<name>'", "fund")
    return account


def pay_check(uow: UnitOfWork, actor: Actor, account: str, paid: int, *, code: str) -> None:
    """Refuse to pay more than the fund holds."""
    available = balance_of(uow, actor=actor, account=account)
    if paid > available.minor:
        raise InvalidInput(
            code,
            f"{account} holds {available}, less than the "
            f"{Money(paid, actor.organization.currency)} to pay",
            field="budget",
        )


@dataclass(frozen=True, slots=True)
class Posting:
    """What a run posts: its cause and memo, and the entry's lines (account, amount)."""

    cause: str
    memo: str
    lines: tuple[tuple[str, int], ...]


def record(
    uow: UnitOfWork,
    actor: Actor,
    *,
    distribution_id: int,
    spec: Spec,
    result: ModelResult,
    params: Mapping[str, Any],
    source: Mapping[str, Any],
    fund: str,
    posting: Posting,
    now: datetime,
    rerun: Callable[[Spec], ModelResult],
) -> int | None:
    """Post one balanced entry (when anything moves) and record the run as a distribution;
    every way of paying a model's result — a distribution, an epoch, a funding call — ends
    here. Returns the entry's number.

    ``rerun`` runs the same model on a spec: the explanations are recorded in every language
    (``explanations`` in English, ``explanations_fr``…), so each member reads them in theirs."""
    code = actor.organization.currency.code
    seq = None
    if any(amount for _, amount in posting.lines):
        seq = uow.ledger.append(
            actor.org_id,
            entry(
                occurred_at=now,
                cause=posting.cause,
                memo=posting.memo[:500],
                postings=[(account, amount, code) for account, amount in posting.lines],
            ),
            now=now,
        ).seq
    uow.distributions.add_with_id(
        actor.org_id,
        distribution_id,
        model=result.model,
        params=dict(params),
        source=dict(source),
        fund=fund,
        budget=spec.budget,
        paid=result.paid,
        unallocated=result.unallocated,
        result={**as_json(result, spec), **translations(spec, rerun)},
        entry_seq=seq,
        by=actor.member.id,
        now=now,
    )
    return seq


def run(
    uow: UnitOfWork,
    *,
    actor: Actor,
    model: Mapping[str, Any],
    data: Source,
    budget: int,
    fund: str,
    now: datetime,
) -> Distribution:
    """Post the model's allocations from ``fund`` to each recipient, as one entry."""
    require_admin(actor.role)
    source_account = fund_account(fund, code="distribution.bad_fund")
    spec, [result] = _run(uow, actor, [model], data, budget)
    pay_check(uow, actor, source_account, result.paid, code="distribution.insufficient_fund")
    distribution_id = uow.distributions.next_id(actor.org_id)
    lines = [(source_account, result.paid)]
    lines += [
        (_target(actor, uow, recipient), -amount)
        for recipient, amount in result.allocations.items()
        if amount
    ]
    record(
        uow,
        actor,
        distribution_id=distribution_id,
        spec=spec,
        result=result,
        params=model,
        source=data.as_dict(),
        fund=source_account,
        posting=Posting(
            f"distribution:{distribution_id}",
            f"distribution #{distribution_id} ({result.model})",
            tuple(lines),
        ),
        now=now,
        rerun=rerun_of(spec),
    )
    uow.commit()
    found = uow.distributions.get(actor.org_id, distribution_id)
    assert found is not None
    return found


def distributions(uow: UnitOfWork, *, actor: Actor) -> list[Distribution]:
    return uow.distributions.all(actor.org_id)


def distribution(uow: UnitOfWork, *, actor: Actor, distribution_id: int) -> Distribution:
    found = uow.distributions.get(actor.org_id, distribution_id)
    if found is None:
        raise NotFound(
            "distribution.not_found", f"no distribution #{distribution_id}", "distribution"
        )
    return found
