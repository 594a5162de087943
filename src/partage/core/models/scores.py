"""Scores as a matrix: one row per recipient, one column per interval, exact integers.

``values[i, t] / scale`` is recipient i's exact score in interval t (oldest first), with
``scale`` one power of ten for the whole matrix; recipients are in ascending code-point order,
the order the allocation function breaks ties by. The matrix is 64-bit integers when every
value is below 2^62, else Python's unbounded integers. Sums and folds over it check their own
bounds (``fits``) before they use 64-bit arithmetic: vectorising changes the speed, never a
score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import lcm

import numpy as np

from partage.core.models.table import SAFE, Column


@dataclass(frozen=True, slots=True)
class ScoreMatrix:
    recipients: tuple[str, ...]  # code-point order
    values: Column  # recipients × intervals, over ``scale``
    scale: int

    @property
    def intervals(self) -> int:
        return int(self.values.shape[1])


def bound(values: Column) -> int:
    """The largest absolute value (0 for an empty array)."""
    if values.size == 0:
        return 0
    return int(max(abs(int(values.max())), abs(int(values.min()))))


def fits(values: Column, limit: int) -> bool:
    """Whether ``values`` are 64-bit and ``limit`` (a bound of what will be computed from them)
    stays below 2^62."""
    return values.dtype != object and limit < SAFE


def score_matrix(series: Mapping[str, Sequence[Decimal]]) -> ScoreMatrix:
    """Every score as a whole number over the smallest power of ten that holds them all.

    Each series must have the same number of intervals (the spec refuses ragged scores).
    """
    recipients = tuple(sorted(series))
    lengths = {len(series[name]) for name in recipients}
    assert len(lengths) <= 1, "every recipient needs the same number of intervals"
    intervals = lengths.pop() if lengths else 0
    ratios = [v.as_integer_ratio() for name in recipients for v in series[name]]
    denominators = {d for _, d in ratios}
    common = lcm(*denominators) if denominators else 1
    scale = 1
    while scale % common:
        scale *= 10
    factor = {d: scale // d for d in denominators}
    numerators = [n * factor[d] for n, d in ratios]
    top = max((abs(n) for n in numerators), default=0)
    array = np.array(numerators, dtype=np.int64 if top < SAFE else object)
    return ScoreMatrix(recipients, array.reshape(len(recipients), intervals), scale)
