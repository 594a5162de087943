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


def _explainer(
    table: ContributionTable,
    spec: Spec,
    valued: Valued,
    allocations: Mapping[str, int],
    scaled_down: bool,
    total: int,
) -> Any:
    rows_by_recipient: list[list[int]] | None = None
    index = {name: i for i, name in enumerate(table.recipients)}
    currency = spec.currency

    def money(numerator: int, denominator: int) -> str:
        return money_ratio(numerator, denominator, currency)

    m_scale, r_scale = valued.measure.scale, valued.rate.scale
    tail_text = (
        f"values total {money(total, valued.scale)} > budget "
        f"{money_text(spec.budget, currency)}, so every value is scaled by "
        f"{ratio_text(spec.budget * valued.scale * 100, total or 1, places=4)} %"
        if scaled_down
        else "the budget covers every value"
    )

    def explain(name: str) -> str:
        nonlocal rows_by_recipient
        if rows_by_recipient is None:
            # One pass over the rows, the first time any explanation is read.
            rows_by_recipient = [[] for _ in table.recipients]
            for row, who in enumerate(table.recipient.tolist()):
                rows_by_recipient[who].append(row)
        rows = rows_by_recipient[index[name]]
        if len(rows) <= MAX_LINES:
            lines = []
            for row in rows:
                activity = table.activities[table.activity[row]] or "no activity"
                if not valued.rated[row]:
                    lines.append(f"{activity}: no rate, counts 0")
                    continue
                m, r = int(valued.measure.values[row]), int(valued.rate.values[row])
                unit = "h" if table.kind[row] == TIME else "units"
                lines.append(
                    f"{activity}: {ratio_text(m, m_scale)} {unit} × {money(r, r_scale)}"
                    f" = {money(m * r, m_scale * r_scale)}"
                )
            worth = "; ".join(lines) or "no contribution"
        else:
            rated = sum(1 for row in rows if valued.rated[row])
            kinds = len({int(table.activity[row]) for row in rows})
            worth = (
                f"{len(rows)} contributions in {kinds} activities, {rated} of them with a rate, "
                f"each worth its hours (or quantity) × its rate"
            )
        own = valued.values[index[name]]
        return (
            f"{worth}. Value {money(own, valued.scale)}; {tail_text}; "
            f"paid {money_text(allocations[name], currency)}."
        )

    return explain
