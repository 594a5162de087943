"""Units: exact purchase prices, the negative limit, and the entries of each operation."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.currency import iso_currency
from partage.core.errors import InvalidInput
from partage.core.units import (
    EarningRule,
    EarnPer,
    UnitKind,
    buy_entry,
    check_balance_after,
    define,
    earned,
    issue_entry,
    payment_entry,
    purchase_cost,
    rate,
)

EUR = iso_currency("EUR")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_defaults_depend_on_the_kind() -> None:
    c = define(code="credit", name="Crédits", kind="credit", money=EUR)
    assert (c.code, c.kind, c.decimals, c.negative_limit, c.price) == (
        "CREDIT",
        UnitKind.CREDIT,
        0,
        0,
        None,
    )
    assert c.purchase_account == "fund:operations"
    h = define(code="HOUR", name="Heures", kind="time", money=EUR)
    # hundredths of an hour, down to −10 hours
    assert (h.decimals, h.negative_limit) == (2, 1000)


def test_a_unit_may_not_shadow_an_iso_code_nor_have_a_bad_price() -> None:
    with pytest.raises(InvalidInput) as shadow:
        define(code="USD", name="x", kind="credit", money=EUR)
    assert shadow.value.code == "currency.shadows_iso"
    for bad in ("0", "-1", "abc", "1e3", "NaN", "0.0000001"):
        with pytest.raises(InvalidInput) as refused:
            define(code="CREDIT", name="x", kind="credit", money=EUR, price=bad)
        assert refused.value.code == "units.bad_price"
        assert refused.value.field == "price"
    with pytest.raises(InvalidInput) as kind:
        define(code="CREDIT", name="x", kind="euros", money=EUR)
    assert kind.value.code == "units.bad_kind"
    with pytest.raises(InvalidInput) as dest:
        define(code="CREDIT", name="x", kind="credit", money=EUR, destination="bank")
    assert dest.value.code == "units.bad_purchase_account"
    assert (
        define(
            code="CREDIT", name="x", kind="credit", money=EUR, destination="project:four"
        ).purchase_account
        == "fund:project:four"
    )


def test_twenty_credits_at_fifty_cents_cost_ten_euros() -> None:
    unit = define(code="CREDIT", name="Crédits", kind="credit", money=EUR, price="0.50")
    assert rate(unit, EUR) == 50
    assert purchase_cost(unit, 20, EUR) == 1000
    lines = buy_entry(
        unit,
        member_id=2,
        quantity=20,
        cost=1000,
        money=EUR,
        cause="unit_operation:1",
        occurred_at=NOW,
    ).postings
    assert [(p.account, p.amount, p.currency) for p in lines] == [
        ("bank", 1000, "EUR"),
        ("fund:operations", -1000, "EUR"),
        ("units:CREDIT", 20, "CREDIT"),
        ("member:2", -20, "CREDIT"),
    ]


def test_a_purchase_that_is_not_whole_cents_is_refused_naming_the_nearest_quantities() -> None:
    unit = define(code="CREDIT", name="Crédits", kind="credit", money=EUR, price="0.125")
    assert purchase_cost(unit, 8, EUR) == 100
    with pytest.raises(InvalidInput) as refused:
        purchase_cost(unit, 9, EUR)  # 1.125 €
    assert refused.value.code == "units.inexact_purchase"
    assert refused.value.field == "quantity"
    assert refused.value.params == {"below": "8", "above": "10"}
    assert "buy 8 or 10 CREDIT" in refused.value.message


@given(
    cents=st.integers(1, 10**6),
    places=st.integers(0, 4),
    quantity=st.integers(1, 10**6),
)
def test_a_purchase_costs_exactly_quantity_times_price_or_is_refused(
    cents: int, places: int, quantity: int
) -> None:
    price = Decimal(cents).scaleb(-places)
    unit = define(code="CREDIT", name="c", kind="credit", money=EUR, price=str(price))
    exact = price * quantity * 100
    if exact == exact.to_integral_value():
        assert purchase_cost(unit, quantity, EUR) == int(exact)
    else:
        with pytest.raises(InvalidInput) as refused:
            purchase_cost(unit, quantity, EUR)
        below, above = (int(refused.value.params[k]) for k in ("below", "above"))
        assert below < quantity < above or below == above > quantity
        # the quantities it names cost whole cents (0 is never named)
        for named in {below, above} - {0}:
            assert purchase_cost(unit, named, EUR) * 1 == price * named * 100


def test_the_negative_limit() -> None:
    hours = define(code="HOUR", name="Heures", kind="time", money=EUR)
    check_balance_after(hours, balance=0, paying=1000)  # down to −10 h exactly
    with pytest.raises(InvalidInput) as refused:
        check_balance_after(hours, balance=-200, paying=900)
    assert refused.value.code == "units.insufficient_balance"
    assert refused.value.params == {"balance": "-2.00", "limit": "10.00", "unit": "HOUR"}
    assert "-2.00 HOUR" in refused.value.message and "-10.00 HOUR" in refused.value.message
    credits = define(code="CREDIT", name="Crédits", kind="credit", money=EUR)
    check_balance_after(credits, balance=12, paying=12)
    with pytest.raises(InvalidInput):
        check_balance_after(credits, balance=12, paying=13)


def test_earning_per_contribution_or_per_hour() -> None:
    assert earned(EarningRule("CREDIT", "entraide", EarnPer.CONTRIBUTION, 5), None) == 5
    per_hour = EarningRule("CREDIT", "atelier", EarnPer.HOUR, 3)
    assert earned(per_hour, Decimal("2.5")) == 8  # 7.5 rounded half up
    assert earned(per_hour, Decimal("1.25")) == 4  # 3.75
    with pytest.raises(InvalidInput) as no_hours:
        earned(per_hour, None)
    assert no_hours.value.code == "units.no_hours"


def test_spend_and_exchange_entries() -> None:
    unit = define(code="HOUR", name="Heures", kind="time", money=EUR)
    retired = payment_entry(
        unit, payer_id=3, payee_id=None, quantity=50, cause="c", memo="m", occurred_at=NOW
    )
    assert [(p.account, p.amount) for p in retired.postings] == [
        ("member:3", 50),
        ("units:HOUR", -50),
    ]
    paid = payment_entry(
        unit, payer_id=3, payee_id=2, quantity=200, cause="c", memo="m", occurred_at=NOW
    )
    assert [(p.account, p.amount) for p in paid.postings] == [("member:3", 200), ("member:2", -200)]
    issued = issue_entry(unit, member_id=2, quantity=5, cause="c", memo="m", occurred_at=NOW)
    assert [(p.account, p.amount) for p in issued.postings] == [("units:HOUR", 5), ("member:2", -5)]
