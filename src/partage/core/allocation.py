"""The one function that splits an amount: largest remainder, exact to the minor unit.

``allocate(total, weights)`` returns integer shares such that

* the shares sum to ``total`` — asserted on every call;
* each share is within one minor unit of its exact share ``total × wᵢ / Σw``
  (it is the exact share rounded down or up);
* a zero weight gets exactly zero;
* the result depends only on the weights and their order: after every share receives the
  floor of its exact share, the units left over go one each to the largest fractional
  remainders; equal remainders are broken by position, earlier first. Callers that need
  order independence pass weights in a canonical order (e.g. sorted by member id).

Weights are exact numbers (int, Fraction or Decimal); a float is refused, being inexact.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from partage.core.errors import InvalidInput

Weight = int | Fraction | Decimal


def _exact(weight: Weight, index: int) -> Fraction:
    if isinstance(weight, bool) or not isinstance(weight, int | Fraction | Decimal):
        raise InvalidInput(
            "allocation.inexact_weight",
            f"weight #{index} must be an int, Fraction or Decimal, not {type(weight).__name__}",
            field="weights",
        )
    if isinstance(weight, Decimal) and not weight.is_finite():
        raise InvalidInput("allocation.bad_weight", f"weight #{index} is not finite", "weights")
    value = Fraction(weight)
    if value < 0:
        raise InvalidInput(
            "allocation.negative_weight", f"weight #{index} is negative", field="weights"
        )
    return value


def allocate(total: int, weights: Sequence[Weight]) -> list[int]:
    """Split ``total`` minor units in proportion to ``weights`` (largest remainder)."""
    exact = [_exact(w, i) for i, w in enumerate(weights)]
    weight_sum = sum(exact, Fraction(0))
    if total == 0:
        return [0] * len(exact)
    if weight_sum == 0:
        raise InvalidInput(
            "allocation.no_weight",
            "cannot split a non-zero amount when every weight is zero",
            field="weights",
        )
    if total < 0:
        return [-share for share in allocate(-total, weights)]
    shares: list[int] = []
    remainders: list[tuple[Fraction, int]] = []
    for index, weight in enumerate(exact):
        portion = total * weight / weight_sum
        floor = portion.numerator // portion.denominator
        shares.append(floor)
        remainders.append((portion - floor, index))
    left = total - sum(shares)
    # Largest remainder first; on equal remainders the earlier position wins.
    for _, index in sorted(remainders, key=lambda r: (-r[0], r[1]))[:left]:
        shares[index] += 1
    assert sum(shares) == total, "allocation must preserve the total"
    return shares


def scale_down(capacity: int, amounts: Sequence[int]) -> list[int]:
    """Each amount, or all of them scaled pro rata so that they fit in ``capacity``.

    No share exceeds its amount; when the amounts fit, they are returned unchanged.
    """
    requested = sum(amounts)
    if requested <= capacity:
        return list(amounts)
    return allocate(capacity, list(amounts))
