"""Power from contribution: weights within a college, capped, counted exactly."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.errors import InvalidInput
from partage.core.governance.tally import College, Rules, Vote, tally
from partage.core.governance.weighted import (
    check_power,
    contribution_weight,
    distribution_weights,
    weighted_tally,
)

WORKERS = College("workers", members=("ana", "ben", "cyd"), weight=Decimal(60))
USERS = College("users", members=("dan", "eve"), weight=Decimal(40))


def test_a_weight_grows_with_hours_up_to_the_cap() -> None:
    step, cap = Decimal(10), Decimal(3)
    assert contribution_weight(Decimal(0), hours_per_step=step, cap=cap) == 1
    assert contribution_weight(Decimal(5), hours_per_step=step, cap=cap) == Fraction(3, 2)
    assert contribution_weight(Decimal(20), hours_per_step=step, cap=cap) == 3
    assert contribution_weight(Decimal(400), hours_per_step=step, cap=cap) == 3


def test_within_a_college_the_contributor_weighs_more_between_colleges_nothing_moves() -> None:
    rules = Rules("college_vote")
    votes = [
        Vote("ana", "agree"),
        Vote("ben", "disagree"),
        Vote("cyd", "disagree"),
        Vote("dan", "agree"),
        Vote("eve", "disagree"),
    ]
    plain = tally(rules, [WORKERS, USERS], votes)
    # 60 × 1/3 + 40 × 1/2 = 40 %: rejected.
    assert plain.result == Fraction(2, 5) and plain.outcome == "rejected"
    weighted = weighted_tally(rules, [WORKERS, USERS], votes, {"ana": Fraction(3)})
    # ana weighs 3 among workers: 60 × 3/5 + 40 × 1/2 = 56 %: passed.
    assert weighted.result == Fraction(14, 25) and weighted.outcome == "passed"
    assert weighted.colleges == plain.colleges  # counts in people, colleges' weights untouched


@given(
    choices=st.lists(st.sampled_from(["agree", "disagree", "abstain"]), min_size=5, max_size=5),
    data=st.data(),
)
def test_with_every_weight_one_it_is_the_plain_tally(
    choices: list[str], data: st.DataObject
) -> None:
    voters = ["ana", "ben", "cyd", "dan", "eve"]
    votes = [Vote(v, c) for v, c in zip(voters, choices, strict=True)]
    order = data.draw(st.permutations(votes))
    rules = Rules("college_vote", threshold="two_thirds")
    plain = tally(rules, [WORKERS, USERS], votes)
    weighted = weighted_tally(rules, [WORKERS, USERS], order, {v: Fraction(1) for v in voters})
    assert (weighted.outcome, weighted.result) == (plain.outcome, plain.result)


def test_a_cap_below_one_or_a_step_of_zero_is_refused() -> None:
    with pytest.raises(InvalidInput, match="from 1 to 100"):
        check_power(Decimal("0.5"), Decimal(10))
    with pytest.raises(InvalidInput, match="above 0"):
        check_power(Decimal(2), Decimal(0))


def test_a_weight_grows_in_steps_of_the_average_payout_up_to_the_cap() -> None:
    # Paid 30, 10, 20 (minor units or not: only ratios count), average 20; Eve paid nothing.
    payouts = {"ana": 3000, "ben": 1000, "cyd": 2000, "eve": 0}
    weights = distribution_weights(payouts, cap=Decimal(2))
    assert weights == {"ana": 2, "ben": Fraction(3, 2), "cyd": 2}
    assert distribution_weights(payouts, cap=Decimal(3))["ana"] == Fraction(5, 2)
    assert distribution_weights({"ana": 0}, cap=Decimal(3)) == {}


@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 10**12), max_size=8),
    st.integers(1, 100),
    st.integers(1, 1000),
)
def test_payout_weights_lie_between_one_and_the_cap_and_ignore_the_scale(
    payouts: dict[str, int], cap: int, scale: int
) -> None:
    weights = distribution_weights(payouts, cap=Decimal(cap))
    assert all(1 <= w <= cap for w in weights.values())
    assert set(weights) == {m for m, amount in payouts.items() if amount > 0}
    scaled = {m: amount * scale for m, amount in payouts.items()}
    assert distribution_weights(scaled, cap=Decimal(cap)) == weights
