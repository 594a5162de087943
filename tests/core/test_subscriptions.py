"""Subscription periods: counted from the first day, charged once each."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.errors import InvalidInput
from partage.core.subscriptions import (
    Period,
    Plan,
    check_fees,
    due_periods,
    parse_period,
    period_start,
)


def test_a_subscription_from_31_january_renews_on_the_last_day_of_shorter_months() -> None:
    first = date(2026, 1, 31)
    starts = [period_start(first, Period.MONTHLY, k) for k in range(4)]
    assert starts == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert period_start(date(2024, 2, 29), Period.YEARLY, 1) == date(2025, 2, 28)
    assert period_start(date(2024, 2, 29), Period.YEARLY, 4) == date(2028, 2, 29)
    assert period_start(date(2026, 11, 15), Period.QUARTERLY, 1) == date(2027, 2, 15)


def test_periods_are_due_on_their_first_day_and_not_before() -> None:
    first = date(2026, 9, 1)
    assert due_periods(first, Period.MONTHLY, charged=0, today=date(2026, 8, 31)) == []
    assert due_periods(first, Period.MONTHLY, charged=0, today=date(2026, 11, 1)) == [
        (0, date(2026, 9, 1)),
        (1, date(2026, 10, 1)),
        (2, date(2026, 11, 1)),
    ]
    assert due_periods(first, Period.MONTHLY, charged=2, today=date(2026, 11, 30)) == [
        (2, date(2026, 11, 1))
    ]


def test_no_period_starts_after_the_last_day() -> None:
    due = due_periods(
        date(2026, 1, 1),
        Period.MONTHLY,
        charged=0,
        today=date(2026, 12, 31),
        last_day=date(2026, 3, 15),
    )
    assert [k for k, _ in due] == [0, 1, 2]


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    st.sampled_from(list(Period)),
    st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=10),
)
def test_charging_whenever_charges_each_period_exactly_once(
    first: date, period: Period, steps: list[int]
) -> None:
    today = first - timedelta(days=5)
    charged = 0
    seen: list[date] = []
    for step in steps:
        today += timedelta(days=step)
        due = due_periods(first, period, charged=charged, today=today)
        assert [k for k, _ in due] == list(range(charged, charged + len(due)))
        seen += [start for _, start in due]
        charged += len(due)
    everything = due_periods(first, period, charged=0, today=today)
    assert seen == [start for _, start in everything]
    assert seen == sorted(set(seen))


def test_fees_and_periods_are_checked() -> None:
    assert check_fees({"Producer": 3000, "distributor": 5000}) == {
        "producer": 3000,
        "distributor": 5000,
    }
    for fees, code in (
        ({}, "subscription.no_fee"),
        ({"producer": 0}, "subscription.bad_fee"),
        ({"pro ducer": 10}, "subscription.bad_status"),
        ({"a": 1, "A": 2}, "subscription.duplicate_status"),
    ):
        with pytest.raises(InvalidInput) as caught:
            check_fees(fees)
        assert caught.value.code == code
    with pytest.raises(InvalidInput):
        parse_period("weekly")
    plan = Plan(1, "Licence", Period.MONTHLY, {"producer": 3000}, "fund:operations")
    with pytest.raises(InvalidInput) as caught:
        plan.fee_for("courier")
    assert caught.value.code == "subscription.unknown_status"
