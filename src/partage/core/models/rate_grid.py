"""Rate grid (barème): each contribution is worth its hours (or quantity) × its activity's rate.

value_i = Σ over i's contributions of (hours for time, else quantity) × rate, where the rate
is the grid's rate for the activity, or — with ``self_set`` — the contribution's own rate
when it has one. If Σ value exceeds the budget, everyone is scaled down pro rata; otherwise
each gets their value (the exact total rounded down to the minor unit, split in proportion to
the exact values) and the rest stays unallocated. A contribution with no rate counts for
nothing and is listed under ``unrated``.

The values are computed over columns (``table``): exact integers, vectorised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from partage.core.currency import Currency
from partage.core.models.base import (
    KINDS,
    Explanations,
    ModelResult,
    Spec,
    check_params,
    money_ratio,
    money_text,
    ratio_text,
    refuse,
    result,
    split,
)
from partage.core.models.spec import money, text
from partage.core.models.table import (
    ContributionTable,
    ScaledColumn,
    contribution_table,
    group_sum,
    multiply,
    scaled,
)
from partage.core.models.wording import Phrases, Words, money_texts, ratio_texts

TIME = KINDS.index("time")
MAX_LINES = 3  # contributions listed one by one; beyond, an explanation sums them up
MAX_UNRATED = 50


def rates_of(spec: Spec, params: Mapping[str, Any], path: str) -> dict[str, Fraction]:
    raw = params.get("rates", {})
    if not isinstance(raw, Mapping):
        raise refuse(f"{path}.rates", "must map activities to amounts", "spec.not_an_object")
    return {
        text(activity, f"{path}.rates"): money(
            rate, spec.currency, f"{path}.rates.{activity}", exact_minor=False
        )
        for activity, rate in raw.items()
    }


@dataclass(frozen=True, slots=True)
class Valued:
    """Each row's measure and rate, and each recipient's value, all over ``scale``."""

    measure: ScaledColumn
    rate: ScaledColumn
    rated: np.ndarray
    values: list[int]  # per recipient, minor units × scale
    scale: int


def value(table: ContributionTable, rates: Mapping[str, Fraction], self_set: bool) -> Valued:
    time = table.kind == TIME
    m_scale = max(table.hours.scale, table.quantity.scale)
    hours, quantity = table.hours.rescaled(m_scale), table.quantity.rescaled(m_scale)
    measure_values = np.where(time, hours.values, quantity.values)
    measure_present = np.where(time, hours.present, quantity.present)
    measure = ScaledColumn(np.where(measure_present, measure_values, 0), m_scale, measure_present)

    grid = scaled([rates.get(a) for a in table.activities])
    own_present = table.rate.present & self_set
    r_scale = max(grid.scale, table.rate.scale)
    grid_rows = grid.rescaled(r_scale).values[table.activity]
    own_rows = table.rate.rescaled(r_scale).values
    rate_values = np.where(own_present, own_rows, grid_rows)
    rated = own_present | grid.present[table.activity]
    rate = ScaledColumn(np.where(rated, rate_values, 0), r_scale, rated)

    row_values = multiply(measure.values, rate.values)
    values = group_sum(table.recipient, row_values, len(table.recipients))
    return Valued(measure, rate, rated, values, m_scale * r_scale)


def run(spec: Spec, params: Mapping[str, Any], path: str) -> ModelResult:
    check_params(params, {"rates", "self_set"}, path)
    rates = rates_of(spec, params, path)
    self_set = params.get("self_set", False)
    if not isinstance(self_set, bool):
        raise refuse(f"{path}.self_set", "must be true or false", "spec.not_a_boolean")
    return run_table(contribution_table(spec), spec, rates, self_set)


def run_table(
    table: ContributionTable, spec: Spec, rates: Mapping[str, Fraction], self_set: bool
) -> ModelResult:
    valued = value(table, rates, self_set)
    names = table.recipients
    weights = dict(zip(names, valued.values, strict=True))
    total = sum(valued.values)
    scaled_down = total > spec.budget * valued.scale
    if scaled_down:
        allocations, unallocated = split(spec.budget, weights), 0
    else:
        paid = total // valued.scale
        allocations, unallocated = split(paid, weights), spec.budget - paid
    unrated_rows = np.flatnonzero(~valued.rated)
    unrated = [
        f"contributions[{i}] ({table.activities[table.activity[i]] or 'no activity'})"
        for i in unrated_rows[:MAX_UNRATED].tolist()
    ]
    explain = _explainer(table, spec, valued, allocations, scaled_down, total)
    extras: dict[str, Any] = {"scaled_down": scaled_down}
    if len(unrated_rows):
        extras["unrated"] = unrated
        if len(unrated_rows) > MAX_UNRATED:
            extras["unrated_count"] = len(unrated_rows)
    return result(
        "rate_grid", spec.budget, allocations, unallocated, Explanations(names, explain), extras
    )


@dataclass(frozen=True, slots=True)
class _Rows:
    """Each recipient's rows and counts, found for all recipients in one vectorised pass."""

    order: np.ndarray  # row numbers grouped by recipient, in input order within a group
    starts: np.ndarray  # recipient i's rows are order[starts[i] : starts[i + 1]]
    rated: list[int]  # per recipient: rows with a rate
    activities: list[int]  # per recipient: distinct activities

    @staticmethod
    def of(table: ContributionTable, valued: Valued) -> _Rows:
        size = len(table.recipients)
        order = np.argsort(table.recipient, kind="stable")
        starts = np.searchsorted(table.recipient[order], np.arange(size + 1))
        rated = np.bincount(table.recipient[valued.rated], minlength=size)
        # Distinct (recipient, activity) pairs: sorted keys, counted where they change.
        width = max(len(table.activities), 1)
        keys = np.sort(table.recipient.astype(np.int64) * width + table.activity)
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        activities = np.bincount(keys[first] // width, minlength=size)
        return _Rows(order, starts, rated.tolist(), activities.tolist())

    def count(self, who: int) -> int:
        return int(self.starts[who + 1] - self.starts[who])

    def rows(self, who: int) -> list[int]:
        return self.order[self.starts[who] : self.starts[who + 1]].tolist()  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class _Texts:
    """Every number of the explanations, written a column at a time: each recipient's value
    and payment, and the contributions listed one by one (the rows of recipients with at most
    ``MAX_LINES`` of them)."""

    value: list[str]  # per recipient
    paid: list[str]  # per recipient
    first: list[int]  # per recipient listed one by one: where their rows start below
    measure: list[str]  # per listed row, recipient by recipient, in the order of _Rows
    rate: list[str]
    product: list[str]

    @staticmethod
    def of(
        table: ContributionTable,
        valued: Valued,
        grouped: _Rows,
        allocations: Mapping[str, int],
        words: Words,
        currency: Currency,
    ) -> _Texts:
        counts = np.diff(grouped.starts)
        small = counts <= MAX_LINES
        listed = grouped.order[np.repeat(small, counts)]
        first = np.cumsum(np.where(small, counts, 0)) - counts
        measure, rate = valued.measure.values[listed], valued.rate.values[listed]
        m_scale, r_scale = valued.measure.scale, valued.rate.scale
        return _Texts(
            value=words.nums(money_texts(valued.values, valued.scale, currency)),
            paid=words.nums(money_texts([allocations[n] for n in table.recipients], 1, currency)),
            first=first.tolist(),
            measure=words.nums(ratio_texts(measure, m_scale)),
            rate=words.nums(money_texts(rate, r_scale, currency)),
            product=words.nums(money_texts(multiply(measure, rate), m_scale * r_scale, currency)),
        )


def _explainer(
    table: ContributionTable,
    spec: Spec,
    valued: Valued,
    allocations: Mapping[str, int],
    scaled_down: bool,
    total: int,
) -> Any:
    texts: _Texts | None = None
    grouped: _Rows | None = None
    index = {name: i for i, name in enumerate(table.recipients)}
    currency = spec.currency
    words = Words(PHRASES, spec.language)
    tail_text = (
        words(
            "scaled",
            total=words.num(money_ratio(total, valued.scale, currency)),
            budget=words.num(money_text(spec.budget, currency)),
            percent=words.num(ratio_text(spec.budget * valued.scale * 100, total or 1, places=4)),
        )
        if scaled_down
        else words("covered")
    )
    no_activity, separator = words("no_activity"), words("separator")
    unit_hours, unit_many, unit_one = words("unit_hours"), words("units"), words("unit_one")
    # Below 2 a French noun is singular (1,5 unité); in English the unit stays "units".
    two = 2 * valued.measure.scale
    line_row = words.row("line", ("activity", "measure", "unit", "rate", "product"))
    many_rows = {
        key: words.row(key, ("count", "activities", "rated"))
        for key in ("many", "many_one_activity")
    }
    explanation_row = words.row("explanation", ("worth", "value", "paid"), tail=tail_text)

    def explain(name: str) -> str:
        nonlocal grouped, texts
        if grouped is None or texts is None:  # the first time any explanation is read
            grouped = _Rows.of(table, valued)
            texts = _Texts.of(table, valued, grouped, allocations, words, currency)
        who = index[name]
        if grouped.count(who) <= MAX_LINES:
            lines = []
            for line, row in enumerate(grouped.rows(who), start=texts.first[who]):
                activity = table.activities[table.activity[row]] or no_activity
                if not valued.rated[row]:
                    lines.append(words("unrated", activity=activity))
                    continue
                if table.kind[row] == TIME:
                    unit = unit_hours
                else:
                    unit = unit_one if abs(int(valued.measure.values[row])) < two else unit_many
                lines.append(
                    line_row(
                        activity, texts.measure[line], unit, texts.rate[line], texts.product[line]
                    )
                )
            worth = separator.join(lines) or words("no_contribution")
        else:
            activities = grouped.activities[who]
            fill = many_rows["many_one_activity" if activities == 1 else "many"]
            worth = fill(grouped.count(who), activities, grouped.rated[who])
        return explanation_row(worth, texts.value[who], texts.paid[who])

    return explain


# ``unit_one`` (a quantity below 2) and ``many_one_activity`` are the singulars French needs;
# English keeps its plural.
PHRASES: Phrases = {
    "en": {
        "explanation": "{worth}. Value {value}; {tail}; paid {paid}.",
        "line": "{activity}: {measure} {unit} × {rate} = {product}",
        "unrated": "{activity}: no rate, counts 0",
        "separator": "; ",
        "no_activity": "no activity",
        "no_contribution": "no contribution",
        "unit_hours": "h",
        "units": "units",
        "unit_one": "units",
        "many": (
            "{count} contributions in {activities} activities, {rated} of them with a rate, "
            "each worth its hours (or quantity) × its rate"
        ),
        "many_one_activity": (
            "{count} contributions in {activities} activities, {rated} of them with a rate, "
            "each worth its hours (or quantity) × its rate"
        ),
        "scaled": (
            "values total {total} > budget {budget}, so every value is scaled by {percent} %"
        ),
        "covered": "the budget covers every value",
    },
    "fr": {
        "explanation": "{worth}. Valeur : {value} ; {tail} ; versé : {paid}.",
        "line": "{activity} : {measure} {unit} × {rate} = {product}",
        "unrated": "{activity} : aucun tarif, compte pour 0",
        "separator": " ; ",
        "no_activity": "sans activité",
        "no_contribution": "aucune contribution",
        "unit_hours": "h",
        "units": "unités",
        "unit_one": "unité",
        "many": (
            "{count} contributions dans {activities} activités, dont {rated} avec un tarif, "
            "chacune valant ses heures (ou sa quantité) × son tarif"
        ),
        "many_one_activity": (
            "{count} contributions dans {activities} activité, dont {rated} avec un tarif, "
            "chacune valant ses heures (ou sa quantité) × son tarif"
        ),
        "scaled": (
            "le total des valeurs, {total}, dépasse le budget de {budget} : chaque valeur est "
            "réduite au prorata, à {percent} % de son montant"
        ),
        "covered": "le budget couvre toutes les valeurs",
    },
}
