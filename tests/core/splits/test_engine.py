"""Splitting a transaction: worked examples, then conservation for any rule set."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.currency import iso_currency
from partage.core.errors import InvalidInput
from partage.core.ledger import entry
from partage.core.splits.engine import Line, destination_account, postings, split_transaction
from partage.core.splits.rules import Commission, Destination, RuleSet, SplitLine, parse_rules

EUR = iso_currency("EUR")

# A delivery cooperative: 12 % + 0.30 € on producers (capped at 20 €), 30 % of the
# commission to the impartible reserve, 20 % to a solidarity project, the rest to
# operations; 2 % of every sale to the contributors' pool.
DELIVERY = parse_rules(
    {
        "commissions": {"producer": {"rate": "12", "fixed": "0.30", "cap": "20"}},
        "splits": [
            {"of": "commission", "to": "reserve", "percent": "30"},
            {"of": "commission", "to": "project:solidarite", "percent": "20"},
            {"of": "amount", "to": "pool:contributeurs", "percent": "2"},
        ],
    },
    currency=EUR,
)


def test_a_49_99_sale_split_by_hand() -> None:
    split = split_transaction(DELIVERY, amount=4999, status="producer", payee_account="member:3")
    # commission: 12 % of 49.99 = 5.9988 → 6.00, + 0.30 = 6.30;
    # reserve 30 % = 1.89, solidarity 20 % = 1.26, operations the rest 3.15;
    # pool 2 % of 49.99 = 0.9998 → 1.00; the producer 49.99 − 6.30 − 1.00 = 42.69.
    assert split.commission == 630
    assert split.lines == (
        Line("net", "member:3", 4269),
        Line("commission", "fund:reserve", 189),
        Line("commission", "fund:project:solidarite", 126),
        Line("commission", "fund:operations", 315),
        Line("amount", "fund:pool:contributeurs", 100),
    )
    lines = postings(split, "EUR")
    assert lines[0] == ("bank", 4999, "EUR")
    entry(occurred_at=_now(), cause="transaction:1", memo="", postings=lines)  # balances


def test_share_coop_gives_20_percent_of_each_sale_to_solidarity() -> None:
    rules = parse_rules(
        {
            "commissions": {"agency": {"rate": "5"}},
            "splits": [{"of": "amount", "to": "project:solidarite", "percent": "20"}],
        },
        currency=EUR,
    )
    split = split_transaction(rules, amount=250_000_00, status="agency", payee_account="member:9")
    assert {line.account: line.amount for line in split.lines} == {
        "member:9": 187_500_00,
        "fund:operations": 12_500_00,
        "fund:project:solidarite": 50_000_00,
    }


def test_a_share_to_a_party_of_the_transaction_goes_to_that_member() -> None:
    rules = parse_rules(
        {
            "commissions": {"producer": {"rate": "10"}},
            "splits": [{"of": "commission", "to": "party:referrer", "percent": "25"}],
        },
        currency=EUR,
    )
    split = split_transaction(
        rules,
        amount=1000,
        status="producer",
        payee_account="member:3",
        parties={"referrer": "member:7"},
    )
    assert Line("commission", "member:7", 25) in split.lines
    with pytest.raises(InvalidInput) as caught:
        split_transaction(rules, amount=1000, status="producer", payee_account="member:3")
    assert caught.value.code == "transaction.missing_party"


def test_an_unknown_status_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        split_transaction(DELIVERY, amount=1000, status="client", payee_account="member:3")
    assert caught.value.code == "transaction.unknown_status"
    assert "producer" in caught.value.message


def test_a_fixed_fee_on_a_tiny_sale_takes_only_what_the_shares_of_the_amount_leave() -> None:
    split = split_transaction(DELIVERY, amount=10, status="producer", payee_account="member:3")
    # 2 % of 0.10 → 0.00 to the pool; the 0.31 commission is lowered to the 0.10 there is.
    assert split.commission == 10
    assert split.net == 0
    assert sum(line.amount for line in split.lines) == 10


def test_lines_to_the_same_account_within_a_part_are_one_line() -> None:
    rules = parse_rules(
        {
            "commissions": {"producer": {"rate": "10"}},
            "splits": [
                {"of": "commission", "to": "reserve", "percent": "50"},
                {"of": "commission", "to": "reserve", "percent": "10"},
                {"of": "amount", "to": "reserve", "percent": "1"},
            ],
        },
        currency=EUR,
    )
    split = split_transaction(rules, amount=10_000, status="producer", payee_account="member:1")
    assert [(line.part, line.account, line.amount) for line in split.lines] == [
        ("net", "member:1", 8900),
        ("commission", "fund:reserve", 600),
        ("commission", "fund:operations", 400),
        ("amount", "fund:reserve", 100),
    ]


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2026, 11, 1, 12, tzinfo=UTC)


shares = st.integers(min_value=0, max_value=10_000).map(lambda n: Fraction(n, 100_000))
destinations = st.sampled_from(
    [Destination("operations"), Destination("reserve"), Destination("project", "a")]
    + [Destination("member", str(i)) for i in (1, 2)]
)


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    lines = []
    for base in ("commission", "amount"):
        budget = Fraction(1) if base == "commission" else Fraction(draw(st.integers(0, 50)), 100)
        for _ in range(draw(st.integers(0, 4))):
            share = min(draw(shares) * 10, budget)
            budget -= share
            lines.append(SplitLine(base, draw(destinations), share))  # type: ignore[arg-type]
    of_amount = sum((line.share for line in lines if line.base == "amount"), Fraction(0))
    rate = min(Fraction(draw(st.integers(0, 10_000)), 10_000), 1 - of_amount)
    cap = draw(st.none() | st.integers(0, 10**7))
    floor = draw(st.integers(0, cap if cap is not None else 10**6))
    commission = Commission(rate, draw(st.integers(0, 10**5)), floor, cap)
    return RuleSet("EUR", {"s": commission}, tuple(lines), draw(destinations))


@given(rule_sets(), st.integers(min_value=1, max_value=10**15))
def test_any_rule_set_conserves_the_amount_to_the_cent(rules: RuleSet, amount: int) -> None:
    split = split_transaction(rules, amount=amount, status="s", payee_account="member:99")
    assert sum(line.amount for line in split.lines) == amount
    assert all(line.amount > 0 for line in split.lines)
    assert 0 <= split.commission <= amount
    commission_lines = sum(line.amount for line in split.lines if line.part == "commission")
    assert commission_lines == split.commission
    # each percentage share is within one minor unit of its exact share (merged lines: one
    # unit per share they gather)
    for base, total in (("commission", split.commission), ("amount", amount)):
        exact: dict[str, Fraction] = {}
        count: dict[str, int] = {}
        named = [(line.to, line.share) for line in rules.lines_of(base)]  # type: ignore[arg-type]
        if base == "commission":
            named.append((rules.rest_to, 1 - sum((s for _, s in named), Fraction(0))))
        for to, share in named:
            account = destination_account(to, {})
            exact[account] = exact.get(account, Fraction(0)) + share * total
            count[account] = count.get(account, 0) + 1
        got = {line.account: line.amount for line in split.lines if line.part == base}
        for account, value in exact.items():
            assert abs(got.get(account, 0) - value) < count[account]
    entry(occurred_at=_now(), cause="transaction:1", memo="", postings=postings(split, "EUR"))
