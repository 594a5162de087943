"""The batch engine splits many transactions as the scalar engine splits each one."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partage.core.currency import iso_currency
from partage.core.errors import InvalidInput
from partage.core.splits.batch import split_batch
from partage.core.splits.engine import Line, split_transaction
from partage.core.splits.rules import Commission, Destination, RuleSet, SplitLine, parse_rules

EUR = iso_currency("EUR")

MARKET = parse_rules(
    {
        "commissions": {
            "producer": {"rate": "12", "fixed": "0.30", "cap": "20"},
            "courier": {"rate": "5", "floor": "0.50"},
        },
        "splits": [
            {"of": "commission", "to": "reserve", "percent": "30"},
            {"of": "commission", "to": "commons", "percent": "20"},
            {"of": "amount", "to": "party:referrer", "percent": "1"},
        ],
    },
    currency=EUR,
)


def test_three_sales_split_together_as_one_by_one() -> None:
    batch = split_batch(
        MARKET,
        amounts=[4999, 20, 1000],
        statuses=["producer", "courier", "baker"],
        payees=["member:1", "member:2", "member:3"],
        parties=[{"referrer": "member:9"}, {"referrer": "member:9"}, {}],
    )
    # 49.99 by a producer: 12 % = 6.00 + 0.30 = 6.30; reserve 1.89, commons 1.26,
    # operations 3.15; the referrer 1 % = 0.50; the producer 49.99 − 6.30 − 0.50 = 43.19.
    assert batch.split(0).lines == (
        Line("net", "member:1", 4319),
        Line("commission", "fund:reserve", 189),
        Line("commission", "fund:commons", 126),
        Line("commission", "fund:operations", 315),
        Line("amount", "member:9", 50),
    )
    # 0.20 by a courier: the referrer's 1 % rounds to 0; the floor of 0.50 is lowered to
    # the whole 0.20: reserve 0.06, commons 0.04, operations 0.10, nothing left to pay.
    assert batch.split(1).commission == 20
    assert batch.split(1).lines == (
        Line("commission", "fund:reserve", 6),
        Line("commission", "fund:commons", 4),
        Line("commission", "fund:operations", 10),
    )
    with pytest.raises(InvalidInput) as caught:
        batch.split(2)
    assert caught.value.code == "transaction.unknown_status"
    assert set(batch.errors) == {2}


def test_a_missing_party_is_that_row_s_refusal() -> None:
    batch = split_batch(
        MARKET, amounts=[1000], statuses=["producer"], payees=["member:1"], parties=[{}]
    )
    assert batch.errors[0].code == "transaction.missing_party"


shares = st.integers(min_value=0, max_value=10_000).map(lambda n: Fraction(n, 100_000))
destinations = st.sampled_from(
    [Destination("operations"), Destination("reserve"), Destination("project", "a")]
    + [Destination("member", str(i)) for i in (1, 2)]
    + [Destination("party", "referrer"), Destination("party", "driver")]
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
    commissions = {}
    for status in ("a", "b"):
        rate = min(Fraction(draw(st.integers(0, 10_000)), draw(st.sampled_from([7, 10_000]))), 1)
        rate = min(rate, 1 - of_amount)
        cap = draw(st.none() | st.integers(0, 10**7))
        floor = draw(st.integers(0, cap if cap is not None else 10**6))
        commissions[status] = Commission(rate, draw(st.integers(0, 10**5)), floor, cap)
    return RuleSet("EUR", commissions, tuple(lines), draw(destinations))


amounts = st.integers(1, 5) | st.integers(1, 10**6) | st.integers(1, 10**17)
parties = st.fixed_dictionaries(
    {},
    optional={
        "referrer": st.sampled_from(["member:1", "member:7"]),
        "driver": st.sampled_from(["member:2", "member:7"]),
    },
)


@settings(max_examples=300)
@given(
    rule_sets(),
    st.lists(
        st.tuples(amounts | st.integers(-3, 0), st.sampled_from(["a", "b", "c"]), parties),
        min_size=1,
        max_size=30,
    ),
)
def test_batch_equals_the_scalar_engine_row_by_row(
    rules: RuleSet, rows: list[tuple[int, str, dict[str, str]]]
) -> None:
    batch = split_batch(
        rules,
        amounts=[a for a, _, _ in rows],
        statuses=[s for _, s, _ in rows],
        payees=[f"member:{100 + i}" for i in range(len(rows))],
        parties=[p for _, _, p in rows],
    )
    for i, (amount, status, roles) in enumerate(rows):
        try:
            expected = split_transaction(
                rules,
                amount=amount,
                status=status,
                payee_account=f"member:{100 + i}",
                parties=roles,
            )
        except InvalidInput as error:
            assert batch.errors[i].code == error.code
            continue
        assert batch.split(i) == expected
