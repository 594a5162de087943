"""Rate grid (barème): each contribution is worth its hours (or quantity) × its activity's rate.

value_i = Σ over i's contributions of (hours for time, else quantity) × rate, where the rate
is the grid's rate for the activity, or — with ``self_set`` — the contribution's own rate
when it has one. If Σ value exceeds the budget, everyone is scaled down pro rata; otherwise
each gets their value (the exact total rounded down to the minor unit, split in proportion to
the exact values) and the rest stays unallocated. A contribution with no rate counts for
nothing and is listed under ``unrated``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from partage.core.models.base import (
    Contribution,
    ModelResult,
    Spec,
    check_params,
    money_text,
    number_text,
    pay_values,
    refuse,
    result,
)
from partage.core.models.spec import money, text


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


def measure(c: Contribution) -> Fraction:
    """Hours for time, else quantity: what a rate multiplies."""
    value = c.hours if c.kind == "time" else c.quantity
    return Fraction(value or 0)


def run(spec: Spec, params: Mapping[str, Any], path: str) -> ModelResult:
    check_params(params, {"rates", "self_set"}, path)
    rates = rates_of(spec, params, path)
    self_set = params.get("self_set", False)
    if not isinstance(self_set, bool):
        raise refuse(f"{path}.self_set", "must be true or false", "spec.not_a_boolean")
    values: dict[str, Fraction] = defaultdict(Fraction)
    lines: dict[str, list[str]] = defaultdict(list)
    unrated: list[str] = []
    for index, c in enumerate(spec.contributions):
        rate = c.rate if self_set and c.rate is not None else rates.get(c.activity)
        values.setdefault(c.recipient, Fraction(0))
        if rate is None:
            unrated.append(f"contributions[{index}] ({c.activity or 'no activity'})")
            lines[c.recipient].append(f"{c.activity or 'no activity'}: no rate, counts 0")
            continue
        amount = measure(c) * rate
        values[c.recipient] += amount
        unit = "h" if c.kind == "time" else "units"
        lines[c.recipient].append(
            f"{c.activity}: {number_text(measure(c))} {unit} × {money_text(rate, spec.currency)}"
            f" = {money_text(amount, spec.currency)}"
        )
    allocations, unallocated, scaled = pay_values(spec.budget, values)
    total = sum(values.values(), Fraction(0))
    explanations = {}
    for name, paid in allocations.items():
        worth = "; ".join(lines[name]) or "no contribution"
        if scaled:
            tail = (
                f"values total {money_text(total, spec.currency)} > budget "
                f"{money_text(spec.budget, spec.currency)}, so every value is scaled by "
                f"{number_text(spec.budget / total * 100, 4)} %"
            )
        else:
            tail = "the budget covers every value"
        explanations[name] = (
            f"{worth}. Value {money_text(values[name], spec.currency)}; {tail}; "
            f"paid {money_text(paid, spec.currency)}."
        )
    extras = {"scaled_down": scaled, "unrated": unrated} if unrated else {"scaled_down": scaled}
    return result("rate_grid", spec.budget, allocations, unallocated, explanations, extras)
