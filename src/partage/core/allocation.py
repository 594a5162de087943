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
from math import lcm

import numpy as np

from partage.core.errors import InvalidInput

Weight = int | Fraction | Decimal
VECTOR_FROM = 64  # from this many weights, 64-bit arrays beat a loop over Python integers
SAFE = 2**62  # a product below this fits a signed 64-bit integer with room to spare


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


def _as_integers(weights: list[Fraction]) -> list[int]:
    """The same proportions as whole numbers (over a common denominator)."""
    denominator = lcm(*(w.denominator for w in weights)) if weights else 1
    return [w.numerator * (denominator // w.denominator) for w in weights]


def allocate(total: int, weights: Sequence[Weight]) -> list[int]:
    """Split ``total`` minor units in proportion to ``weights`` (largest remainder)."""
    if all(type(w) is int and w >= 0 for w in weights):
        integers = [int(w) for w in weights]
    else:
        integers = _as_integers([_exact(w, i) for i, w in enumerate(weights)])
    weight_sum = sum(integers)
    if total == 0:
        return [0] * len(integers)
    if weight_sum == 0:
        raise InvalidInput(
            "allocation.no_weight",
            "cannot split a non-zero amount when every weight is zero",
            field="weights",
        )
    if total < 0:
        return [-share for share in allocate(-total, integers)]
    if len(integers) >= VECTOR_FROM and total * max(integers) < SAFE and weight_sum < SAFE:
        return _allocate_int64(total, integers, weight_sum)
    # Exact share i = total × wᵢ / W = floorᵢ + remainderᵢ / W: integers only, no rounding.
    shares: list[int] = []
    remainders: list[int] = []
    for weight in integers:
        floor, remainder = divmod(total * weight, weight_sum)
        shares.append(floor)
        remainders.append(remainder)
    left = total - sum(shares)
    # Largest remainder first; on equal remainders the earlier position wins (the sort is
    # stable, and stays so in reverse).
    for index in sorted(range(len(shares)), key=remainders.__getitem__, reverse=True)[:left]:
        shares[index] += 1
    assert sum(shares) == total, "allocation must preserve the total"
    return shares


def _allocate_int64(total: int, integers: list[int], weight_sum: int) -> list[int]:
    """The same rule on 64-bit integers, for long lists whose products provably fit."""
    weights = np.array(integers, dtype=np.int64)
    shares, remainders = np.divmod(weights * total, weight_sum)
    left = total - int(shares.sum())
    if left:
        # A stable sort of −remainder: largest first, the earlier position on ties.
        shares[np.argsort(-remainders, kind="stable")[:left]] += 1
    result: list[int] = shares.tolist()
    assert sum(result) == total, "allocation must preserve the total"
    return result


def scale_down(capacity: int, amounts: Sequence[int]) -> list[int]:
    """Each amount, or all of them scaled pro rata so that they fit in ``capacity``.

    No share exceeds its amount; when the amounts fit, they are returned unchanged.
    """
    requested = sum(amounts)
    if requested <= capacity:
        return list(amounts)
    return allocate(capacity, list(amounts))
