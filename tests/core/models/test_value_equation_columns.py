"""Value equations over columns give exactly what the rule written row by row gives, even when
the values are past 64 bits and debt and once claims change from bucket to bucket."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from partage.core.currency import iso_currency
from partage.core.models import value_equation
from partage.core.models.base import Contribution, Explanations, Spec, pay_values
from partage.core.models.table import table_of
from tests.core.models.helpers import run
from tests.core.models.test_value_equation import names, value_of


def plain(
    contributions: list[dict[str, str]], buckets: list[dict[str, Any]], budget: int, behavior: str
) -> tuple[dict[str, int], int, dict[str, Fraction]]:
    """The rule, one claim at a time, with Fractions: allocations, unallocated, owed."""
    worth = [value_of(c) for c in contributions]
    exact: dict[str, Fraction] = {c["recipient"]: Fraction(0) for c in contributions}
    paid_so_far = Fraction(0)
    for bucket in buckets:
        base = Fraction(budget) if behavior == "straight" else budget - paid_so_far
        amount = int(Fraction(bucket["percentage"]) * base / 100)
        if "recipient" in bucket:
            exact[bucket["recipient"]] = exact.get(bucket["recipient"], Fraction(0)) + amount
            paid_so_far += amount
            continue
        ids = bucket.get("contributions")
        live = [
            i
            for i, c in enumerate(contributions)
            if (ids is None or c["id"] in ids) and worth[i] > 0
        ]
        claimed = sum((worth[i] for i in live), Fraction(0))
        if claimed == 0 or amount == 0:
            continue
        portion = Fraction(amount) / claimed
        if behavior == "remaining":
            portion = min(portion, Fraction(1))
        for i in live:
            payout = worth[i] * portion
            exact[contributions[i]["recipient"]] += payout
            kind = contributions[i].get("claim_type", "equity")
            if kind == "debt":
                worth[i] = max(Fraction(0), worth[i] - payout)
            elif kind == "once":
                worth[i] = Fraction(0)
        paid_so_far += claimed * portion
    allocations, unallocated, _ = pay_values(budget, exact)
    owed: dict[str, Fraction] = defaultdict(Fraction)
    for c, left in zip(contributions, worth, strict=True):
        if c.get("claim_type") == "debt":
            owed[c["recipient"]] += left
    return allocations, unallocated, dict(owed)


sizes = st.one_of(st.integers(0, 5_000), st.integers(0, 10**24))
rows = st.lists(
    st.tuples(
        names,
        st.sampled_from(["time", "cash", "non_cash", "use"]),
        sizes,
        st.sampled_from(["0.125", "12.34", "7", "98765432.123456"]),
        st.sampled_from(["equity", "equity", "debt", "once"]),
    ),
    max_size=10,
)
bucket_list = st.lists(
    st.tuples(
        st.sampled_from(["0", "10", "33.333", "50", "60"]),
        st.one_of(st.none(), st.just("fund"), st.just("ana"), st.integers(0, 2**10)),
    ),
    min_size=1,
    max_size=4,
)


def contributions_of(drawn: list[tuple[str, str, int, str, str]]) -> list[dict[str, str]]:
    out = []
    for i, (name, kind, size, rate, claim_type) in enumerate(drawn):
        item = {"id": f"c{i}", "recipient": name, "kind": kind, "claim_type": claim_type}
        measure = f"{size // 100}.{size % 100:02d}"
        if kind == "time":
            item |= {"hours": measure, "rate": rate}
        elif kind in ("use", "non_cash") and size % 2:
            item |= {"quantity": measure, "rate": rate}
        else:
            item["amount"] = f"{min(size, 2**62) // 100}.{min(size, 2**62) % 100:02d}"
        out.append(item)
    return out


@given(
    drawn=rows,
    specs=bucket_list,
    budget=st.one_of(st.integers(0, 10**8), st.integers(0, 2**62)),
    behavior=st.sampled_from(["straight", "remaining"]),
)
def test_the_columns_give_what_the_rule_gives_claim_by_claim(
    drawn: list[tuple[str, str, int, str, str]],
    specs: list[tuple[str, Any]],
    budget: int,
    behavior: str,
) -> None:
    contributions = contributions_of(drawn)
    buckets: list[dict[str, Any]] = []
    total = Fraction(0)
    for percentage, target in specs:
        total += Fraction(percentage)
        if behavior == "straight" and total > 100:
            break
        bucket: dict[str, Any] = {"percentage": percentage}
        if isinstance(target, str):
            bucket["recipient"] = target
        elif isinstance(target, int):
            chosen = [c["id"] for i, c in enumerate(contributions) if target >> i & 1]
            if chosen:
                bucket["contributions"] = chosen
        buckets.append(bucket)
    model = {"type": "value_equation", "behavior": behavior, "buckets": buckets}
    r = run(model, budget=f"{budget // 100}.{budget % 100:02d}", contributions=contributions)
    allocations, unallocated, owed = plain(contributions, buckets, budget, behavior)
    assert r.allocations == allocations
    assert r.unallocated == unallocated
    assert set(r.extras.get("owed", {})) == set(owed)
    assert isinstance(r.explanations, Explanations)


def test_the_core_runs_on_a_table_built_once() -> None:
    # Three members' equity claims, 10 % to a fund, then 60 % and 30 % over every claim.
    spec = Spec(currency=iso_currency("EUR"), budget=100_000)
    table = table_of(
        [
            Contribution(recipient=name, hours=Decimal(hours), rate=Fraction(2_000))
            for name, hours in (("ana", 1), ("bo", 2), ("cy", 5))
        ]
    )
    buckets = [
        value_equation.Bucket(Fraction(10), "fund"),
        value_equation.Bucket(Fraction(60), None),
        value_equation.Bucket(Fraction(30), None, np.array([2], dtype=np.int64)),
    ]
    types = np.zeros(len(table), dtype=np.int8)
    r = value_equation.run_table(table, types, spec, "straight", buckets)
    # Bucket 2: 600 over 1 : 2 : 5 → 75, 150, 375; bucket 3: 300 to cy's claim alone.
    assert r.allocations == {"ana": 7_500, "bo": 15_000, "cy": 67_500, "fund": 10_000}
    assert "Bucket 3: 30 % of the budget (1000.00 EUR) = 300.00 EUR" in r.explanations["cy"]
    assert "Bucket 3" not in r.explanations["ana"]
