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

``run`` reads the spec into a score matrix (``scores``: recipients × intervals, exact integers
over one power of ten) and ``run_scores`` computes on its columns: window sums, the decayed
fold and the balanced targets in 64-bit integers when their bounds are proven, else in
Python's integers. Explanations and per-recipient extras are written only when read.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from partage.core.allocation import allocate
from partage.core.models.base import (
    Explanations,
    ModelResult,
    Spec,
    TextColumn,
    check_params,
    money_ratio,
    number_text,
    ratio_text,
    refuse,
    result,
)
from partage.core.models.scores import ScoreMatrix, bound, fits, score_matrix
from partage.core.models.spec import decimal
from partage.core.models.table import SAFE, Column, multiply
from partage.core.models.wording import (
    Phrases,
    Words,
    money_texts,
    percent_texts,
    ratio_texts,
)

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


def run(spec: Spec, params: Mapping[str, Any], path: str) -> ModelResult:
    check_params(params, {"policy", "lookback", "discount"}, path)
    policy = params.get("policy")
    if policy not in POLICIES:
        raise refuse(f"{path}.policy", f"must be one of {', '.join(POLICIES)}", "spec.bad_choice")
    scores = scores_of(spec)
    lookback = lookback_of(params, policy, scores.intervals, path)
    discount = discount_of(params, policy, path)
    return run_scores(scores, spec, policy=policy, lookback=lookback, discount=discount)


def scores_of(spec: Spec) -> ScoreMatrix:
    """The spec's scores as a matrix: read from columns (a file), or from ``spec.scores``."""
    found = spec.cache.get("score_matrix")
    if found is None:
        lengths = {len(s) for s in spec.scores.values()}
        if len(lengths) > 1:
            raise refuse(
                "scores", "every recipient needs the same number of intervals", "spec.ragged_scores"
            )
        found = score_matrix(spec.scores)
        spec.cache["score_matrix"] = found
    assert isinstance(found, ScoreMatrix)
    return found


def window_sums(scores: ScoreMatrix, lookback: int) -> Column:
    """Each recipient's score: the sum of their last ``lookback`` intervals (× scale)."""
    window = scores.values[:, scores.intervals - lookback :]
    if fits(window, bound(window) * max(lookback, 1)):
        sums: Column = window.sum(axis=1, dtype=np.int64)
        return sums
    exact: Column = np.array([sum(row, 0) for row in window.tolist()], dtype=object)
    return exact


def decayed_sums(scores: ScoreMatrix, lookback: int, keep: Fraction) -> tuple[Column, int]:
    """acc ← acc × keep + score over the last ``lookback`` intervals, oldest first, for every
    recipient at once, as whole numerators over one denominator (× scale).

    With keep = p/q and n intervals: acc_n · q^(n−1) = A_n where A_1 = s_1 and
    A_k = A_(k−1) · p + s_k · q^(k−1): whole numbers only, over the denominator q^(n−1).
    |A_n| ≤ max|s| · n · max(p, q)^(n−1) bounds every step: in 64 bits only below 2^62.
    """
    if lookback == 0:
        return np.zeros(len(scores.recipients), dtype=np.int64), 1
    p, q = keep.numerator, keep.denominator
    window = scores.values[:, scores.intervals - lookback :]
    # max(…, 1): the factors p and q^(k) must fit too, even over scores that are all 0.
    growth = max(bound(window), 1) * lookback * max(p, q) ** (lookback - 1)
    columns = window if fits(window, growth) else window.astype(object)
    acc: Column = columns[:, 0].copy()
    power = 1
    for k in range(1, lookback):
        power *= q
        acc = acc * p + columns[:, k] * power
    return acc, power


def total_of(values: Column) -> int:
    """Σ values, exactly."""
    if fits(values, bound(values) * max(len(values), 1)):
        return int(values.sum())
    return int(sum(values.tolist(), 0))


def with_paid(
    names: tuple[str, ...], weights: Column, paid: Mapping[str, int]
) -> tuple[tuple[str, ...], Column]:
    """Recipients in ``paid`` without a score join with score 0, in code-point order."""
    missing = sorted(name for name in paid if not _has(names, name))
    if not missing:
        return names, weights
    at = [bisect_left(names, name) for name in missing]
    merged = list(names)
    for offset, (position, name) in enumerate(zip(at, missing, strict=True)):
        merged.insert(position + offset, name)
    inserted: Column = np.insert(weights, at, 0)  # type: ignore[assignment]
    return tuple(merged), inserted


def _has(names: Sequence[str], name: str) -> bool:
    i = bisect_left(names, name)
    return i < len(names) and names[i] == name


def paid_column(names: tuple[str, ...], paid: Mapping[str, int]) -> Column:
    """What each recipient was already paid, aligned with ``names`` (every paid name is one)."""
    top = max((abs(v) for v in paid.values()), default=0)
    column: Column = np.zeros(len(names), dtype=np.int64 if top < SAFE else object)
    for name, amount in paid.items():
        column[bisect_left(names, name)] = amount
    return column


def underpaid(weights: Column, paid: Column, pot: int, total: int) -> Column:
    """max(0, pot × w_i − paid_i × W): what each is underpaid, × W (the score total)."""
    # max(…, 1): pot and W must fit too, even when no one was paid.
    if fits(weights, pot * max(bound(weights), 1)) and fits(paid, max(bound(paid), 1) * total):
        under: Column = weights * pot - paid * total
        np.maximum(under, 0, out=under)
        return under
    exact: Column = np.maximum(weights.astype(object) * pot - paid.astype(object) * total, 0)
    return exact


def run_scores(
    scores: ScoreMatrix,
    spec: Spec,
    *,
    policy: str,
    lookback: int,
    discount: Fraction = Fraction(0),
) -> ModelResult:
    """The core run over a score matrix; ``spec`` gives the budget, currency and ``paid``."""
    assert policy in POLICIES
    intervals = scores.intervals
    lookback = min(lookback, intervals)
    words = Words(PHRASES, spec.language)
    span = words("span", lookback=lookback, intervals=intervals) if lookback else words("no_span")
    names = scores.recipients
    # Each recipient's score as a whole number over one denominator.
    weights: Column
    if policy == "recent":
        weights, power = decayed_sums(scores, lookback, 1 - discount)
        denominator = scores.scale * power
    else:
        weights = window_sums(scores, lookback)
        denominator = scores.scale
        if policy == "balanced":
            names, weights = with_paid(names, weights, spec.paid)
    total = total_of(weights)
    at = _Index(names)
    extras: dict[str, Any] = {
        "policy": policy,
        "lookback": lookback,
        "scores": TextColumn(names, lambda: ratio_texts(weights, denominator)),
    }
    if total == 0:
        why = words("none", span=span)
        nothing = dict.fromkeys(names, 0)
        return result(
            "grain", spec.budget, nothing, spec.budget, Explanations(names, lambda _: why), extras
        )

    split = weights
    paid_total = sum(spec.paid.values())
    if policy == "balanced":
        pot = paid_total + spec.budget
        # target_i − paid_i = (pot × w_i − paid_i × W) / W: split by the whole numerators.
        split = underpaid(weights, paid_column(names, spec.paid), pot, total)
        decimals = spec.currency.decimals
        extras["targets"] = TextColumn(
            names,
            lambda: ratio_texts(
                multiply(weights, pot), total * 10**decimals, places=decimals + 6, keep=decimals
            ),
        )
    amounts = allocate(spec.budget, split.tolist())
    allocations = dict(zip(names, amounts, strict=True))
    explain = Explainer(
        spec=spec,
        policy=policy,
        span=span,
        discount=discount,
        at=at,
        weights=weights,
        denominator=denominator,
        total=total,
        split=split,
        split_total=total_of(split),
        paid_total=paid_total,
        allocations=allocations,
    )
    unallocated = spec.budget - sum(amounts)
    return result(
        "grain", spec.budget, allocations, unallocated, TextColumn(names, explain.write), extras
    )


class _Index:
    """A recipient's row, found by bisection in the code-point ordered names."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names

    def __call__(self, name: str) -> int:
        return bisect_left(self.names, name)


class Explainer:
    """Sentences a member reads: the score that counted, the formula, the rounding."""

    def __init__(
        self,
        *,
        spec: Spec,
        policy: str,
        span: str,
        discount: Fraction,
        at: _Index,
        weights: Column,  # each score × denominator
        denominator: int,
        total: int,  # Σ weights
        split: Column,  # what the budget is split by, over one common denominator
        split_total: int,
        paid_total: int,
        allocations: Mapping[str, int],
    ) -> None:
        self.spec, self.policy, self.span, self.discount, self.at = (
            spec,
            policy,
            span,
            discount,
            at,
        )
        self.weights, self.denominator, self.total = weights, denominator, total
        self.split, self.split_total, self.paid_total = split, split_total, paid_total
        self.allocations = allocations
        self.words = Words(PHRASES, spec.language)
        # The same in every sentence: written once.
        self.total_text = self.words.num(ratio_text(total, denominator))
        self.budget_text = self.words.num(self.money(spec.budget))
        self.paid_total_text = self.words.num(self.money(paid_total))

    def money(self, numerator: int, denominator: int = 1) -> str:
        return money_ratio(numerator, denominator, self.spec.currency)

    def write(self) -> list[str]:
        """Every explanation, in the order of the names: the numbers written a column at a
        time, each sentence filled from them (a hundred thousand: well under a second)."""
        cur, names, words = self.spec.currency, self.at.names, self.words
        split_total = self.split_total or 1
        columns = {
            "score": ratio_texts(self.weights, self.denominator),
            "percent": percent_texts(self.weights, self.total),
        }
        rounding = words.row("rounding", ("exact", "paid"))
        exact = money_texts(multiply(self.split, self.spec.budget), split_total, cur)
        paid = money_texts([self.allocations[n] for n in names], 1, cur)
        columns["rounding"] = [
            rounding(e, p) for e, p in zip(words.nums(exact), words.nums(paid), strict=True)
        ]
        constants = {"span": self.span, "total": self.total_text, "budget": self.budget_text}
        if self.policy == "immediate":
            order: tuple[str, ...] = ("score", "percent", "rounding")
            fill = words.row("immediate", order, **constants)
        elif self.policy == "recent":
            order = ("score", "percent", "rounding")
            discount = words.num(number_text(self.discount))
            fill = words.row("recent", order, discount=discount, **constants)
        else:
            # ``under`` is max(0, pot × w − paid × W) / W: what they are underpaid.
            pot = self.paid_total + self.spec.budget
            columns["target"] = money_texts(multiply(self.weights, pot), self.total, cur)
            columns["already"] = money_texts(paid_column(names, self.spec.paid), 1, cur)
            columns["under"] = money_texts(self.split, self.total, cur)
            columns["share"] = percent_texts(self.split, split_total)
            order = ("score", "percent", "rounding", "target", "already", "under", "share")
            fill = words.row("balanced", order, paid_total=self.paid_total_text, **constants)
        numbers = [columns[key] if key == "rounding" else words.nums(columns[key]) for key in order]
        return [fill(*row) for row in zip(*numbers, strict=True)]


PHRASES: Phrases = {
    "en": {
        "span": "the last {lookback} of {intervals} interval(s)",
        "no_span": "no interval",
        "none": (
            "No score was recorded in {span}, so nothing is paid and the budget stays unallocated."
        ),
        "rounding": "= {exact}, rounded by largest remainder to {paid}.",
        "immediate": (
            "Score {score} over {span}, of a total {total} ({percent}) × budget {budget} {rounding}"
        ),
        "recent": (
            "Decayed score over {span}, oldest first, acc × (1 − {discount}) + interval score: "
            "{score}, of a total {total} ({percent}) × budget {budget} {rounding}"
        ),
        "balanced": (
            "Score {score} over {span}, of a total {total}; target = (paid so far {paid_total} "
            "+ budget {budget}) × {percent} = {target}; already paid {already}, so underpaid "
            "by max(0, target − paid) = {under}. The budget is split in proportion to what "
            "each is underpaid ({share} of the total underpaid) × budget {budget} {rounding}"
        ),
    },
    "fr": {
        "span": "les {lookback} dernière(s) période(s) sur {intervals}",
        "no_span": "aucune période",
        "none": (
            "Aucun score n'a été enregistré sur {span} : rien n'est versé et tout le budget "
            "reste non alloué."
        ),
        "rounding": "= {exact}, arrondi par la méthode du plus fort reste à {paid}.",
        "immediate": (
            "Score {score} sur {span}, sur un total de {total} ({percent}) × budget {budget} "
            "{rounding}"
        ),
        "recent": (
            "Score amorti sur {span}, du plus ancien au plus récent, cumul × (1 − {discount}) "
            "+ score de la période : {score}, sur un total de {total} ({percent}) × budget "
            "{budget} {rounding}"
        ),
        "balanced": (
            "Score {score} sur {span}, sur un total de {total} ; cible = (déjà versé à tous "
            "{paid_total} + budget {budget}) × {percent} = {target} ; déjà reçu {already}, "
            "donc il manque max(0, cible − reçu) = {under}. Le budget est réparti au prorata de "
            "ce qui manque à chacun ({share} du manque total) × budget {budget} {rounding}"
        ),
    },
}
