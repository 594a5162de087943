"""Proportional, rate grid and contributive round: worked numbers and properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.errors import InvalidInput
from tests.core.models.helpers import run, run_json

names = st.sampled_from(["alice", "bob", "carol", "dario", "émile", "Zoé", "ana"])


def test_proportional_by_given_weights_thirds() -> None:
    r = run({"type": "proportional", "weights": {"bob": "1", "alice": "1", "carol": "1"}})
    # 1000.00 / 3: the extra cent goes to the first recipient in code-point order.
    assert r.allocations == {"alice": 33334, "bob": 33333, "carol": 33333}
    assert r.unallocated == 0
    assert "33.33 %" in r.explanations["alice"]


def test_proportional_by_hours_from_contributions() -> None:
    contributions = [
        {"recipient": "alice", "hours": "10"},
        {"recipient": "bob", "hours": "5"},
        {"recipient": "alice", "hours": "5"},
    ]
    r = run({"type": "proportional", "by": "hours"}, contributions=contributions)
    assert r.allocations == {"alice": 75000, "bob": 25000}


def test_proportional_with_no_weight_pays_nothing() -> None:
    r = run(
        {"type": "proportional", "by": "quantity"}, contributions=[{"recipient": "a", "hours": "1"}]
    )
    assert r.allocations == {"a": 0} and r.unallocated == 100000


def test_rate_grid_under_budget_pays_values_and_keeps_the_rest() -> None:
    contributions = [
        {"recipient": "alice", "activity": "dev", "hours": "10"},
        {"recipient": "bob", "activity": "design", "hours": "2.5"},
        {"recipient": "carol", "activity": "chairs", "kind": "non_cash", "quantity": "3"},
        {"recipient": "dario", "activity": "unknown", "hours": "4"},
    ]
    r = run(
        {"type": "rate_grid", "rates": {"dev": "20.00", "design": "30.00", "chairs": "15.50"}},
        contributions=contributions,
    )
    assert r.allocations == {"alice": 20000, "bob": 7500, "carol": 4650, "dario": 0}
    assert r.unallocated == 100000 - 32150
    assert r.extras["unrated"] == ["contributions[3] (unknown)"]
    assert "10 h × 20.00 EUR" in r.explanations["alice"]


def test_rate_grid_over_budget_scales_everyone() -> None:
    contributions = [
        {"recipient": "alice", "activity": "dev", "hours": "60"},
        {"recipient": "bob", "activity": "dev", "hours": "40"},
    ]
    r = run({"type": "rate_grid", "rates": {"dev": "20.00"}}, contributions=contributions)
    assert r.allocations == {"alice": 60000, "bob": 40000}  # 2000 of value into 1000
    assert r.extras["scaled_down"] is True


def test_rate_grid_self_set_rates() -> None:
    contributions = [
        {"recipient": "alice", "activity": "dev", "hours": "10", "rate": "35.00"},
        {"recipient": "bob", "activity": "dev", "hours": "10"},
    ]
    grid = {"type": "rate_grid", "rates": {"dev": "20.00"}}
    assert run(grid, contributions=contributions).allocations == {"alice": 20000, "bob": 20000}
    own = run({**grid, "self_set": True}, contributions=contributions)
    assert own.allocations == {"alice": 35000, "bob": 20000}


def test_rate_grid_fractional_values_round_down_in_total() -> None:
    contributions = [
        {"recipient": "a", "activity": "x", "hours": "1"},
        {"recipient": "b", "activity": "x", "hours": "1"},
        {"recipient": "c", "activity": "x", "hours": "1"},
    ]
    r = run({"type": "rate_grid", "rates": {"x": "0.3333"}}, contributions=contributions)
    # Each is worth 33.33 cents exactly; the total 99.99 cents rounds down to 99.
    assert sum(r.allocations.values()) == 99 and r.unallocated == 100000 - 99


CLAIMS = [
    {"recipient": "bob", "amount": "600.00", "accepted_at": "2026-05-02T10:00:00Z"},
    {"recipient": "alice", "amount": "500.00", "accepted_at": "2026-05-01T10:00:00Z"},
    {"recipient": "carol", "amount": "100.00", "accepted_at": "2026-05-03T10:00:00Z"},
]


def test_contributive_round_policies() -> None:
    pro = run({"type": "contributive_round", "policy": "pro_rata"}, claims=CLAIMS)
    assert pro.allocations == {"alice": 41667, "bob": 50000, "carol": 8333}
    ordered = run({"type": "contributive_round", "policy": "in_order"}, claims=CLAIMS)
    assert ordered.allocations == {"alice": 50000, "bob": 50000, "carol": 0}
    debt = run_json({"type": "contributive_round", "policy": "debt"}, claims=CLAIMS)
    assert debt["debts"] == {"bob": "100.00", "carol": "100.00"}
    assert debt["allocations"] == {"alice": "500.00", "bob": "500.00", "carol": "0.00"}


def test_contributive_round_under_the_envelope() -> None:
    r = run({"type": "contributive_round", "policy": "pro_rata"}, budget="2000", claims=CLAIMS)
    assert r.allocations == {"alice": 50000, "bob": 60000, "carol": 10000}
    assert r.unallocated == 80000


def test_the_published_shape() -> None:
    body = run_json({"type": "proportional", "weights": {"a": "3", "b": "1"}})
    assert body["allocations"] == {"a": "750.00", "b": "250.00"}
    assert body["unallocated"] == "0.00" and body["budget"] == "1000.00"
    assert body["indicators"] == {
        "gini": "0.2500",
        "top_10_percent_share": "0.7500",
        "recipients": 2,
        "min": "250.00",
        "max": "750.00",
        "median": "500.00",
    }


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ({"type": "proportional", "weights": {"a": 1.5}}, "models[0].weights.a"),
        ({"type": "proportional", "by": "days"}, "models[0].by"),
        ({"type": "proportional", "weigths": {}}, "models[0].weigths"),
        ({"type": "rate_grid", "rates": {"dev": "-1"}}, "models[0].rates.dev"),
        ({"type": "contributive_round", "policy": "random"}, "models[0].policy"),
        ({"type": "lottery"}, "models[0].type"),
    ],
)
def test_bad_model_parameters_name_their_field(model: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        run(model)
    assert err.value.field == field


@given(
    weights=st.dictionaries(names, st.integers(0, 10**6), min_size=1, max_size=7),
    budget=st.integers(0, 10**9),
)
def test_proportional_sum_rule_and_one_unit(weights: dict[str, int], budget: int) -> None:
    w = {k: str(v) for k, v in weights.items()}
    r = run({"type": "proportional", "weights": w}, budget=str(budget))
    total = sum(weights.values())
    assert r.paid + r.unallocated == budget * 100
    if total:
        assert r.unallocated == 0
        for name, amount in r.allocations.items():
            assert abs(amount - Fraction(budget * 100 * weights[name], total)) < 1
    shuffled = dict(reversed(list(w.items())))
    assert (
        run({"type": "proportional", "weights": shuffled}, budget=str(budget)).allocations
        == r.allocations
    )


@given(
    rows=st.lists(
        st.tuples(names, st.sampled_from(["dev", "design"]), st.integers(0, 10_000)), max_size=20
    ),
    budget=st.integers(0, 10**7),
)
def test_rate_grid_sum_rule_and_order_invariance(
    rows: list[tuple[str, str, int]], budget: int
) -> None:
    contributions = [{"recipient": r, "activity": a, "hours": f"{h / 100}"} for r, a, h in rows]
    model = {"type": "rate_grid", "rates": {"dev": "20.00", "design": "12.34"}}
    r = run(model, budget=str(budget), contributions=contributions)
    assert r.paid + r.unallocated == budget * 100
    assert (
        run(model, budget=str(budget), contributions=contributions[::-1]).allocations
        == r.allocations
    )
