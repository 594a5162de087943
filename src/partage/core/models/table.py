"""Contributions as columns: integer arrays that models can sum a million rows of at once.

Every decimal column is kept exactly as integers over a power of ten (``ScaledColumn``:
hours 2.5 with scale 10 is 25). Sums and products are done in 64-bit integers only when
the column bounds prove they cannot overflow; otherwise in Python's unbounded integers.
Either way the result is exact: vectorising changes the speed, never an amount.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from partage.core.models.base import KINDS, Contribution, Spec

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
    if isinstance(factor, int) and factor == 1:
        return values
    if isinstance(factor, np.ndarray):
        largest = bound(values) * bound(factor)
        if largest < SAFE and values.dtype != object and factor.dtype != object:
            return values * factor
        product: Column = values.astype(object) * factor.astype(object)
        return product
    # The factor itself must fit too: numpy cannot even hold a Python int beyond 64 bits.
    if abs(factor) < SAFE and bound(values) * abs(factor) < SAFE and values.dtype != object:
        return values * factor
    return values.astype(object) * factor


def bound(values: Column) -> int:
    """The largest absolute value of a column (0 when empty)."""
    if values.size == 0:
        return 0
    return int(max(abs(int(values.max())), abs(int(values.min()))))


def add(a: Column, b: Column) -> Column:
    """Exact elementwise sum, in int64 when both columns are int64 and below 2^62."""
    if a.dtype != object and b.dtype != object and bound(a) < SAFE and bound(b) < SAFE:
        total: Column = a + b
        return total
    exact: Column = a.astype(object) + b.astype(object)
    return exact


def group_sum(index: npt.NDArray[np.int32], values: Column, size: int) -> list[int]:
    """Σ values per group (``index`` names each row's group), exactly."""
    if values.dtype != object and bound(values) * max(len(values), 1) < SAFE:
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
    numerators = [_numerator(v, places, scale) for v in values]
    present = np.array([v is not None for v in values], dtype=bool)
    largest = max((abs(n) for n in numerators), default=0)
    array = np.array(numerators, dtype=np.int64 if largest < SAFE else object)
    return ScaledColumn(array, scale, present)


def _numerator(value: Decimal | int | Fraction | None, places: int, scale: int) -> int:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        # An exact ratio, with no Decimal context (whose precision would round long numbers).
        numerator, denominator = value.as_integer_ratio()
        whole, rest = divmod(numerator * scale, denominator)
        assert rest == 0
        return whole
    if isinstance(value, int):
        return value * scale
    exact = value * scale
    assert exact.denominator == 1
    return exact.numerator


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


def contribution_table(spec: Spec) -> ContributionTable:
    """The spec's contributions as columns, built once and shared by every model."""
    found = spec.cache.get("contribution_table")
    if found is None:
        found = table_of(spec.contributions)
        spec.cache["contribution_table"] = found
    assert isinstance(found, ContributionTable)
    return found


def claim_type_names(spec: Spec) -> Sequence[str]:
    """Each contribution's claim type, without making an object per row when they are columns."""
    rows = spec.contributions
    if isinstance(rows, RowsOfTable):
        return rows.claim_types or ["equity"] * len(rows)
    return [c.claim_type for c in rows]


def contribution_ids(spec: Spec) -> Sequence[str]:
    rows = spec.contributions
    if isinstance(rows, RowsOfTable):
        return rows.ids or [""] * len(rows)
    return [c.id for c in rows]


class RowsOfTable(Sequence[Contribution]):
    """The contributions of a table read as objects, one row at a time, for the models that
    walk them row by row; models on columns use the table itself."""

    def __init__(
        self,
        table: ContributionTable,
        ids: Sequence[str] | None = None,
        claim_types: Sequence[str] | None = None,
    ) -> None:
        self.table = table
        self.ids = ids
        self.claim_types = claim_types

    def __len__(self) -> int:
        return len(self.table)

    def _row(self, i: int) -> Contribution:
        t = self.table

        def maybe(column: ScaledColumn) -> Decimal | None:
            if not column.present[i]:
                return None
            return Decimal(int(column.values[i])).scaleb(-_exponent(column.scale))

        return Contribution(
            recipient=t.recipients[t.recipient[i]],
            activity=t.activities[t.activity[i]],
            kind=KINDS[t.kind[i]],
            hours=maybe(t.hours),
            quantity=maybe(t.quantity),
            rate=t.rate.fraction(i) if t.rate.present[i] else None,
            amount=int(t.amount[i]),
            claim_type=self.claim_types[i] if self.claim_types else "equity",
            id=self.ids[i] if self.ids else "",
        )

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        if isinstance(index, slice):
            return [self._row(i) for i in range(len(self))[index]]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._row(index)

    def __iter__(self) -> Iterator[Contribution]:
        return (self._row(i) for i in range(len(self)))


def _exponent(scale: int) -> int:
    return len(str(scale)) - 1
