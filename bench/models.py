"""Allocation models on a million contributions from 100,000 recipients.

rate_grid, proportional and value_equation (10 % to a fund, then 60 % and 30 % shared over
every contribution's equity claim: hours × its own rate) read the same million contributions;
grain/balanced reads 100,000 recipients × 10 intervals of scores, a tenth of them already paid.
For each model: the time and peak memory of its core run on columns, and the ratio to a
straightforward per-row Python implementation of the same model run in this process on the
same data (which must give the same amounts). Run: make bench.
"""

from __future__ import annotations

import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from partage.core.allocation import allocate
from partage.core.currency import iso_currency
from partage.core.models import grain, proportional, rate_grid, value_equation
from partage.core.models.base import KINDS, Spec
from partage.core.models.scores import ScoreMatrix
from partage.core.models.table import ContributionTable, ScaledColumn

ROWS, RECIPIENTS, ACTIVITIES, INTERVALS = 1_000_000, 100_000, 20, 10
BUDGET = 50_000_000  # 500 000.00 EUR in cents


def make_table(seed: int = 3) -> ContributionTable:
    rng = np.random.default_rng(seed)
    recipients = tuple(sorted(f"member-{i:06d}" for i in range(RECIPIENTS)))
    hours = rng.integers(25, 1_000, ROWS, dtype=np.int64)  # hundredths: 0.25 h to 10 h
    recipient = rng.integers(0, RECIPIENTS, ROWS, dtype=np.int32)
    activity = rng.integers(0, ACTIVITIES, ROWS, dtype=np.int32)
    # Each contribution's own rate, 15.000 to 39.999 EUR/h in tenths of a cent (value
    # equations read it; the rate grid, without self_set, does not).
    rate = rng.integers(15_000, 40_000, ROWS, dtype=np.int64)
    return ContributionTable(
        recipients=recipients,
        recipient=recipient,
        activities=tuple(f"activity-{i:02d}" for i in range(ACTIVITIES)),
        activity=activity,
        kind=np.full(ROWS, KINDS.index("time"), dtype=np.int8),
        hours=ScaledColumn(hours, 100, np.ones(ROWS, dtype=bool)),
        quantity=ScaledColumn(np.zeros(ROWS, dtype=np.int64), 1, np.zeros(ROWS, dtype=bool)),
        rate=ScaledColumn(rate, 10, np.ones(ROWS, dtype=bool)),
        amount=np.zeros(ROWS, dtype=np.int64),
    )


def make_scores(seed: int = 5) -> tuple[ScoreMatrix, dict[str, int]]:
    """Scores 0.000 to 99.999 per interval, and what a tenth of the recipients were paid."""
    rng = np.random.default_rng(seed)
    recipients = tuple(sorted(f"member-{i:06d}" for i in range(RECIPIENTS)))
    values = rng.integers(0, 100_000, (RECIPIENTS, INTERVALS), dtype=np.int64)
    chosen = rng.choice(RECIPIENTS, RECIPIENTS // 10, replace=False)
    amounts = rng.integers(0, 1_000_000, len(chosen))  # up to 10 000.00 EUR in cents
    paid = {recipients[i]: int(a) for i, a in zip(chosen.tolist(), amounts.tolist(), strict=True)}
    return ScoreMatrix(recipients, values, 1_000), paid


RATES = {f"activity-{i:02d}": Fraction(1_500 + 125 * i) for i in range(ACTIVITIES)}  # cents/h


def reference_rate_grid(table: ContributionTable) -> dict[str, int]:
    values: dict[str, Fraction] = defaultdict(Fraction)
    for who, what, h in zip(
        table.recipient.tolist(), table.activity.tolist(), table.hours.values.tolist(), strict=True
    ):
        values[table.recipients[who]] += Fraction(h, 100) * RATES[table.activities[what]]
    names = sorted(values)
    total = sum(values.values())
    cap = BUDGET if total > BUDGET else int(total)
    return dict(zip(names, allocate(cap, [values[n] for n in names]), strict=True))


def reference_proportional(table: ContributionTable) -> dict[str, int]:
    hours: dict[str, int] = defaultdict(int)
    for who, h in zip(table.recipient.tolist(), table.hours.values.tolist(), strict=True):
        hours[table.recipients[who]] += h
    names = sorted(hours)
    return dict(zip(names, allocate(BUDGET, [hours[n] for n in names]), strict=True))


BUCKETS = [
    value_equation.Bucket(Fraction(10), "fund"),
    value_equation.Bucket(Fraction(60), None),
    value_equation.Bucket(Fraction(30), None),
]


def reference_value_equation(table: ContributionTable) -> dict[str, int]:
    """Straight buckets over equity claims: each bucket's share of a claim is its value ×
    bucket / Σ claim values; each recipient's exact total is rounded once."""
    values: dict[str, Fraction] = defaultdict(Fraction)
    for who, h, r in zip(
        table.recipient.tolist(),
        table.hours.values.tolist(),
        table.rate.values.tolist(),
        strict=True,
    ):
        values[table.recipients[who]] += Fraction(h, 100) * Fraction(r, 10)
    claimed = sum(values.values(), Fraction(0))
    exact: dict[str, Fraction] = defaultdict(Fraction)
    for bucket in BUCKETS:
        amount = int(bucket.percentage * BUDGET / 100)
        if bucket.recipient is not None:
            exact[bucket.recipient] += amount
            continue
        for name, value in values.items():
            exact[name] += value * amount / claimed
    names = sorted(exact)
    total = sum(exact.values(), Fraction(0))
    cap = BUDGET if total > BUDGET else int(total)
    return dict(zip(names, allocate(cap, [exact[n] for n in names]), strict=True))


def reference_balanced(scores: ScoreMatrix, paid: dict[str, int]) -> dict[str, int]:
    """target_i = (Σ paid + budget) × score_i / Σ score; split by max(0, target_i − paid_i)."""
    score: dict[str, Fraction] = {}
    for name, row in zip(scores.recipients, scores.values.tolist(), strict=True):
        score[name] = sum((Fraction(v, scores.scale) for v in row), Fraction(0))
    total = sum(score.values(), Fraction(0))
    pot = sum(paid.values()) + BUDGET
    names = sorted(score)
    under = [max(Fraction(0), pot * score[n] / total - paid.get(n, 0)) for n in names]
    return dict(zip(names, allocate(BUDGET, under), strict=True))


def measure(run: Callable[[], Any]) -> tuple[Any, float, float]:
    """The result, the time of a plain run, and the peak memory of a second, traced run
    (tracing slows allocation down, so it is not timed)."""
    start = time.perf_counter()
    out = run()
    took = time.perf_counter() - start
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, took, peak


def main() -> None:
    table = make_table()
    spec = Spec(currency=iso_currency("EUR"), budget=BUDGET)
    equity = np.zeros(ROWS, dtype=np.int8)  # every claim is equity
    scores, already_paid = make_scores()
    scored = Spec(currency=iso_currency("EUR"), budget=BUDGET, paid=already_paid)
    cases: dict[str, tuple[Callable[[], Any], Callable[[], dict[str, int]]]] = {
        "rate_grid": (
            lambda: rate_grid.run_table(table, spec, RATES, False).allocations,
            lambda: reference_rate_grid(table),
        ),
        "proportional": (
            lambda: proportional.split_table(table, spec, "hours").allocations,
            lambda: reference_proportional(table),
        ),
        "value_equation": (
            lambda: value_equation.run_table(table, equity, spec, "straight", BUCKETS).allocations,
            lambda: reference_value_equation(table),
        ),
        "grain/balanced": (
            lambda: grain.run_scores(scores, scored, policy="balanced", lookback=10).allocations,
            lambda: reference_balanced(scores, already_paid),
        ),
    }
    print(
        f"{ROWS:,} contributions from {RECIPIENTS:,} recipients ({RECIPIENTS:,} × {INTERVALS} "
        f"scores for grain), budget {BUDGET / 100:,.2f} EUR"
    )
    for name, (core, reference) in cases.items():
        got, took, peak = measure(core)
        start = time.perf_counter()
        expected = reference()
        ref_took = time.perf_counter() - start
        # The columns list every member, the per-row reference only those with a row.
        listed = {who: amount for who, amount in got.items() if amount or who in expected}
        assert listed == expected, f"{name} differs from its reference"
        print(
            f"{name:<15} core {took:6.3f} s, peak {peak:7.1f} MiB | per-row reference "
            f"{ref_took:6.3f} s | ratio {took / ref_took:5.3f} (same amounts)"
        )


if __name__ == "__main__":
    main()
