"""Quadratic funding: Gitcoin's CLR on the research note's computed examples, and properties."""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.errors import InvalidInput
from partage.core.models.quadratic_funding import root
from partage.core.money import format_minor
from tests.core.models.helpers import run, run_json

MODEL = {"type": "quadratic_funding"}


def fund(funder: str, project: str, amount: str) -> dict[str, str]:
    return {"from": funder, "project": project, "amount": amount}


# A: four donors of 1 → match 12; B: one donor of 4 → 0; C: donors of 9 and 1 → 6.
ABC = [fund(f"d{i}", "A", "1") for i in range(4)] + [
    fund("erin", "B", "4"),
    fund("fred", "C", "9"),
    fund("gail", "C", "1"),
]


def test_a_pool_of_10_scales_the_matches_down() -> None:
    r = run_json(MODEL, budget="10", funding=ABC)
    # Exact shares: A 10 × 12/18 = 6.666…, C 10 × 6/18 = 3.333…. Their floors, 6.66 and 3.33,
    # leave one cent; it goes to the larger remainder (A: 0.666… of a cent against 0.333…).
    assert r["allocations"] == {"A": "6.67", "B": "0.00", "C": "3.33"}
    assert r["unallocated"] == "0.00" and r["scaled_down"] is True
    assert r["matches"] == {"A": "12.00", "B": "0.00", "C": "6.00"}
    assert r["contributions"] == {"A": "4.00", "B": "4.00", "C": "10.00"}
    assert "scaled by 55.5556 %" in r["explanations"]["A"]
    assert "A single funder brings no match" in r["explanations"]["B"]


def test_a_pool_of_100_pays_each_match_and_keeps_the_rest() -> None:
    r = run_json(MODEL, budget="100", funding=ABC)
    assert r["allocations"] == {"A": "12.00", "B": "0.00", "C": "6.00"}
    assert r["unallocated"] == "82.00" and r["scaled_down"] is False
    assert "fred 9.00 EUR, gail 1.00 EUR" in r["explanations"]["C"]


def test_one_funders_contributions_are_added_first() -> None:
    # dan gives 1 twice (2 in all) and erin 8: 2 · √(200 · 800) = 2 · 400 cents, exactly 8.
    funding = [fund("dan", "p", "1"), fund("erin", "p", "8"), fund("dan", "p", "1")]
    r = run_json(MODEL, budget="100", funding=funding)
    assert r["matches"] == {"p": "8.00"} and r["allocations"] == {"p": "8.00"}
    assert r["contributions"] == {"p": "10.00"}


def test_an_irrational_match_is_rounded_down_in_total() -> None:
    # 2 · √(100 · 200) = 282.842712474619009760… cents.
    r = run_json(MODEL, budget="100", funding=[fund("a", "p", "1"), fund("b", "p", "2")])
    assert r["allocations"] == {"p": "2.82"} and r["unallocated"] == "97.18"
    assert r["matches"] == {"p": "2.82842712474619"}
    assert "square roots to 40 decimal places" in r["explanations"]["p"]


def test_square_roots_are_exact_or_good_to_40_places() -> None:
    assert root(160000) == (Fraction(400), True)
    assert root(0) == (Fraction(0), True)
    value, exact = root(2)
    assert not exact
    with localcontext() as ctx:
        ctx.prec = 80
        true = Decimal(2).sqrt()
        error = true - Decimal(value.numerator) / Decimal(value.denominator)
    assert 0 <= error < Decimal("1e-40")
    big = 10**30 + 1
    value, exact = root(big * (big + 2))  # (big+1)² − 1: just short of a square
    assert not exact and abs(value - (big + 1)) < 1


def test_many_equal_donors_are_counted_together() -> None:
    funding = [fund(f"m{i}", "commons", "1") for i in range(5000)] + [fund("w", "commons", "4")]
    r = run(MODEL, budget="1000000000", funding=funding)
    # 5000 donors of 100 cents: C(5000, 2) pairs of 100; with w (400): 5000 pairs of 200.
    expected = 2 * (5000 * 4999 // 2 * 100 + 5000 * 200)
    assert r.allocations == {"commons": expected}


def test_no_funding_pays_nothing() -> None:
    r = run(MODEL, budget="100")
    assert r.allocations == {} and r.unallocated == 100_00
    r = run(MODEL, budget="100", funding=[fund("a", "p", "0"), fund("b", "p", "5")])
    assert r.allocations == {"p": 0} and r.unallocated == 100_00


@pytest.mark.parametrize(
    ("model", "sections", "field"),
    [
        ({**MODEL, "pool": "10"}, {}, "models[0].pool"),
        (MODEL, {"funding": [fund("a", "p", "-1")]}, "funding[0].amount"),
        (MODEL, {"funding": [fund("a", "p", "0.001")]}, "funding[0].amount"),
        (MODEL, {"funding": [{"from": "a", "amount": "1"}]}, "funding[0].project"),
    ],
)
def test_bad_input_names_its_field(
    model: dict[str, object], sections: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        run(model, **sections)
    assert err.value.field == field


def exact_match(amounts: list[int]) -> Decimal:
    """(Σ √c)² − Σ c to 60 digits: the other side of the identity the model computes by."""
    with localcontext() as ctx:
        ctx.prec = 60
        roots = sum((Decimal(a).sqrt() for a in amounts), Decimal(0))
        return roots * roots - sum(amounts)


projects = st.sampled_from(["garden", "kitchen", "Radio", "école"])
funders = st.sampled_from(["ann", "ben", "cem", "dee", "eve", "fay"])


@given(
    rows=st.lists(st.tuples(funders, projects, st.integers(0, 50_000)), max_size=20),
    budget=st.integers(0, 10**5),
    seed=st.randoms(use_true_random=False),
)
def test_sum_rule_exactness_determinism_and_order(
    rows: list[tuple[str, str, int]], budget: int, seed: Any
) -> None:
    funding = [fund(f, p, format_minor(c, 2)) for f, p, c in rows]
    r = run(MODEL, budget=str(budget), funding=funding)
    minor = budget * 100
    assert r.paid + r.unallocated == minor
    per: dict[str, dict[str, int]] = {}
    for f, p, c in rows:
        per.setdefault(p, {}).setdefault(f, 0)
        per[p][f] += c
    matches = {p: exact_match(list(a.values())) for p, a in per.items()}
    total = sum(matches.values(), Decimal(0))
    # Under the pool, the paid total is Σ match rounded down, split in proportion to the
    # matches (base.pay_values); over it, the pool is. Each amount is within one minor unit of
    # its exact share of what is paid.
    paid = minor if total > minor else int(total + Decimal("1e-30"))
    assert r.paid == paid
    for project, amount in r.allocations.items():
        target = matches[project] * paid / total if total else Decimal(0)
        assert abs(amount - target) < Decimal("1.000000001")
    assert run(MODEL, budget=str(budget), funding=funding) == r
    shuffled = list(funding)
    seed.shuffle(shuffled)
    again = run(MODEL, budget=str(budget), funding=shuffled)
    assert again.allocations == r.allocations and again.explanations == r.explanations


@given(amounts=st.lists(st.integers(1, 400), min_size=2, max_size=6))
def test_whole_cent_matches_stay_whole(amounts: list[int]) -> None:
    # Squares of whole cents: every product is a perfect square, so the match is whole.
    funding = [fund(f"f{i}", "p", format_minor(a * a, 2)) for i, a in enumerate(amounts)]
    r = run_json(MODEL, budget="100000000", funding=funding)
    expected = sum(amounts) ** 2 - sum(a * a for a in amounts)
    assert r["allocations"]["p"] == format_minor(expected, 2)
    assert r["matches"]["p"] == r["allocations"]["p"]
