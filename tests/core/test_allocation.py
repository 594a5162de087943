"""The one allocation function: totals kept, each share within one unit of exact."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.allocation import VECTOR_FROM, allocate, scale_down
from partage.core.errors import InvalidInput

weights_st = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40).filter(
    lambda ws: sum(ws) > 0
)


def test_worked_example_thirds() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]


def test_ties_go_to_the_earlier_position() -> None:
    assert allocate(2, [1, 1, 1]) == [1, 1, 0]
    assert allocate(2, [1, 1, 1][::-1]) == [1, 1, 0]


def test_decimal_and_fraction_weights() -> None:
    assert allocate(1000, [Decimal("0.5"), Fraction(1, 4), 0, Decimal("0.25")]) == [
        500,
        250,
        0,
        250,
    ]


def test_negative_total_mirrors_positive() -> None:
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]


@pytest.mark.parametrize("bad", [1.5, True, -1, Decimal("NaN")])
def test_inexact_or_negative_weights_are_refused(bad: object) -> None:
    with pytest.raises(InvalidInput):
        allocate(10, [1, bad])  # type: ignore[list-item]


def test_all_zero_weights_cannot_split_money() -> None:
    with pytest.raises(InvalidInput) as err:
        allocate(10, [0, 0])
    assert err.value.code == "allocation.no_weight"
    assert allocate(0, [0, 0]) == [0, 0]


@given(total=st.integers(min_value=-(10**15), max_value=10**15), weights=weights_st)
def test_shares_sum_to_total_and_stay_within_one_unit(total: int, weights: list[int]) -> None:
    shares = allocate(total, weights)
    assert sum(shares) == total
    weight_sum = sum(weights)
    for share, weight in zip(shares, weights, strict=True):
        exact = Fraction(total * weight, weight_sum)
        assert abs(share - exact) < 1
        if weight == 0:
            assert share == 0


@given(total=st.integers(min_value=0, max_value=10**12), weights=weights_st)
def test_deterministic(total: int, weights: list[int]) -> None:
    assert allocate(total, weights) == allocate(total, list(weights))


@given(
    capacity=st.integers(min_value=0, max_value=10**10),
    amounts=st.lists(st.integers(min_value=1, max_value=10**8), min_size=1, max_size=30),
)
def test_scale_down_never_gives_more_than_asked_nor_more_than_capacity(
    capacity: int, amounts: list[int]
) -> None:
    granted = scale_down(capacity, amounts)
    assert all(0 <= g <= a for g, a in zip(granted, amounts, strict=True))
    assert sum(granted) == min(capacity, sum(amounts))


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    """The rule written out on Fractions: floors, then one unit each to the largest
    remainders, the earlier position first on ties."""
    exact = [Fraction(total * w, sum(weights)) for w in weights]
    shares = [e.numerator // e.denominator for e in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


@given(
    st.integers(0, 10**9),
    # Small weights make ties, which the position must break.
    st.lists(
        st.one_of(st.integers(0, 3), st.integers(0, 10**6)), min_size=VECTOR_FROM, max_size=300
    ).filter(any),
)
def test_long_lists_on_64_bits_follow_the_same_rule(total: int, weights: list[int]) -> None:
    assert allocate(total, weights) == largest_remainder(total, weights)


def test_long_lists_with_many_ties_keep_position_order() -> None:
    # 100 equal weights, 7 units over: the first 7 positions get them.
    assert allocate(107, [1] * 100) == [2] * 7 + [1] * 93
