"""Peer allocation (Coordinape): the worked numbers of the research note, and properties."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.errors import InvalidInput
from tests.core.models.helpers import run, run_json

MODEL = {"type": "peer_allocation"}


def circle_of_1500() -> list[dict[str, Any]]:
    """Fifteen members give all their 100 GIVE: alice receives 75 of the 1500."""
    gifts: list[dict[str, Any]] = [
        {"from": "m01", "to": "alice", "points": 75},
        {"from": "m01", "to": "bob", "points": 25},
    ]
    gifts += [{"from": f"m{i:02}", "to": "bob", "points": 100} for i in range(2, 16)]
    return gifts


def test_75_of_1500_give_with_50000_is_2500() -> None:
    r = run(MODEL, currency="USD", budget="50000", gifts=circle_of_1500())
    assert r.allocations["alice"] == 2_500_00
    assert r.allocations["bob"] == 47_500_00
    assert r.unallocated == 0
    assert r.extras["received"]["alice"] == 75 and r.extras["given"]["m01"] == 100
    assert "Received 75 of the 1500 points given (5 %)" in r.explanations["alice"]


def test_100_of_1000_give_with_50000_is_5000() -> None:
    # Ten members each give 100; carol receives 100 of the 1000.
    gifts = [{"from": "m0", "to": "carol", "points": 100}]
    gifts += [{"from": f"m{i}", "to": "dan", "points": 100} for i in range(1, 10)]
    r = run(MODEL, currency="USD", budget="50000", gifts=gifts)
    assert r.allocations["carol"] == 5_000_00
    assert r.allocations["dan"] == 45_000_00


def test_unspent_points_are_lost_and_givers_are_listed() -> None:
    gifts = [
        {"from": "alice", "to": "bob", "points": 30},
        {"from": "bob", "to": "alice", "points": 10},
    ]
    r = run(MODEL, budget="100", gifts=gifts)
    # 40 points were given in all: bob 30/40, alice 10/40; 160 unspent points count for nothing.
    assert r.allocations == {"alice": 25_00, "bob": 75_00}
    assert "Gave 30 of 100 points; the 70 unspent are lost." in r.explanations["alice"]


def test_opted_out_members_receive_nothing_and_their_points_do_not_count() -> None:
    gifts = [
        {"from": "alice", "to": "bob", "points": 50},
        {"from": "alice", "to": "carol", "points": 50},
        {"from": "bob", "to": "carol", "points": 100},
        {"from": "carol", "to": "alice", "points": 100},
    ]
    r = run_json({**MODEL, "opt_out": ["carol"]}, budget="300", gifts=gifts)
    # carol's 150 points are not counted: alice 100 and bob 50 of 150.
    assert r["allocations"] == {"alice": "200.00", "bob": "100.00", "carol": "0.00"}
    assert r["opted_out"] == ["carol"]
    assert r["received"] == {"alice": 100, "bob": 50, "carol": 150}
    assert "Opted out of receiving: the 150 points" in r["explanations"]["carol"]
    assert (
        "150 points given to members who opted out are not counted" in (r["explanations"]["alice"])
    )


def test_a_smaller_allowance_and_a_giver_over_it() -> None:
    gifts = [
        {"from": "alice", "to": "bob", "points": 10},
        {"from": "alice", "to": "carol", "points": 15},
    ]
    ok = run({**MODEL, "points_per_member": 25}, budget="10", gifts=gifts)
    assert ok.allocations == {"alice": 0, "bob": 4_00, "carol": 6_00}
    with pytest.raises(InvalidInput) as err:
        run({**MODEL, "points_per_member": 20}, budget="10", gifts=gifts)
    assert err.value.field == "gifts[1].points"
    assert "alice gives 25 points in total, more than the 20" in err.value.message


def test_largest_remainder_thirds() -> None:
    gifts = [{"from": "z", "to": name, "points": 1} for name in ("carol", "alice", "bob")]
    r = run(MODEL, budget="1000", gifts=gifts)
    # 1000.00 / 3: the extra cent goes to the first member in code-point order.
    assert r.allocations == {"alice": 33334, "bob": 33333, "carol": 33333, "z": 0}


def test_nobody_received_pays_nothing() -> None:
    r = run(MODEL, budget="100", gifts=[{"from": "a", "to": "b", "points": 0}])
    assert r.allocations == {"a": 0, "b": 0} and r.unallocated == 100_00
    assert "nothing is paid" in r.explanations["b"]
    everyone_out = run(
        {**MODEL, "opt_out": ["b"]}, budget="100", gifts=[{"from": "a", "to": "b", "points": 5}]
    )
    assert everyone_out.allocations == {"a": 0, "b": 0} and everyone_out.unallocated == 100_00
    empty = run(MODEL, budget="100")
    assert empty.allocations == {} and empty.unallocated == 100_00


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ({**MODEL, "points_per_member": 0}, "models[0].points_per_member"),
        ({**MODEL, "points_per_member": "100"}, "models[0].points_per_member"),
        ({**MODEL, "points_per_member": True}, "models[0].points_per_member"),
        ({**MODEL, "opt_out": "bob"}, "models[0].opt_out"),
        ({**MODEL, "opt_out": ["bob", ""]}, "models[0].opt_out[1]"),
        ({**MODEL, "points": 100}, "models[0].points"),
    ],
)
def test_bad_parameters_name_their_field(model: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        run(model, gifts=[{"from": "a", "to": "bob", "points": 5}])
    assert err.value.field == field


names = st.sampled_from(["alice", "bob", "carol", "dario", "émile", "Zoé", "ana"])
gift_lists = st.lists(
    st.tuples(names, names, st.integers(0, 20)).filter(lambda g: g[0] != g[1]), max_size=25
)


@given(
    rows=gift_lists,
    out=st.lists(names, max_size=2),
    budget=st.integers(0, 10**7),
    seed=st.randoms(use_true_random=False),
)
def test_sum_rule_exactness_determinism_and_order(
    rows: list[tuple[str, str, int]], out: list[str], budget: int, seed: Any
) -> None:
    gifts = [{"from": a, "to": b, "points": p} for a, b, p in rows]
    model = {**MODEL, "points_per_member": 1000, "opt_out": out}
    r = run(model, budget=str(budget), gifts=gifts)
    minor = budget * 100
    assert r.paid + r.unallocated == minor
    counted = {
        name: sum(p for _, b, p in rows if b == name and name not in out) for name in r.allocations
    }
    total = sum(counted.values())
    assert r.unallocated == (0 if total else minor)
    for name, amount in r.allocations.items():
        exact = Fraction(minor * counted[name], total) if total else Fraction(0)
        assert abs(amount - exact) < 1
    assert run(model, budget=str(budget), gifts=gifts) == r
    shuffled = list(gifts)
    seed.shuffle(shuffled)
    again = run({**model, "opt_out": out[::-1]}, budget=str(budget), gifts=shuffled)
    assert again.allocations == r.allocations and again.explanations == r.explanations
