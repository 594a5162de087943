"""Refunds reverse exactly what was posted; rule versions apply from their day, never back."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.currency import iso_currency
from partage.core.errors import InvalidInput
from partage.core.splits.engine import Line, split_transaction
from partage.core.splits.refunds import refund_lines, refund_postings, remaining
from partage.core.splits.rules import parse_rules
from partage.core.splits.versions import RuleVersion, check_new_version, in_force

EUR = iso_currency("EUR")
RULES = parse_rules(
    {
        "commissions": {"producer": {"rate": "12", "fixed": "0.30"}},
        "splits": [
            {"of": "commission", "to": "reserve", "percent": "30"},
            {"of": "amount", "to": "pool:contributeurs", "percent": "2"},
        ],
    },
    currency=EUR,
)
SALE = split_transaction(RULES, amount=4999, status="producer", payee_account="member:3")


def test_a_full_refund_takes_back_every_line_exactly() -> None:
    back = refund_lines(SALE.lines, [], 4999)
    assert back == list(SALE.lines)
    assert remaining(SALE.lines, back) == [Line(x.part, x.account, 0) for x in SALE.lines]
    lines = refund_postings(back, "EUR", cash_account="bank")
    assert lines[0] == ("bank", -4999, "EUR")
    assert sum(amount for _, amount, _ in lines) == 0


def test_a_partial_refund_is_shared_in_proportion_then_the_rest_completes_it() -> None:
    first = refund_lines(SALE.lines, [], 1000)
    assert sum(x.amount for x in first) == 1000
    # member 4269/4999 of 10.00 = 8.54; reserve 189 → 0.38; operations 441 → 0.88; pool 0.20
    assert [x.amount for x in first] == [854, 38, 88, 20]
    second = refund_lines(SALE.lines, first, 3999)
    assert remaining(SALE.lines, first + second) == [Line(x.part, x.account, 0) for x in SALE.lines]


def test_a_refund_of_more_than_is_left_is_refused() -> None:
    first = refund_lines(SALE.lines, [], 4000)
    with pytest.raises(InvalidInput) as caught:
        refund_lines(SALE.lines, first, 1000)
    assert caught.value.code == "refund.exceeds_paid"
    assert "999" in caught.value.message
    with pytest.raises(InvalidInput):
        refund_lines(SALE.lines, [], 0)


@given(st.lists(st.integers(min_value=1, max_value=4999), min_size=1, max_size=8))
def test_any_sequence_of_refunds_ends_exactly_at_zero(parts: list[int]) -> None:
    done: list[Line] = []
    left = 4999
    for wanted in parts:
        if left == 0:
            break
        amount = min(wanted, left)
        taken = refund_lines(SALE.lines, done, amount)
        assert sum(x.amount for x in taken) == amount
        done += taken
        left -= amount
        assert all(x.amount >= 0 for x in remaining(SALE.lines, done))
    if left:
        done += refund_lines(SALE.lines, done, left)
    assert all(x.amount == 0 for x in remaining(SALE.lines, done))


def _v(n: int, day: date) -> RuleVersion:
    return RuleVersion(n, day, RULES)


def test_the_version_in_force_is_the_latest_on_or_before_the_day() -> None:
    versions = [_v(2, date(2026, 6, 1)), _v(1, date(2026, 1, 1)), _v(3, date(2026, 6, 1))]
    assert in_force(versions, date(2026, 5, 31)).version == 1
    assert in_force(versions, date(2026, 6, 1)).version == 3
    with pytest.raises(InvalidInput) as caught:
        in_force(versions, date(2025, 12, 31))
    assert caught.value.code == "rules.none_in_force"
    assert "2026-01-01" in caught.value.message


def test_a_new_version_never_reaches_back_over_posted_transactions() -> None:
    versions = [_v(1, date(2026, 1, 1))]
    assert check_new_version(versions, date(2026, 3, 2), last_posted=date(2026, 3, 1)) == 2
    for day, last in ((date(2026, 3, 1), date(2026, 3, 1)), (date(2025, 12, 1), None)):
        with pytest.raises(InvalidInput) as caught:
            check_new_version(versions, day, last_posted=last)
        assert caught.value.code == "rules.retroactive"
    assert check_new_version([], date(2020, 1, 1), last_posted=None) == 1
