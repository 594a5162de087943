"""Contributions as columns: integer arrays that models can sum a million rows of at once.

Every decimal column is kept exactly as integers over a power of ten (``ScaledColumn``:
hours 2.5 with scale 10 is 25). Sums and products are done in 64-bit integers only when
the column bounds prove they cannot overflow; otherwise in Python's unbounded integers.
Either way the result is exact: vectorising changes the speed, never an amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from partage.core.models.base import KINDS, Contribution

Ints = npt.NDArray[np.int64]
Column = npt.NDArray[np.int64] | npt.NDArray[np.object_]
SAFE = 2**62  # below this, a sum of two values still fits a signed 64-bit integer


@dataclass(frozen=True, slots=True)
class ScaledColumn:
    """``values[i] / scale`` is row i's exact value; ``present[i]`` says whether it was given."""

    values: Column
    scale: int
    present: npt.NDArray[np.bool_]

    def rescaled(self, scale: int) -> ScaledColumn:
        """The same values over a larger power of ten."""
        assert scale % self.scale == 0
        factor = scale // self.scale
        return ScaledColumn(multiply(self.values, factor), scale, self.present)

    def fraction(self, i: int) -> Fraction:
        return Fraction(int(self.values[i]), self.scale)


def multiply(values: Column, factor: int | Column) -> Column:
    """Exact elementwise product, in int64 when the bounds prove it cannot overflow."""
    if isinstance(factor, np.ndarray):
        bound = _bound(values) * _bound(factor)
        if bound < SAFE and values.dtype != object and factor.dtype != object:
            return values * factor
        product: Column = values.astype(object) * factor.astype(object)
        return product
    if _bound(values) * abs(factor) < SAFE and values.dtype != object:
        return values * factor
    return values.astype(object) * factor


def _bound(values: Column) -> int:
    if values.size == 0:
        return 0
    return int(max(abs(int(values.max())), abs(int(values.min()))))


def group_sum(index: npt.NDArray[np.int32], values: Column, size: int) -> list[int]:
    """Σ values per group (``index`` names each row's group), exactly."""
    if values.dtype != object and _bound(values) * max(len(values), 1) < SAFE:
        out = np.zeros(size, dtype=np.int64)
        np.add.at(out, index, values)
        return [int(v) for v in out]
    sums = [0] * size
    for group, value in zip(index.tolist(), values.tolist(), strict=True):
        sums[group] += int(value)
    return sums


def scaled(values: Sequence[Decimal | int | Fraction | None]) -> ScaledColumn:
    """A column of exact decimals as integers over the smallest power of ten that holds all."""
    places = 0
    for value in values:
        if isinstance(value, Decimal):
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > places:
                places = -exponent
        elif isinstance(value, Fraction) and value.denominator != 1:
            places = max(places, _places_of(value))
    scale = 10**places
    numerators = [0 if v is None else int(Fraction(v) * scale) for v in values]
    present = np.array([v is not None for v in values], dtype=bool)
    bound = max((abs(n) for n in numerators), default=0)
    array = np.array(numerators, dtype=np.int64 if bound < SAFE else object)
    return ScaledColumn(array, scale, present)


def _places_of(value: Fraction) -> int:
    """Decimal places of a fraction that came from a decimal (its denominator divides 10^p)."""
    places = 0
    while (10**places) % value.denominator:
        places += 1
        if places > 30:
            raise ValueError(f"{value} is not a decimal number")
    return places


@dataclass(frozen=True, slots=True)
class ContributionTable:
    recipients: tuple[str, ...]  # code-point order
    recipient: npt.NDArray[np.int32]
    activities: tuple[str, ...]
    activity: npt.NDArray[np.int32]
    kind: npt.NDArray[np.int8]  # index into base.KINDS
    hours: ScaledColumn
    quantity: ScaledColumn
    rate: ScaledColumn  # minor units per hour or unit
    amount: Ints  # minor units

    def __len__(self) -> int:
        return len(self.recipient)

    def rows_of(self, recipient: int) -> list[int]:
        return [int(i) for i in np.flatnonzero(self.recipient == recipient)]


def table_of(contributions: Sequence[Contribution]) -> ContributionTable:
    recipients = tuple(sorted({c.recipient for c in contributions}))
    activities = tuple(sorted({c.activity for c in contributions}))
    where = {name: i for i, name in enumerate(recipients)}
    which = {name: i for i, name in enumerate(activities)}
    kinds = {kind: i for i, kind in enumerate(KINDS)}
    return ContributionTable(
        recipients=recipients,
        recipient=np.array([where[c.recipient] for c in contributions], dtype=np.int32),
        activities=activities,
        activity=np.array([which[c.activity] for c in contributions], dtype=np.int32),
        kind=np.array([kinds[c.kind] for c in contributions], dtype=np.int8),
        hours=scaled([c.hours for c in contributions]),
        quantity=scaled([c.quantity for c in contributions]),
        rate=scaled([c.rate for c in contributions]),
        amount=np.array([c.amount for c in contributions], dtype=np.int64),
    )
