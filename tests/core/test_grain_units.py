"""attoGrain → minor units: exact, rounded down, never through a float."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.errors import InvalidInput
from partage.core.grain_units import (
    ATTO,
    GrainRate,
    grain_text,
    parse_atto,
    parse_grain_value,
)


def test_values_are_exact_decimals() -> None:
    assert parse_grain_value("1") == 1
    assert parse_grain_value(" 0.1 ") == Fraction(1, 10)
    assert parse_grain_value("2,75") == Fraction(11, 4)
    # 0.1 as a float is not 1/10; parsed from text it is.
    assert parse_grain_value("0.1") != Fraction(0.1)


@pytest.mark.parametrize(
    "text", ["0", "0.00", "-1", "+1", "1e3", "inf", "NaN", "", "1.", ".5", "1 000"]
)
def test_bad_values_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_grain_value(text)
    assert refused.value.code == "sourcecred.bad_grain_value"


def test_conversion_rounds_down() -> None:
    euro = GrainRate(Fraction(1), 2)
    assert euro.to_minor(955_230_194_734_145_601_536) == 95523
    assert euro.to_minor(ATTO) == 100
    assert euro.to_minor(ATTO - 1) == 99
    assert euro.to_minor(0) == 0
    # A tenth of a euro per grain, in yen-like units with no decimals: 10 grain → 1.
    assert GrainRate(Fraction(1, 10), 0).to_minor(10 * ATTO) == 1
    assert GrainRate(Fraction(1, 10), 0).to_minor(10 * ATTO - 1) == 0
    # Beyond what a float holds exactly: 2^80 attoGrain at 1/3.
    big = 2**80
    assert GrainRate(Fraction(1, 3), 2).to_minor(big) == big * 100 // (3 * ATTO)
    with pytest.raises(ValueError):
        euro.to_minor(-1)


@given(
    atto=st.integers(min_value=0, max_value=10**30),
    value=st.fractions(min_value=Fraction(1, 10**6), max_value=10**6),
    decimals=st.integers(min_value=0, max_value=4),
)
def test_within_one_minor_unit_below_the_exact_amount(
    atto: int, value: Fraction, decimals: int
) -> None:
    rate = GrainRate(value, decimals)
    exact = Fraction(atto, ATTO) * value * 10**decimals
    got = rate.to_minor(atto)
    assert got <= exact < got + 1


@given(st.lists(st.integers(min_value=0, max_value=10**24), max_size=30))
def test_receipts_never_add_up_to_more_than_their_total(receipts: list[int]) -> None:
    rate = GrainRate(Fraction(7, 3), 2)
    assert sum(rate.to_minor(r) for r in receipts) <= rate.to_minor(sum(receipts))


def test_ledger_amounts_and_grain_text() -> None:
    assert parse_atto("150000000000000000000") == 150 * ATTO
    for bad in ("", "-5", "1.5", "1e18", " 5", "٣"):
        assert parse_atto(bad) is None
    assert grain_text(150 * ATTO) == "150"
    assert grain_text(100_000_000_000_000) == "0.0001"
    assert grain_text(955_230_194_734_145_601_536) == "955.230194734145601536"
    assert grain_text(0) == "0"
