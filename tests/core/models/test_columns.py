"""The columns give exactly what a row-by-row computation gives, even beyond 64 bits."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from partage.core.allocation import allocate
from partage.core.models.table import group_sum, multiply, scaled
from tests.core.models.helpers import run

decimals = st.decimals(
    min_value=0, max_value=10**12, places=3, allow_nan=False, allow_infinity=False
)


@given(st.lists(st.one_of(st.none(), decimals), max_size=30))
def test_scaled_columns_are_exact(values: list[Decimal | None]) -> None:
    column = scaled(values)
    for i, v in enumerate(values):
        assert column.present[i] == (v is not None)
        assert Fraction(int(column.values[i]), column.scale) == (
            Fraction(v) if v is not None else 0
        )


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2**70)), min_size=1, max_size=40))
def test_sums_and_products_past_64_bits(rows: list[tuple[int, int]]) -> None:
    import numpy as np

    index = np.array([g for g, _ in rows], dtype=np.int32)
    column = scaled([Decimal(v) for _, v in rows]).values
    expected: dict[int, int] = defaultdict(int)
    for g, v in rows:
        expected[g] += v * 3
    assert group_sum(index, multiply(column, 3), 6) == [expected[g] for g in range(6)]


rows_st = st.lists(
    st.tuples(
        st.sampled_from(["ana", "Ben", "chloé", "dario"]),
        st.sampled_from(["dev", "care", "unrated"]),
        st.sampled_from(["time", "non_cash", "use"]),
        st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
        st.one_of(
            st.none(),
            st.decimals(
                min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False
            ),
        ),
    ),
    max_size=25,
)


@given(rows=rows_st, budget=st.integers(0, 10**15), self_set=st.booleans())
def test_rate_grid_equals_a_row_by_row_computation(
    rows: list[tuple[str, str, str, Decimal, Decimal | None]], budget: int, self_set: bool
) -> None:
    rates = {"dev": Decimal("20.5"), "care": Decimal("1234567.891")}  # EUR per hour or unit
    contributions = [
        {
            "recipient": who,
            "activity": what,
            "kind": kind,
            ("hours" if kind == "time" else "quantity"): str(measure),
            **({"rate": str(own)} if own is not None else {}),
        }
        for who, what, kind, measure, own in rows
    ]
    got = run(
        {"type": "rate_grid", "rates": {k: str(v) for k, v in rates.items()}, "self_set": self_set},
        budget=f"{budget}.00",
        contributions=contributions,
    )
    values: dict[str, Fraction] = defaultdict(Fraction)
    for who, what, _kind, measure, own in rows:
        found = rates.get(what)
        rate = (
            Fraction(own)
            if self_set and own is not None
            else (Fraction(found) if found is not None else None)
        )
        values[who] += Fraction(measure) * rate * 100 if rate is not None else 0
    names = sorted(values)
    total = sum(values.values(), Fraction(0))
    cap = budget * 100 if total > budget * 100 else int(total)
    expected = dict(
        zip(names, allocate(cap, [values[n] for n in names]) if names else [], strict=True)
    )
    assert dict(got.allocations) == expected
    assert got.unallocated == budget * 100 - cap


def test_long_decimals_and_huge_factors_stay_exact() -> None:
    import numpy as np

    long = Decimal("123456789012345678901234567890.123456789")  # beyond Decimal's 28 digits
    column = scaled([long, Decimal("1.5"), None])
    assert int(column.values[0]) == 123456789012345678901234567890123456789
    assert column.scale == 10**9
    zeros = np.zeros(3, dtype=np.int64)
    assert [int(v) for v in multiply(zeros, 2**64)] == [0, 0, 0]
    assert [int(v) for v in multiply(np.array([3], dtype=np.int64), 2**64)] == [3 * 2**64]
