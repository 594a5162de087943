"""Proportional: the budget split by weights, given or summed from contributions.

Share_i = budget × w_i / Σw, by the one allocation function (largest remainder, each share
within one minor unit of exact, ties by recipient in code-point order). Weights are given
(``weights``: {recipient: decimal}) or summed per recipient from the contributions ``by``
``hours``, ``quantity`` or ``amount``. With no weight at all, nothing is paid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from partage.core.models.base import (
    ModelResult,
    Spec,
    TextColumn,
    check_params,
    money_text,
    refuse,
    result,
    split,
)
from partage.core.models.spec import decimal, text
from partage.core.models.table import (
    Column,
    ContributionTable,
    contribution_table,
    group_sum,
    multiply,
    scaled,
)
from partage.core.models.wording import (
    Phrases,
    Words,
    exact_column,
    money_texts,
    percent_texts,
    ratio_texts,
)

BY = ("hours", "quantity", "amount")


def weights_of(spec: Spec, params: Mapping[str, Any], path: str) -> tuple[dict[str, int], int, str]:
    """Integer weights over a common ``scale`` (exact), and what they measure."""
    if "weights" in params and "by" in params:
        raise refuse(path, "give either weights or by, not both", "spec.conflict")
    if "weights" in params:
        raw = params["weights"]
        if not isinstance(raw, Mapping) or not raw:
            raise refuse(f"{path}.weights", "must map recipients to weights", "spec.not_an_object")
        given = {
            text(name, f"{path}.weights"): decimal(w, f"{path}.weights.{name}")
            for name, w in raw.items()
        }
        column = scaled(list(given.values()))
        return (
            dict(zip(given, (int(v) for v in column.values), strict=True)),
            column.scale,
            "weight",
        )
    by = params.get("by", "hours")
    if by not in BY:
        raise refuse(f"{path}.by", f"must be one of {', '.join(BY)}", "spec.bad_choice")
    weights, scale = summed(contribution_table(spec), by)
    return weights, scale, by


def summed(table: ContributionTable, by: str) -> tuple[dict[str, int], int]:
    """Each recipient's hours, quantity or amount, summed over the columns (× scale)."""
    column: Column
    if by == "amount":
        column, scale = table.amount, 1
    else:
        source = table.hours if by == "hours" else table.quantity
        column, scale = source.values, source.scale
    sums = group_sum(table.recipient, column, len(table.recipients))
    return dict(zip(table.recipients, sums, strict=True)), scale


def run(spec: Spec, params: Mapping[str, Any], path: str) -> ModelResult:
    check_params(params, {"weights", "by"}, path)
    weights, scale, unit = weights_of(spec, params, path)
    return split_weights(spec, weights, scale, unit)


def split_table(table: ContributionTable, spec: Spec, by: str) -> ModelResult:
    weights, scale = summed(table, by)
    return split_weights(spec, weights, scale, by)


def split_weights(spec: Spec, weights: Mapping[str, int], scale: int, unit: str) -> ModelResult:
    total = sum(weights.values())
    names = sorted(weights)
    words = Words(PHRASES, spec.language)
    if total == 0:
        nothing = dict.fromkeys(names, 0)
        why = dict.fromkeys(names, words("none"))
        return result("proportional", spec.budget, nothing, spec.budget, why)
    shares = split(spec.budget, weights)
    currency = spec.currency
    column = [weights[n] for n in names]

    def show(values: list[int]) -> list[str]:
        if unit == "amount":
            return money_texts(values, scale, currency)
        return ratio_texts(values, scale)

    def write() -> list[str]:
        # Every number of every sentence, a column at a time, the first time one is read.
        fill = words.row(
            "share",
            ("weight", "percent", "exact", "paid"),
            unit=words(f"unit_{unit}"),
            total=words.num(show([total])[0]),
            budget=words.num(money_text(spec.budget, currency)),
        )
        fields = zip(
            words.nums(show(column)),
            words.nums(percent_texts(column, total)),
            words.nums(money_texts(multiply(exact_column(column), spec.budget), total, currency)),
            words.nums(money_texts([shares[n] for n in names], 1, currency)),
            strict=True,
        )
        return [fill(*row) for row in fields]

    return result("proportional", spec.budget, shares, 0, TextColumn(names, write))


PHRASES: Phrases = {
    "en": {
        "none": "No weight was recorded for anyone, so nothing is split.",
        "share": (
            "{unit} {weight} of {total} ({percent}) × budget {budget} = {exact}, rounded by "
            "largest remainder to {paid}."
        ),
        "unit_hours": "hours",
        "unit_quantity": "quantity",
        "unit_amount": "amount",
        "unit_weight": "weight",
    },
    "fr": {
        "none": "Aucun poids n'a été enregistré : rien n'est réparti.",
        "share": (
            "{unit} {weight} sur {total} ({percent}) × budget {budget} = {exact}, arrondi par "
            "la méthode du plus fort reste à {paid}."
        ),
        "unit_hours": "heures",
        "unit_quantity": "quantité",
        "unit_amount": "montant",
        "unit_weight": "poids",
    },
}
