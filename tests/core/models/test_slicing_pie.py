"""Slicing Pie (dynamic equity): the research note's numbers, departures, properties."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.errors import InvalidInput
from tests.core.models.helpers import run, run_json

PIE = {"type": "slicing_pie"}
# The research note (§3): Alice works 100 h at a market salary of 100 000 with 50 000 paid
# (50 slices an hour); Bob puts in 1 000 in cash (×4).
ALICE = {
    "recipient": "alice",
    "activity": "dev",
    "hours": "100",
    "market_salary": "100000",
    "paid_salary": "50000",
}
BOB = {"recipient": "bob", "kind": "cash", "amount": "1000"}


def test_the_research_note_example() -> None:
    body = run_json(PIE, contributions=[ALICE, BOB])
    assert body["slices"] == {"alice": "5000", "bob": "4000"}
    assert body["shares"] == {"alice": "0.5556", "bob": "0.4444"}
    # 1000 × 5/9 = 555.555…, 1000 × 4/9 = 444.444…
    assert body["allocations"] == {"alice": "555.56", "bob": "444.44"}
    assert body["unallocated"] == "0.00"
    assert (
        "dev: 100 h × (market salary 100000.00 EUR − paid 50000.00 EUR) / 2000 h × 2 "
        "= 5000 slices" in body["explanations"]["alice"]
    )
    assert "cash 1000.00 EUR × 4 = 4000 slices" in body["explanations"]["bob"]
    assert "(55.56 %)" in body["explanations"]["alice"]
    assert "rounded by largest remainder to 555.56 EUR" in body["explanations"]["alice"]


def test_fifty_slices_an_hour_half_paid_a_hundred_unpaid() -> None:
    half = {**ALICE, "hours": "1"}
    unpaid = {"recipient": "carl", "hours": "1", "market_salary": "100000"}
    body = run_json(PIE, contributions=[half, unpaid])
    assert body["slices"] == {"alice": "50", "carl": "100"}
    assert body["allocations"] == {"alice": "333.33", "carl": "666.67"}


def test_a_time_contribution_may_give_its_market_rate_per_hour() -> None:
    by_rate = {"recipient": "dora", "hours": "10", "rate": "50.00", "paid_salary": "50000"}
    body = run_json(PIE, contributions=[by_rate])
    # 50 €/h × 2000 h = 100 000 a year at market, 50 000 paid → 50 slices an hour.
    assert body["slices"] == {"dora": "500"}
    assert "market rate 50.00 EUR/h × 2000 h" in body["explanations"]["dora"]


def test_a_salary_above_the_market_earns_no_slices() -> None:
    overpaid = {"recipient": "eli", "hours": "40", "market_salary": "30000", "paid_salary": "40000"}
    body = run_json(PIE, contributions=[overpaid, BOB])
    assert body["slices"] == {"bob": "4000", "eli": "0"}
    assert "paid at or above the market, 0 slices" in body["explanations"]["eli"]
    assert body["allocations"] == {"bob": "1000.00", "eli": "0.00"}


def test_non_cash_and_use_are_worth_twice_their_value() -> None:
    contributions = [
        {"recipient": "fay", "kind": "non_cash", "activity": "laptop", "amount": "800"},
        {"recipient": "gus", "kind": "use", "activity": "van", "quantity": "3", "rate": "20"},
        {"recipient": "gus", "kind": "non_cash", "activity": "chairs", "quantity": "4"},
        {"recipient": "hal", "hours": "5"},
    ]
    body = run_json(PIE, contributions=contributions)
    assert body["slices"] == {"fay": "1600", "gus": "120", "hal": "0"}
    assert body["unvalued"] == ["contributions[2]", "contributions[3]"]
    assert "van: 3 units × 20.00 EUR × 2 = 120 slices" in body["explanations"]["gus"]
    assert "4 units with no rate: 0 slices" in body["explanations"]["gus"]
    assert "5 h with no market salary nor rate: 0 slices" in body["explanations"]["hal"]


def test_the_multipliers_and_hours_are_parameters() -> None:
    model = {
        **PIE,
        "hours_per_year": "1600",
        "time_multiplier": "1",
        "non_cash_multiplier": "1.5",
        "cash_multiplier": "2",
    }
    laptop = {"recipient": "fay", "kind": "non_cash", "amount": "100"}
    body = run_json(model, contributions=[ALICE, BOB, laptop])
    # 100 h × 50 000 / 1600 × 1 = 3125; 1000 × 2; 100 × 1.5.
    assert body["slices"] == {"alice": "3125", "bob": "2000", "fay": "150"}


def test_no_slice_at_all_pays_nothing() -> None:
    r = run(PIE, contributions=[{"recipient": "ivy", "hours": "3"}])
    assert r.allocations == {"ivy": 0} and r.unallocated == 100000
    assert "No one has a slice" in r.explanations["ivy"]
    assert run_json(PIE)["allocations"] == {}


SAM = [
    {"recipient": "sam", "hours": "10", "market_salary": "100000"},  # 1000 slices
    {"recipient": "sam", "kind": "non_cash", "amount": "250"},  # 500 slices
    {"recipient": "sam", "kind": "cash", "amount": "125"},  # 500 slices
]


@pytest.mark.parametrize("reason", ["good_reason", "fired_without_cause"])
def test_leaving_for_a_good_reason_keeps_every_slice(reason: str) -> None:
    departures = [{"recipient": "sam", "reason": reason}]
    body = run_json({**PIE, "departures": departures}, contributions=[*SAM, BOB])
    assert body["slices"] == {"bob": "4000", "sam": "2000"}
    assert body["allocations"] == {"bob": "666.67", "sam": "333.33"}
    assert "Left for a good reason: keeps all 2000 slices" in body["explanations"]["sam"]
    assert "slices_lost" not in body


@pytest.mark.parametrize("reason", ["no_good_reason", "fired_for_cause"])
def test_leaving_without_good_reason_keeps_only_the_cash_slices(reason: str) -> None:
    departures = [{"recipient": "sam", "reason": reason}]
    body = run_json({**PIE, "departures": departures}, contributions=[*SAM, BOB])
    assert body["slices"] == {"bob": "4000", "sam": "500"}
    assert body["slices_lost"] == {"sam": "1500"}
    assert body["shares"] == {"bob": "0.8889", "sam": "0.1111"}
    assert body["allocations"] == {"bob": "888.89", "sam": "111.11"}
    text = body["explanations"]["sam"]
    assert "Left without good reason: loses 1500 time and non-cash slices" in text
    assert "keeps 500 cash slices" in text and "without interest" in text


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ({"hours_per_year": "0"}, "models[0].hours_per_year"),
        ({"hours_per_year": 2000.0}, "models[0].hours_per_year"),
        ({"time_multiplier": "-2"}, "models[0].time_multiplier"),
        ({"cash_multiplier": "four"}, "models[0].cash_multiplier"),
        ({"non_cash_multiplier": True}, "models[0].non_cash_multiplier"),
        ({"multiplier": "2"}, "models[0].multiplier"),
        ({"departures": {"sam": "good_reason"}}, "models[0].departures"),
        ({"departures": ["sam"]}, "models[0].departures[0]"),
        ({"departures": [{"recipient": "sam"}]}, "models[0].departures[0].reason"),
        (
            {"departures": [{"recipient": "sam", "reason": "bored"}]},
            "models[0].departures[0].reason",
        ),
        (
            {"departures": [{"recipient": "tom", "reason": "good_reason"}]},
            "models[0].departures[0].recipient",
        ),
        ({"departures": [{"reason": "good_reason"}]}, "models[0].departures[0].recipient"),
        (
            {"departures": [{"recipient": "sam", "reason": "good_reason", "on": "2026-01-01"}]},
            "models[0].departures[0].on",
        ),
        (
            {
                "departures": [
                    {"recipient": "sam", "reason": "good_reason"},
                    {"recipient": "sam", "reason": "fired_for_cause"},
                ]
            },
            "models[0].departures[1].recipient",
        ),
    ],
)
def test_bad_parameters_name_their_field(model: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        run({**PIE, **model}, contributions=SAM)
    assert err.value.field == field


# --- properties --------------------------------------------------------------------------

names = st.sampled_from(["alice", "bob", "carol", "dario", "émile", "Zoé", "ana"])
rows = st.lists(
    st.tuples(
        names,
        st.sampled_from(["time", "cash", "non_cash", "use"]),
        st.integers(0, 100_000),  # hundredths of an hour, or cents
        st.integers(0, 12_000_000),  # market salary, cents a year
        st.integers(0, 12_000_000),  # paid salary, cents a year
    ),
    max_size=12,
)


def contributions_of(data: list[tuple[str, str, int, int, int]]) -> list[dict[str, str]]:
    def money(cents: int) -> str:
        return f"{cents // 100}.{cents % 100:02d}"

    out = []
    for name, kind, size, market, paid in data:
        item = {"recipient": name, "kind": kind}
        if kind == "time":
            item |= {
                "hours": money(size),
                "market_salary": money(market),
                "paid_salary": money(paid),
            }
        else:
            item["amount"] = money(size)
        out.append(item)
    return out


def slices_of(item: dict[str, str]) -> Fraction:
    """Slices straight from the research note, in cents."""
    if item["kind"] == "time":
        gap = Fraction(item["market_salary"]) - Fraction(item["paid_salary"])
        return Fraction(item["hours"]) * max(gap, Fraction(0)) * 100 / 2000 * 2
    return Fraction(item["amount"]) * 100 * (4 if item["kind"] == "cash" else 2)


@given(data=rows, budget=st.integers(0, 10**9), order=st.randoms(use_true_random=False))
def test_sum_rule_one_unit_determinism_and_order_invariance(
    data: list[tuple[str, str, int, int, int]], budget: int, order: Any
) -> None:
    contributions = contributions_of(data)
    money = f"{budget // 100}.{budget % 100:02d}"
    r = run(PIE, budget=money, contributions=contributions)
    assert r.paid + r.unallocated == budget
    slices: dict[str, Fraction] = {}
    for item in contributions:
        slices[item["recipient"]] = slices.get(item["recipient"], Fraction(0)) + slices_of(item)
    total = sum(slices.values(), Fraction(0))
    assert r.unallocated == (0 if total else budget)
    for name, amount in r.allocations.items():
        exact = budget * slices[name] / total if total else Fraction(0)
        assert abs(amount - exact) < 1
    assert run(PIE, budget=money, contributions=contributions) == r
    shuffled = list(contributions)
    order.shuffle(shuffled)
    again = run(PIE, budget=money, contributions=shuffled)
    assert (again.allocations, again.explanations) == (r.allocations, r.explanations)
    assert again.extras["slices"] == r.extras["slices"]


@given(data=rows, leaver=names, good=st.booleans())
def test_a_departure_never_raises_the_leavers_slices(
    data: list[tuple[str, str, int, int, int]], leaver: str, good: bool
) -> None:
    contributions = contributions_of(data)
    if not any(c["recipient"] == leaver for c in contributions):
        contributions.append({"recipient": leaver, "kind": "cash", "amount": "1.00"})
    reason = "good_reason" if good else "no_good_reason"
    stays = run_json(PIE, contributions=contributions)["slices"]
    leaves = run_json(
        {**PIE, "departures": [{"recipient": leaver, "reason": reason}]},
        contributions=contributions,
    )["slices"]
    cash = sum(
        (slices_of(c) for c in contributions if c["recipient"] == leaver and c["kind"] == "cash"),
        Fraction(0),
    )
    assert Fraction(leaves[leaver]) == (Fraction(stays[leaver]) if good else cash / 100)
    assert {k: v for k, v in leaves.items() if k != leaver} == {
        k: v for k, v in stays.items() if k != leaver
    }
