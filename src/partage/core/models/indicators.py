"""How evenly a result shares its budget: Gini, the top tenth's share, min, max, median.

Computed exactly over the recipients of a result (every recipient listed, including those
who get zero), then written as decimal text: the Gini coefficient and shares to four places,
amounts in the currency's unit. With an even count, the median is the mean of the two middle
amounts rounded down to the minor unit.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from partage.core.currency import Currency
from partage.core.models.base import ModelResult
from partage.core.money import format_minor


def _ratio_text(value: Fraction) -> str:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{exact.quantize(Decimal('0.0001'), rounding=ROUND_HALF_EVEN):f}"


def gini(amounts: list[int]) -> Fraction:
    """0 when everyone gets the same, towards 1 when one recipient gets everything."""
    n, total = len(amounts), sum(amounts)
    if n == 0 or total == 0:
        return Fraction(0)
    ranked = sorted(amounts)
    weighted = sum(rank * x for rank, x in enumerate(ranked, start=1))
    return Fraction(2 * weighted, n * total) - Fraction(n + 1, n)


def top_share(amounts: list[int], fraction: Fraction = Fraction(1, 10)) -> Fraction:
    """Share of the total that goes to the top tenth of recipients (at least one)."""
    total = sum(amounts)
    if not amounts or total == 0:
        return Fraction(0)
    count = max(1, -(-len(amounts) * fraction.numerator // fraction.denominator))
    return Fraction(sum(sorted(amounts, reverse=True)[:count]), total)


def median(amounts: list[int]) -> int:
    if not amounts:
        return 0
    ranked = sorted(amounts)
    middle = len(ranked) // 2
    if len(ranked) % 2:
        return ranked[middle]
    return (ranked[middle - 1] + ranked[middle]) // 2


def indicators(result: ModelResult, currency: Currency) -> dict[str, Any]:
    amounts = list(result.allocations.values())

    def money(minor: int) -> str:
        return format_minor(minor, currency.decimals)

    return {
        "gini": _ratio_text(gini(amounts)),
        "top_10_percent_share": _ratio_text(top_share(amounts)),
        "recipients": sum(1 for a in amounts if a > 0),
        "min": money(min(amounts) if amounts else 0),
        "max": money(max(amounts) if amounts else 0),
        "median": money(median(amounts)),
    }
