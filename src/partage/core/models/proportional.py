"""Proportional: the budget split by weights, given or summed from contributions.

Share_i = budget × w_i / Σw, by the one allocation function (largest remainder, each share
within one minor unit of exact, ties by recipient in code-point order). Weights are given
(``weights``: {recipient: decimal}) or summed per recipient from the contributions ``by``
``hours``, ``quantity`` or ``amount``. With no weight at all, nothing is paid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from partage.core.models.base import (
    ModelResult,
    Spec,
    check_params,
    money_text,
    number_text,
    refuse,
    result,
    split,
)
from partage.core.models.spec import decimal, text

BY = ("hours", "quantity", "amount")


def weights_of(spec: Spec, params: Mapping[str, Any], path: str) -> tuple[dict[str, Fraction], str]:
    if "weights" in params and "by" in params:
        raise refuse(path, "give either weights or by, not both", "spec.conflict")
    if "weights" in params:
        raw = params["weights"]
        if not isinstance(raw, Mapping) or not raw:
            raise refuse(f"{path}.weights", "must map recipients to weights", "spec.not_an_object")
        return {
            text(name, f"{path}.weights"): Fraction(decimal(w, f"{path}.weights.{name}"))
            for name, w in raw.items()
        }, "weight"
    by = params.get("by", "hours")
    if by not in BY:
        raise refuse(f"{path}.by", f"must be one of {', '.join(BY)}", "spec.bad_choice")
    totals: dict[str, Fraction] = defaultdict(Fraction)
    for c in spec.contributions:
        value: Decimal | int | None = (
            c.hours if by == "hours" else c.quantity if by == "quantity" else c.amount
        )
        totals[c.recipient] += Fraction(value or 0)
    return dict(totals), by


def run(spec: Spec, params: Mapping[str, Any], path: str) -> ModelResult:
    check_params(params, {"weights", "by"}, path)
    weights, unit = weights_of(spec, params, path)
    total = sum(weights.values(), Fraction(0))
    if total == 0:
        nothing = dict.fromkeys(weights, 0)
        why = dict.fromkeys(weights, "No weight was recorded for anyone, so nothing is split.")
        return result("proportional", spec.budget, nothing, spec.budget, why)
    shares = split(spec.budget, weights)
    budget_text = money_text(spec.budget, spec.currency)

    def show(w: Fraction) -> str:
        return money_text(w, spec.currency) if unit == "amount" else number_text(w)

    explanations = {
        name: (
            f"{unit} {show(weights[name])} of {show(total)} "
            f"({number_text(weights[name] / total * 100, 2)} %) × budget {budget_text} = "
            f"{money_text(weights[name] * spec.budget / total, spec.currency)}, "
            f"rounded by largest remainder to {money_text(shares[name], spec.currency)}."
        )
        for name in shares
    }
    return result("proportional", spec.budget, shares, 0, explanations)
