"""Split rule documents: read exactly, refused whole when a rule is broken."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from partage.core.currency import iso_currency
from partage.core.errors import InvalidInput
from partage.core.splits.rules import Commission, parse_rules, rules_document

EUR = iso_currency("EUR")

DELIVERY = {
    "currency": "EUR",
    "commissions": {
        "producer": {"rate": "12", "fixed": "0.30", "cap": "20"},
        "distributor": {"rate": "8"},
        "courier": {"rate": "0"},
    },
    "splits": [
        {"of": "commission", "to": "reserve", "percent": "30"},
        {"of": "commission", "to": "project:solidarite", "percent": "20", "label": "Solidarité"},
        {"of": "amount", "to": "pool:contributeurs", "percent": "2"},
    ],
}


def test_a_document_reads_exactly_and_writes_back_as_typed() -> None:
    rules = parse_rules(DELIVERY, currency=EUR)
    assert rules.statuses == ("courier", "distributor", "producer")
    assert rules.commissions["producer"] == Commission(
        rate=Fraction(12, 100), fixed=30, floor=0, cap=2000
    )
    assert [str(line.to) for line in rules.splits] == [
        "reserve",
        "project:solidarite",
        "pool:contributeurs",
    ]
    assert str(rules.rest_to) == "operations"
    doc = rules_document(rules, decimals=2)
    assert doc["commissions"]["producer"] == {"rate": "12", "fixed": "0.30", "cap": "20.00"}
    assert doc["splits"][1] == {
        "of": "commission",
        "to": "project:solidarite",
        "percent": "20",
        "label": "Solidarité",
    }
    assert parse_rules(doc, currency=EUR) == rules


@pytest.mark.parametrize(
    ("rate", "amount", "expected"),
    [
        ("12", 4999, 600),  # 599.88 → 600
        ("12.5", 100, 13),  # 12.5 → 13, halves up
        ("12.5", 99, 12),  # 12.375 → 12
        ("0", 1000, 0),
        ("100", 1000, 1000),
    ],
)
def test_a_rate_rounds_to_the_nearest_minor_unit_halves_up(
    rate: str, amount: int, expected: int
) -> None:
    rules = parse_rules({"commissions": {"seller": {"rate": rate}}}, currency=EUR)
    assert rules.commissions["seller"].on(amount) == expected


def test_fixed_floor_and_cap() -> None:
    fee = Commission(rate=Fraction(1, 10), fixed=30, floor=100, cap=500)
    assert fee.on(200) == 100  # 20 + 30 = 50, raised to the floor
    assert fee.on(3000) == 330
    assert fee.on(90_000) == 500  # capped
    assert fee.on(60) == 60  # below the floor: the whole amount, never more


def _refusal(doc: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_rules(doc, currency=EUR)
    return caught.value


def test_commission_shares_above_100_percent_are_refused() -> None:
    error = _refusal(
        {
            "commissions": {"producer": {"rate": "10"}},
            "splits": [
                {"of": "commission", "to": "reserve", "percent": "60"},
                {"of": "commission", "to": "commons", "percent": "40.01"},
            ],
        }
    )
    assert error.code == "rules.over_100"
    assert "100.01 %" in error.message


def test_a_rate_plus_the_shares_of_the_amount_above_100_percent_is_refused() -> None:
    error = _refusal(
        {
            "commissions": {"producer": {"rate": "15"}, "courier": {"rate": "90"}},
            "splits": [{"of": "amount", "to": "project:solidarite", "percent": "20"}],
        }
    )
    assert error.code == "rules.over_100"
    assert "'courier'" in error.message and "110 %" in error.message


@pytest.mark.parametrize(
    ("doc", "code", "field"),
    [
        ({"commissions": {}}, "rules.no_status", "commissions"),
        ({"commissions": {"Producer!": {"rate": "1"}}}, "rules.bad_status", "commissions"),
        ({"commissions": {"p": {"rate": "-1"}}}, "rules.bad_percent", "commissions.p.rate"),
        ({"commissions": {"p": {"rate": 0.1}}}, "rules.bad_percent", "commissions.p.rate"),
        ({"commissions": {"p": {"rate": "1e2"}}}, "rules.bad_percent", "commissions.p.rate"),
        (
            {"commissions": {"p": {"fixed": "0.001"}}},
            "amount.too_many_decimals",
            "commissions.p.fixed",
        ),
        ({"commissions": {"p": {"fixed": "-1"}}}, "amount.negative", "commissions.p.fixed"),
        (
            {"commissions": {"p": {"floor": "5", "cap": "2"}}},
            "rules.cap_below_floor",
            "commissions.p.cap",
        ),
        ({"commissions": {"p": {"rat": "5"}}}, "rules.unknown_field", "commissions.p.rat"),
        ({"currency": "USD", "commissions": {"p": {}}}, "currency.mismatch", "currency"),
        (
            {"commissions": {"p": {}}, "splits": [{"of": "gift", "to": "reserve", "percent": "1"}]},
            "rules.bad_split",
            "splits[0].of",
        ),
        (
            {"commissions": {"p": {}}, "splits": [{"to": "bank", "percent": "1"}]},
            "rules.bad_destination",
            "splits[0].to",
        ),
        (
            {"commissions": {"p": {}}, "splits": [{"to": "member:abc", "percent": "1"}]},
            "rules.bad_destination",
            "splits[0].to",
        ),
        (
            {"commissions": {"p": {}}, "splits": [{"to": "reserve"}]},
            "rules.bad_percent",
            "splits[0].percent",
        ),
        ({"commissions": {"p": {}}, "rest_to": "nowhere"}, "rules.bad_destination", "rest_to"),
        ([1, 2], "rules.bad_document", "rules"),
    ],
)
def test_each_broken_rule_is_named(doc: Any, code: str, field: str) -> None:
    error = _refusal(doc)
    assert (error.code, error.field) == (code, field)
