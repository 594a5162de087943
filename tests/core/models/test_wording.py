"""Numbers written a column at a time read exactly as when written one by one."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.currency import currency_for
from partage.core.models.base import money_ratio, percent_text, ratio_text
from partage.core.models.wording import money_texts, percent_texts, ratio_texts

# Small and huge numbers: the 64-bit path and the Python-integer path.
numbers = st.one_of(st.integers(-(10**6), 10**6), st.integers(-(10**30), 10**30))
denominators = st.one_of(st.integers(1, 10**6), st.integers(-(10**20), -1), st.integers(1, 10**20))


def decimal_reference(numerator: int, denominator: int, places: int, keep: int) -> str:
    with localcontext() as context:
        context.prec = 200
        exact = Decimal(numerator) / Decimal(denominator)
        text = f"{exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN):f}"
    whole, _, digits = text.partition(".")
    digits = digits.rstrip("0").ljust(keep, "0")
    text = f"{whole}.{digits}" if digits else whole
    return text.removeprefix("-") if Decimal(text) == 0 else text


@given(numbers, denominators, st.integers(0, 8), st.data())
def test_ratio_text_rounds_half_even_like_decimal(
    numerator: int, denominator: int, places: int, data: st.DataObject
) -> None:
    keep = data.draw(st.integers(0, places))
    assert ratio_text(numerator, denominator, places=places, keep=keep) == decimal_reference(
        numerator, denominator, places, keep
    )


def test_halves_go_to_the_even_neighbour() -> None:
    assert [ratio_text(n, 2, places=0) for n in (1, 3, 5, -1, -3)] == ["0", "2", "2", "0", "-2"]
    assert ratio_text(1, 8, places=2) == "0.12"
    assert ratio_text(300, 100, places=2, keep=2) == "3.00"


@given(st.lists(numbers, max_size=30), denominators, st.integers(0, 8))
def test_a_column_reads_as_its_rows(values: list[int], denominator: int, places: int) -> None:
    one_by_one = [ratio_text(v, denominator, places=places) for v in values]
    assert ratio_texts(values, denominator, places=places) == one_by_one
    assert ratio_texts(np.array(values, dtype=object), denominator, places=places) == one_by_one


@given(st.lists(st.tuples(st.integers(-(10**9), 10**9), st.integers(1, 10**9)), max_size=30))
def test_one_denominator_per_row(pairs: list[tuple[int, int]]) -> None:
    values, below = [p[0] for p in pairs], [p[1] for p in pairs]
    assert ratio_texts(np.array(values), np.array(below)) == [ratio_text(v, d) for v, d in pairs]


@given(st.lists(st.integers(0, 10**12), max_size=30), st.integers(1, 10**9))
def test_money_and_percent_columns(values: list[int], denominator: int) -> None:
    euro = currency_for("EUR")
    assert money_texts(values, denominator, euro) == [
        money_ratio(v, denominator, euro) for v in values
    ]
    total = sum(values) or 1
    assert percent_texts(values, total) == [percent_text(v, total) for v in values]


def test_a_tiny_share_is_not_shown_as_zero() -> None:
    assert percent_text(1, 10**9) == "< 0.01 %"
    assert percent_text(0, 10**9) == "0 %"
    assert percent_texts([1, 0, 1], 10**9) == ["< 0.01 %", "0 %", "< 0.01 %"]


def test_numbers_past_64_bits_are_never_read_through_a_float() -> None:
    assert ratio_texts([0, 2**63 + 1], 1, places=0) == ["0", "9223372036854775809"]
    assert ratio_texts([-(2**70) - 1, 5], 1) == [str(-(2**70) - 1), "5"]
    assert percent_texts([2**64 + 1, 1], 2**64 + 2) == ["100 %", "< 0.01 %"]


@pytest.mark.parametrize("seed", range(5))
def test_long_columns_with_repeats_and_large_denominators(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Few distinct values (written once each), then many (written row by row), with
    # denominators up to 10^17 where n × 10^6 itself would not fit 64 bits.
    for values in (rng.integers(-50, 50, 3000) * 10**12, rng.integers(-(10**17), 10**17, 3000)):
        for denominator in (1, 7, 10**13 + 1, 3 * 10**16):
            want = [ratio_text(int(v), denominator, places=6, keep=2) for v in values]
            assert ratio_texts(values, denominator, places=6, keep=2) == want
    below = rng.integers(1, 10**16, 3000)
    values = rng.integers(0, 10**18, 3000)
    want = [ratio_text(int(v), int(w)) for v, w in zip(values, below, strict=True)]
    assert ratio_texts(values, below) == want


def test_a_phrase_filled_row_by_row_reads_as_filled_by_name() -> None:
    from partage.core.models.wording import Words

    phrases = {
        "en": {"p": "{a} is {share} % of {total}, {a} again; 100 % {{literal}}"},
        "fr": {"p": "{a} fait {share} % de {total}, encore {a} ; 100 % {{littéral}}"},
    }
    for language in ("en", "fr"):
        words = Words(phrases, language)
        fill = words.row("p", ("share", "a"), total="9 %")
        assert fill("12.5", "x") == words("p", a="x", share="12.5", total="9 %")
    assert Words(phrases, "fr").nums(["3.21 EUR", "< 0.01 %"]) == ["3,21 EUR", "< 0,01 %"]
