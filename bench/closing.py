"""Closing a round with many claims: the core closing against a plain reference.

Prints the time to close N claims with each policy and the ratio to a reference run in the
same process (summing the claims once, the least any closing must do). Run: make bench.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from partage.core.claims import declare
from partage.core.closing import Policy, close_round

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def main(n: int = 100_000) -> None:
    rng = random.Random(7)
    claims = [
        declare(
            claim_id=i,
            member_id=i % 500,
            amount=rng.randint(1_000, 500_000),
            now=NOW - timedelta(days=30, seconds=i),
            window=timedelta(days=7),
        )
        for i in range(1, n + 1)
    ]
    envelope = sum(c.amount for c in claims) // 2
    start = time.perf_counter()
    reference_total = sum(c.amount for c in claims if c.status(NOW).value == "accepted")
    reference = time.perf_counter() - start
    print(f"{n} claims, envelope {envelope}, reference pass {reference * 1000:.1f} ms")
    for policy in Policy:
        start = time.perf_counter()
        closing = close_round(
            envelope=envelope, missions={}, claims=claims, debts=[], policy=policy, now=NOW
        )
        took = time.perf_counter() - start
        assert closing.granted + closing.unspent == envelope
        print(
            f"{policy.value:<9} {took * 1000:8.1f} ms  ratio {took / reference:6.1f}x  "
            f"granted {closing.granted} of {reference_total} claimed"
        )


if __name__ == "__main__":
    main()
