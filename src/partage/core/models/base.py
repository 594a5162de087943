"""What every allocation model reads and returns, and the two ways a model pays out.

A model reads a :class:`Spec` (the data of a collective: contributions, gifts, funding,
scores, what was paid, claims) and returns a :class:`ModelResult`: per recipient an amount
in minor units and an explanation a member can read, plus what stayed unallocated.

Guarantees, asserted by :func:`result`: every amount is a non-negative integer of minor
units, the amounts sum to the budget minus the unallocated part, and recipients are listed
in ascending code-point order — the order the allocation function breaks ties by.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from partage.core.allocation import allocate
from partage.core.currency import Currency
from partage.core.errors import InvalidInput
from partage.core.money import format_minor

KINDS = ("time", "cash", "non_cash", "use")
CLAIM_TYPES = ("equity", "debt", "once")


@dataclass(frozen=True, slots=True)
class Contribution:
    """One recorded contribution; amounts and rates are exact (minor units as Fractions)."""

    recipient: str
    activity: str = ""
    kind: str = "time"
    hours: Decimal | None = None
    quantity: Decimal | None = None
    rate: Fraction | None = None  # minor units per hour (time) or per unit
    amount: int = 0  # minor units (cash, non-cash value)
    market_salary: int | None = None  # minor units per year
    paid_salary: int | None = None  # minor units per year
    claim_type: str = "equity"
    id: str = ""


@dataclass(frozen=True, slots=True)
class Gift:
    giver: str
    receiver: str
    points: int


@dataclass(frozen=True, slots=True)
class Funding:
    funder: str
    project: str
    amount: int


@dataclass(frozen=True, slots=True)
class RoundClaim:
    recipient: str
    amount: int
    accepted_at: datetime


@dataclass(frozen=True, slots=True)
class Spec:
    currency: Currency
    budget: int
    contributions: Sequence[Contribution] = ()
    gifts: tuple[Gift, ...] = ()
    funding: tuple[Funding, ...] = ()
    scores: Mapping[str, tuple[Decimal, ...]] = field(default_factory=dict)
    paid: Mapping[str, int] = field(default_factory=dict)
    claims: tuple[RoundClaim, ...] = ()
    models: tuple[Mapping[str, Any], ...] = ()
    language: str = "en"  # the language explanations are written in: en or fr
    # What models derive from the data once and share (the contributions as columns).
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False, hash=False)


@dataclass(frozen=True, slots=True)
class ModelResult:
    model: str
    budget: int
    allocations: Mapping[str, int]
    unallocated: int
    explanations: Mapping[str, str]
    extras: Mapping[str, Any] = field(default_factory=dict)

    @property
    def paid(self) -> int:
        return sum(self.allocations.values())


class Explanations(Mapping[str, str]):
    """Explanations written only when read: a million recipients are not all read at once."""

    def __init__(self, names: Sequence[str], explain: Callable[[str], str]) -> None:
        self._names = list(names)
        self._known = set(self._names)
        self._explain = explain

    def __getitem__(self, name: str) -> str:
        if name not in self._known:
            raise KeyError(name)
        return self._explain(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class TextColumn(Mapping[str, str]):
    """A text per recipient (names in code-point order), all written the first time any is
    read: one column operation instead of one small computation per recipient."""

    def __init__(self, names: Sequence[str], write: Callable[[], list[str]]) -> None:
        self._names = names
        self._write = write
        self._texts: list[str] | None = None

    def texts(self) -> list[str]:
        if self._texts is None:
            self._texts = self._write()
            assert len(self._texts) == len(self._names)
        return self._texts

    def __getitem__(self, name: str) -> str:
        at = bisect_left(self._names, name)
        if at == len(self._names) or self._names[at] != name:
            raise KeyError(name)
        return self.texts()[at]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def as_dict(self) -> dict[str, str]:
        """Every text at once, without a lookup per name."""
        return dict(zip(self._names, self.texts(), strict=True))


def ordered(values: Mapping[str, Any]) -> list[str]:
    """Recipients in ascending code-point order: the order ties are broken by."""
    return sorted(values)


def split(total: int, weights: Mapping[str, Fraction | int | Decimal]) -> dict[str, int]:
    """``total`` split in proportion to ``weights`` by the one allocation function."""
    names = ordered(weights)
    if not names:
        return {}
    if total and not any(weights[n] for n in names):
        return dict.fromkeys(names, 0)
    shares = allocate(total, [weights[n] for n in names])
    return dict(zip(names, shares, strict=True))


def pay_values(budget: int, values: Mapping[str, Fraction]) -> tuple[dict[str, int], int, bool]:
    """Pay each recipient its exact value, or all of them scaled down to fit the budget.

    Returns the allocations, the unallocated rest, and whether values were scaled down.
    Under budget, the total paid is the exact total rounded down to the minor unit, split in
    proportion to the exact values, so that each amount is within one unit of its value.
    """
    total = sum(values.values(), Fraction(0))
    if total > budget:
        return split(budget, values), 0, True
    paid = total.numerator // total.denominator
    return split(paid, values), budget - paid, False


def result(
    model: str,
    budget: int,
    allocations: Mapping[str, int],
    unallocated: int,
    explanations: Mapping[str, str],
    extras: Mapping[str, Any] | None = None,
) -> ModelResult:
    names = ordered(allocations)
    assert all(isinstance(allocations[n], int) and allocations[n] >= 0 for n in names)
    assert unallocated >= 0
    assert sum(allocations.values()) + unallocated == budget, "the sum rule"
    return ModelResult(
        model=model,
        budget=budget,
        allocations={n: allocations[n] for n in names},
        unallocated=unallocated,
        explanations=(
            explanations
            if isinstance(explanations, Explanations | TextColumn)  # written when read
            else {n: explanations.get(n, "") for n in names}
        ),
        extras=dict(extras or {}),
    )


def money_text(minor: int | Fraction, currency: Currency) -> str:
    """A minor amount as text for explanations: exact when whole, else to 6 places."""
    if isinstance(minor, int) or minor.denominator == 1:
        return f"{format_minor(int(minor), currency.decimals)} {currency.code}"
    major = ratio_text(
        minor.numerator,
        minor.denominator * 10**currency.decimals,
        places=max(6, currency.decimals),
        keep=currency.decimals,
    )
    return f"{major} {currency.code}"


def money_ratio(numerator: int, denominator: int, currency: Currency) -> str:
    """``numerator / denominator`` minor units as text, like :func:`money_text`, without
    building a Fraction: integer arithmetic only."""
    major = ratio_text(
        numerator,
        denominator * 10**currency.decimals,
        places=max(6, currency.decimals),
        keep=currency.decimals,
    )
    return f"{major} {currency.code}"


def number_text(value: Fraction | Decimal | int, places: int = 6) -> str:
    if isinstance(value, int):
        return str(value)
    exact = Fraction(value)
    return ratio_text(exact.numerator, exact.denominator, places=places)


def ratio_text(numerator: int, denominator: int, *, places: int = 6, keep: int = 0) -> str:
    """``numerator / denominator`` as decimal text, rounded half-even to ``places``, trailing
    zeros dropped down to ``keep`` places. Integer arithmetic only: fast, and exact."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    unit = 10**places
    quotient, remainder = divmod(numerator * unit, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient & 1):
        quotient += 1
    sign = ""
    if quotient < 0:
        sign, quotient = "-", -quotient
    whole, fraction = divmod(quotient, unit)
    if not fraction:
        return f"{sign}{whole}.{'0' * keep}" if keep else f"{sign}{whole}"
    digits = f"{fraction:0{places}d}".rstrip("0")
    if len(digits) < keep:
        digits += "0" * (keep - len(digits))
    return f"{sign}{whole}.{digits}"


def percent_text(numerator: int, denominator: int) -> str:
    """``numerator / denominator`` as a percentage to 2 places; a share too small to show at
    that precision reads ``< 0.01 %``, never a misleading ``0 %``."""
    text = ratio_text(numerator * 100, denominator, places=2)
    if text == "0" and numerator:
        return "< 0.01 %"
    return f"{text} %"


def param(params: Mapping[str, Any], name: str, path: str, default: Any = None) -> Any:
    return params.get(name, default)


def refuse(path: str, message: str, code: str = "spec.invalid") -> InvalidInput:
    return InvalidInput(code, f"{path}: {message}", field=path)


def check_params(params: Mapping[str, Any], allowed: set[str], path: str) -> None:
    unknown = sorted(set(params) - allowed - {"type", "name"})
    if unknown:
        raise refuse(
            f"{path}.{unknown[0]}", "is not a parameter of this model", "spec.unknown_field"
        )
