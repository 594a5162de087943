"""Allocation models on a million contributions from 100,000 recipients.

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
from partage.core.models import proportional, rate_grid
from partage.core.models.base import KINDS, Spec
from partage.core.models.table import ContributionTable, ScaledColumn

ROWS, RECIPIENTS, ACTIVITIES = 1_000_000, 100_000, 20
BUDGET = 50_000_000  # 500 000.00 EUR in cents


def make_table(seed: int = 3) -> ContributionTable:
    rng = np.random.default_rng(seed)
    recipients = tuple(sorted(f"member-{i:06d}" for i in range(RECIPIENTS)))
    hours = rng.integers(25, 1_000, ROWS, dtype=np.int64)  # hundredths: 0.25 h to 10 h
    return ContributionTable(
        recipients=recipients,
        recipient=rng.integers(0, RECIPIENTS, ROWS, dtype=np.int32),
        activities=tuple(f"activity-{i:02d}" for i in range(ACTIVITIES)),
        activity=rng.integers(0, ACTIVITIES, ROWS, dtype=np.int32),
        kind=np.full(ROWS, KINDS.index("time"), dtype=np.int8),
        hours=ScaledColumn(hours, 100, np.ones(ROWS, dtype=bool)),
        quantity=ScaledColumn(np.zeros(ROWS, dtype=np.int64), 1, np.zeros(ROWS, dtype=bool)),
        rate=ScaledColumn(np.zeros(ROWS, dtype=np.int64), 1, np.zeros(ROWS, dtype=bool)),
        amount=np.zeros(ROWS, dtype=np.int64),
    )


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
    cases = {
        "rate_grid": (
            lambda: rate_grid.run_table(table, spec, RATES, False).allocations,
            lambda: reference_rate_grid(table),
        ),
        "proportional": (
            lambda: proportional.split_table(table, spec, "hours").allocations,
            lambda: reference_proportional(table),
        ),
    }
    print(f"{ROWS:,} contributions from {RECIPIENTS:,} recipients, budget {BUDGET / 100:,.2f} EUR")
    for name, (core, reference) in cases.items():
        got, took, peak = measure(core)
        start = time.perf_counter()
        expected = reference()
        ref_took = time.perf_counter() - start
        # The columns list every member, the per-row reference only those with a row.
        paid = {who: amount for who, amount in got.items() if amount or who in expected}
        assert paid == expected, f"{name} differs from its reference"
        print(
            f"{name:<13} core {took:6.3f} s, peak {peak:7.1f} MiB | per-row reference "
            f"{ref_took:6.3f} s | ratio {took / ref_took:5.3f} (same amounts)"
        )


if __name__ == "__main__":
    main()
