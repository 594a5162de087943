"""Parsing and arithmetic of exact money."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.currency import currency_for, iso_currency, own_unit
from partage.core.errors import InvalidInput
from partage.core.money import MAX_MINOR, Money, format_minor, parse_minor, parse_money

EUR = iso_currency("EUR")
JPY = iso_currency("jpy")
HOUR = own_unit("HOUR", 2)


@pytest.mark.parametrize(
    ("text", "decimals", "minor"),
    [
        ("12.50", 2, 1250),
        ("12,5", 2, 1250),
        ("1 200", 2, 120000),
        ("1\u202f200,00", 2, 120000),
        ("7", 0, 7),
        ("0.125", 3, 125),
        ("3.10", 1, 31),
    ],
)
def test_parses_exact_decimal_text(text: str, decimals: int, minor: int) -> None:
    assert parse_minor(text, decimals) == minor


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("-5", "amount.negative"),
        ("0", "amount.zero"),
        ("0.00", "amount.zero"),
        ("1.234", "amount.too_many_decimals"),
        ("NaN", "amount.not_a_number"),
        ("inf", "amount.not_a_number"),
        ("1e309", "amount.not_a_number"),
        ("12.5.1", "amount.not_a_number"),
        ("", "amount.not_a_number"),
        ("99999999999999999999", "amount.too_large"),
        ("92233720368547758.08", "amount.too_large"),
    ],
)
def test_bad_amounts_are_refused_with_their_rule(text: str, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_minor(text, 2)
    assert err.value.code == code
    assert err.value.field == "amount"


def test_zero_and_negative_only_where_allowed() -> None:
    assert parse_minor("0", 2, allow_zero=True) == 0
    assert parse_minor("-1.5", 2, allow_negative=True) == -150


def test_currencies() -> None:
    assert EUR.decimals == 2 and JPY.decimals == 0 and iso_currency("KWD").decimals == 3
    assert HOUR.code == "HOUR" and not HOUR.is_iso
    assert currency_for("CREDIT", 0).code == "CREDIT"
    for bad, code in (("XYZ", "currency.unknown"), ("EURO", "currency.unknown")):
        with pytest.raises(InvalidInput) as err:
            iso_currency(bad)
        assert err.value.code == code
    with pytest.raises(InvalidInput) as err:
        own_unit("EUR", 2)
    assert err.value.code == "currency.shadows_iso"
    with pytest.raises(InvalidInput):
        own_unit("HOUR", 9)
    with pytest.raises(InvalidInput):
        currency_for("EUR", 3)


def test_mixed_currencies_raise() -> None:
    with pytest.raises(InvalidInput) as err:
        Money(100, EUR) + Money(100, HOUR)
    assert err.value.code == "currency.mismatch"


def test_money_refuses_floats_and_huge_values() -> None:
    with pytest.raises(TypeError):
        Money(1.5, EUR)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        Money(MAX_MINOR + 1, EUR)


@given(minor=st.integers(min_value=-MAX_MINOR, max_value=MAX_MINOR), decimals=st.integers(0, 6))
def test_format_then_parse_round_trips(minor: int, decimals: int) -> None:
    text = format_minor(minor, decimals)
    assert parse_minor(text, decimals, allow_zero=True, allow_negative=True) == minor


def test_str() -> None:
    assert str(parse_money("5", EUR)) == "5.00 EUR"
    assert str(Money(-5, JPY)) == "-5 JPY"
