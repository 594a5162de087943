"""Grain: SourceCred's policies for paying a budget over a time series of scores (cred).

Each recipient has one score per interval, oldest first (``spec.scores``). ``lookback`` keeps
the last k intervals (default: all of them; for ``immediate``: 1). A recipient's score is the
sum of their intervals in the lookback.

* ``immediate`` — split the budget in proportion to the scores;
* ``recent`` — split it in proportion to a decayed score: over the lookback intervals,
  oldest first, acc ← acc × (1 − discount) + score (``discount`` in [0, 1]; a discount of 1
  keeps only the last interval, like ``immediate``);
* ``balanced`` — pay who is most underpaid: target_i = (Σ paid + budget) × score_i / Σ score,
  and the budget is split in proportion to max(0, target_i − paid_i), where paid_i is what
  ``spec.paid`` says they were already paid. Anyone in ``paid`` without a score has score 0:
  what they were paid still counts in Σ paid, and they get nothing more.

Unlike SourceCred (floating-point multiplications, leftover to the last recipient), the
arithmetic is exact — scores are scaled to whole numbers — and every split goes through the
one allocation function: the amounts sum to the budget, each within one minor unit of its
exact share, ties broken by recipient in code-point order. With no score at all, nothing is
paid and the whole budget stays unallocated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from partage.core.allocation import allocate
from partage.core.models.base import (
    Explanations,
    ModelResult,
    Spec,
    check_params,
    money_text,
    number_text,
    ordered,
    refuse,
    result,
)
from partage.core.models.spec import decimal
from partage.core.money import format_minor

POLICIES = ("immediate", "recent", "balanced")


def lookback_of(params: Mapping[str, Any], policy: str, intervals: int, path: str) -> int:
    if "lookback" not in params:
        return min(1, intervals) if policy == "immediate" else intervals
    value = params["lookback"]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise refuse(
            f"{path}.lookback",
            "must be a whole number of intervals, 1 or more",
            "spec.bad_lookback",
        )
    return min(value, intervals)


def discount_of(params: Mapping[str, Any], policy: str, path: str) -> Fraction:
    if policy != "recent":
        if "discount" in params:
            raise refuse(
                f"{path}.discount", "applies only to the recent policy", "spec.not_applicable"
            )
        return Fraction(0)
    if "discount" not in params:
        raise refuse(
            f"{path}.discount", "is required for the recent policy (0 to 1)", "spec.required"
        )
    value = decimal(params["discount"], f"{path}.discount")
    if value > 1:
        raise refuse(f"{path}.discount", "must be between 0 and 1", "spec.out_of_range")
    return Fraction(value)


def scaled(series: Mapping[str, Sequence[Decimal]]) -> tuple[dict[str, list[int]], int]:
    """Every score as a whole number over one common scale 10^e (exact, no rounding)."""
    places = 0
    for values in series.values():
        for v in values:
            exponent = v.as_tuple().exponent
            assert isinstance(exponent, int)
            places = max(places, -exponent)
    scale = 10**places
    whole: dict[str, list[int]] = {}
    for name, values in series.items():
        row = []
        for v in values:
            n, d = v.as_integer_ratio()
            row.append(n * scale // d)
        whole[name] = row
    return whole, scale


def decayed(values: Sequence[int], keep: Fraction) -> tuple[int, int]:
    """acc ← acc × keep + score over ``values`` oldest first, as (numerator, denominator).

    With keep = p/q and n values: acc_n · q^(n−1) = A_n where A_1 = s_1 and
    A_k = A_(k−1) · p + s_k · q^(k−1): whole numbers only.
    """
    p, q = keep.numerator, keep.denominator
    acc = 0
    power = 1
    for k, s in enumerate(values):
        if k:
            acc *= p
            power *= q
        acc += s * power
    return acc, power


def unit_text(minor: Fraction, decimals: int) -> str:
    """An exact amount in the currency's unit: as money when whole, else to 6 more places."""
    if minor.denominator == 1:
        return format_minor(minor.numerator, decimals)
    return number_text(minor / 10**decimals, decimals + 6)


def run(spec: Spec, params: Mapping[str, Any], path: str) -> ModelResult:
    check_params(params, {"policy", "lookback", "discount"}, path)
    policy = params.get("policy")
    if policy not in POLICIES:
        raise refuse(f"{path}.policy", f"must be one of {', '.join(POLICIES)}", "spec.bad_choice")
    lengths = {len(s) for s in spec.scores.values()}
    if len(lengths) > 1:
        raise refuse(
            "scores", "every recipient needs the same number of intervals", "spec.ragged_scores"
        )
    intervals = max(lengths, default=0)
    lookback = lookback_of(params, policy, intervals, path)
    discount = discount_of(params, policy, path)
    whole, scale = scaled(spec.scores)
    window = {name: row[len(row) - lookback :] if lookback else [] for name, row in whole.items()}
    span = f"the last {lookback} of {intervals} interval(s)" if lookback else "no interval"

    # Each recipient's score, exact, and the same scores as whole numbers over one denominator.
    weights: dict[str, int]
    if policy == "recent":
        folded = {n: decayed(row, 1 - discount) for n, row in window.items()}
        weights = {n: a for n, (a, _) in folded.items()}
        # Every row has the same length, so every decayed score has the same denominator.
        denominator = scale * max((b for _, b in folded.values()), default=1)
    else:
        participants = set(window) | (set(spec.paid) if policy == "balanced" else set())
        weights = {n: sum(window.get(n, [])) for n in participants}
        denominator = scale
    scores = {n: Fraction(w, denominator) for n, w in weights.items()}
    score_total = Fraction(sum(weights.values()), denominator)
    names = ordered(weights)
    extras: dict[str, Any] = {
        "policy": policy,
        "lookback": lookback,
        "scores": Explanations(names, lambda n: number_text(scores[n])),
    }
    if not any(weights.values()):
        why = (
            f"No score was recorded in {span}, so nothing is paid and the budget stays unallocated."
        )
        nothing = dict.fromkeys(names, 0)
        return result("grain", spec.budget, nothing, spec.budget, dict.fromkeys(names, why), extras)

    if policy == "balanced":
        pot = sum(spec.paid.values()) + spec.budget
        total = sum(weights.values())
        # target_i − paid_i = (pot × w_i − paid_i × W) / W: split by the whole numerators.
        weights = {n: max(0, pot * w - spec.paid.get(n, 0) * total) for n, w in weights.items()}
        extras["targets"] = Explanations(
            names, lambda n: unit_text(pot * scores[n] / score_total, spec.currency.decimals)
        )
    amounts = allocate(spec.budget, [weights[n] for n in names])
    allocations = dict(zip(names, amounts, strict=True))
    explain = Explainer(spec, policy, span, discount, scores, score_total, weights, allocations)
    explanations = Explanations(names, explain)
    unallocated = spec.budget - sum(amounts)
    return result("grain", spec.budget, allocations, unallocated, explanations, extras)


@dataclass(frozen=True, slots=True)
class Explainer:
    """Sentences a member reads: the score that counted, the formula, the rounding."""

    spec: Spec
    policy: str
    span: str
    discount: Fraction
    scores: Mapping[str, Fraction]
    score_total: Fraction
    weights: Mapping[str, int]  # what the budget is split by, over one common denominator
    allocations: Mapping[str, int]
    split_total: int = field(init=False)
    paid_total: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "split_total", sum(self.weights.values()))
        object.__setattr__(self, "paid_total", sum(self.spec.paid.values()))

    def money(self, minor: int | Fraction) -> str:
        return money_text(minor, self.spec.currency)

    def __call__(self, name: str) -> str:
        score, total = self.scores[name], self.score_total
        percent = f"{number_text(score / total * 100, 2)} %"
        exact = Fraction(self.spec.budget * self.weights[name], self.split_total or 1)
        budget = self.money(self.spec.budget)
        rounding = (
            f"= {self.money(exact)}, rounded by largest remainder to "
            f"{self.money(self.allocations[name])}."
        )
        if self.policy == "immediate":
            return (
                f"Score {number_text(score)} over {self.span}, of a total {number_text(total)} "
                f"({percent}) × budget {budget} {rounding}"
            )
        if self.policy == "recent":
            return (
                f"Decayed score over {self.span}, oldest first, acc × (1 − "
                f"{number_text(self.discount)}) + interval score: {number_text(score)}, of a "
                f"total {number_text(total)} ({percent}) × budget {budget} {rounding}"
            )
        paid_total = self.paid_total
        paid = self.spec.paid.get(name, 0)
        target = (paid_total + self.spec.budget) * score / total
        under = max(Fraction(0), target - paid)
        share = f"{number_text(Fraction(self.weights[name] * 100, self.split_total or 1), 2)} %"
        return (
            f"Score {number_text(score)} over {self.span}, of a total {number_text(total)}; "
            f"target = (paid so far {self.money(paid_total)} + budget {budget}) × {percent} = "
            f"{self.money(target)}; already paid {self.money(paid)}, so underpaid by "
            f"max(0, target − paid) = {self.money(under)}. The budget is split in proportion "
            f"to what each is underpaid ({share} of the total underpaid) × budget {budget} "
            f"{rounding}"
        )
