"""The allocation function on a large split, against an exact Fraction-based reference.

Prints the time to split an amount among N weights with ``partage.core.allocation.allocate``
and with a plain largest-remainder reference written with Fractions in this script, checks
that both give the same shares, and prints the ratio. Run: make bench.
"""

from __future__ import annotations

import random
import time
from fractions import Fraction

from partage.core.allocation import allocate


def reference(total: int, weights: list[int]) -> list[int]:
    weight_sum = sum(weights)
    exact = [Fraction(total * w, weight_sum) for w in weights]
    shares = [int(e) for e in exact]
    left = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:left]:
        shares[i] += 1
    return shares


def main(n: int = 200_000) -> None:
    rng = random.Random(11)
    weights = [rng.randint(0, 10_000) for _ in range(n)]
    total = 987_654_321_012
    start = time.perf_counter()
    expected = reference(total, weights)
    ref = time.perf_counter() - start
    start = time.perf_counter()
    shares = allocate(total, weights)
    took = time.perf_counter() - start
    assert shares == expected
    print(
        f"{n} weights: reference {ref * 1000:.0f} ms, allocate {took * 1000:.0f} ms, "
        f"ratio {took / ref:.2f} (lower is faster); identical shares"
    )


if __name__ == "__main__":
    main()
