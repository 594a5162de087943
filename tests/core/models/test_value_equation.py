"""Value equations (Sensorica / NRP): the research note's example, claim types, properties."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.errors import InvalidInput
from tests.core.models.helpers import euros, run, run_json

# The research note (§2): 1000 €; bucket 1 sends 10 % to the fund, bucket 2 (90 %) is shared
# by Alice 10 h × 20, Bob 5 h × 40 and Carol's 100 € in cash.
EXAMPLE = [
    {"id": "a", "recipient": "Alice", "activity": "dev", "hours": "10", "rate": "20.00"},
    {"id": "b", "recipient": "Bob", "activity": "design", "hours": "5", "rate": "40.00"},
    {"id": "c", "recipient": "Carol", "kind": "cash", "amount": "100.00"},
]
BUCKETS = [{"percentage": "10", "recipient": "fund"}, {"percentage": "90"}]


def equation(behavior: str = "straight", buckets: Any = None, **more: Any) -> dict[str, Any]:
    return {
        "type": "value_equation",
        "behavior": behavior,
        "buckets": BUCKETS if buckets is None else buckets,
        **more,
    }


def test_straight_shares_each_bucket_even_beyond_the_claims() -> None:
    r = run(equation("straight"), contributions=EXAMPLE)
    # portion 900 / 500 = 1.8
    assert euros(r) == {"Alice": "360.00", "Bob": "360.00", "Carol": "180.00", "fund": "100.00"}
    assert r.unallocated == 0
    assert "portion 1.8" in r.explanations["Alice"]
    assert "10 h × 20.00 EUR = 200.00 EUR" in r.explanations["Alice"]
    assert "the whole bucket to fund" in r.explanations["fund"]


def test_remaining_pays_at_most_the_values_and_keeps_the_rest_unallocated() -> None:
    body = run_json(equation("remaining"), contributions=EXAMPLE)
    # Bucket 2 = 90 % of the 900 left = 810; portion capped at 1 → 200 / 200 / 100. NRP would
    # hand the 400 left over to Alice, the largest recipient; partage leaves it unallocated.
    assert body["allocations"] == {
        "Alice": "200.00",
        "Bob": "200.00",
        "Carol": "100.00",
        "fund": "100.00",
    }
    assert body["unallocated"] == "400.00"
    assert body["buckets"] == [
        {"percentage": "10", "recipient": "fund", "amount": "100.00", "paid": "100.00"},
        {"percentage": "90", "contributions": 3, "amount": "810.00", "paid": "500.00"},
    ]
    assert "capped at 1" in body["explanations"]["Carol"]
    assert "310.00 EUR the claims cannot take stays unallocated" in body["explanations"]["Carol"]


def test_the_straight_bucket_report() -> None:
    body = run_json(equation("straight"), contributions=EXAMPLE)
    assert body["behavior"] == "straight"
    assert [b["amount"] for b in body["buckets"]] == ["100.00", "900.00"]
    assert "owed" not in body


def test_a_bucket_names_its_contributions() -> None:
    buckets = [{"percentage": "50", "contributions": ["c"]}, {"percentage": "50"}]
    r = run(equation("straight", buckets), contributions=EXAMPLE)
    # Carol takes bucket 1 alone (500), then a fifth of bucket 2 (100).
    assert euros(r) == {"Alice": "200.00", "Bob": "200.00", "Carol": "600.00"}


def test_values_by_kind() -> None:
    contributions = [
        {"recipient": "ana", "kind": "use", "activity": "van", "quantity": "4", "rate": "12.50"},
        {
            "recipient": "ben",
            "kind": "non_cash",
            "activity": "chairs",
            "quantity": "3",
            "rate": "10",
        },
        {"recipient": "cyd", "kind": "non_cash", "amount": "20.00", "quantity": "9", "rate": "10"},
        {"recipient": "dee", "activity": "unrated", "hours": "8"},
        {"recipient": "eve", "kind": "use", "activity": "room", "amount": "5.00"},
    ]
    r = run(equation("remaining", [{"percentage": "100"}]), contributions=contributions)
    # use 4 × 12.50 = 50; non-cash 3 × 10 = 30; non-cash with an amount counts the amount, and
    # so does a use with no rate.
    assert euros(r) == {
        "ana": "50.00",
        "ben": "30.00",
        "cyd": "20.00",
        "dee": "0.00",
        "eve": "5.00",
    }
    assert r.unallocated == 100000 - 10500
    assert "room: use 5.00 EUR" in r.explanations["eve"]
    assert "8 h with no rate, worth 0" in r.explanations["dee"]


def test_debt_claims_take_no_more_once_paid_off() -> None:
    contributions = [
        {
            "id": "loan",
            "recipient": "lea",
            "kind": "cash",
            "amount": "300.00",
            "claim_type": "debt",
        },
        {"id": "work", "recipient": "max", "hours": "10", "rate": "20.00"},
    ]
    buckets = [{"percentage": "50"}, {"percentage": "50"}]
    straight = run_json(equation("straight", buckets), contributions=contributions)
    # Bucket 1: 500 over 300 + 200 (portion 1) → lea is paid off; bucket 2 goes to max alone.
    assert straight["allocations"] == {"lea": "300.00", "max": "700.00"}
    assert straight["owed"] == {"lea": "0.00"}
    assert "paid off" in straight["explanations"]["lea"]

    remaining = run_json(equation("remaining", buckets), contributions=contributions)
    # Bucket 1: 500 pays both values in full; bucket 2: 50 % of the 500 left = 250, and only
    # max's equity claim (200) is still worth anything.
    assert remaining["allocations"] == {"lea": "300.00", "max": "400.00"}
    assert remaining["unallocated"] == "300.00"


def test_a_debt_is_reduced_by_what_each_bucket_pays() -> None:
    contributions = [
        {"recipient": "lea", "kind": "cash", "amount": "600.00", "claim_type": "debt"},
        {"recipient": "max", "kind": "cash", "amount": "600.00"},
    ]
    buckets = [{"percentage": "50"}, {"percentage": "50"}]
    body = run_json(equation("remaining", buckets), contributions=contributions)
    # Bucket 1: 500 over 1200 → 250 each, lea still owed 350. Bucket 2: 250 over 350 + 600.
    assert body["allocations"] == {"lea": "342.11", "max": "407.89"}
    assert body["owed"] == {"lea": "257.894737"}
    assert "Still owed on debt claims: 257.894737 EUR" in body["explanations"]["lea"]


def test_a_once_claim_drops_out_after_its_first_payment() -> None:
    contributions = [
        {"recipient": "ona", "kind": "cash", "amount": "100.00", "claim_type": "once"},
        {"recipient": "pia", "kind": "cash", "amount": "100.00"},
    ]
    buckets = [{"percentage": "0"}, {"percentage": "40"}, {"percentage": "60"}]
    r = run(equation("straight", buckets), contributions=contributions)
    # An empty bucket pays no one, so it does not use up ona's claim; bucket 2 pays 200 each;
    # bucket 3 goes to pia alone.
    assert euros(r) == {"ona": "200.00", "pia": "800.00"}


def test_straight_bucket_without_claims_stays_unallocated() -> None:
    r = run(
        equation("straight", [{"percentage": "30", "recipient": "reserve"}, {"percentage": "70"}])
    )
    assert euros(r) == {"reserve": "300.00"}
    assert r.unallocated == 70000


def test_remaining_bucket_without_claims_leaves_its_money_to_the_next() -> None:
    contributions = [{"id": "x", "recipient": "zoe", "kind": "cash", "amount": "100.00"}]
    worthless = [{"id": "w", "recipient": "yan", "hours": "3"}]
    buckets = [
        {"percentage": "50", "contributions": ["w"]},
        {"percentage": "50", "recipient": "fund"},
    ]
    r = run(equation("remaining", buckets), contributions=contributions + worthless)
    # Bucket 1 pays nothing, so bucket 2 is half of the whole budget.
    assert euros(r) == {"fund": "500.00", "yan": "0.00", "zoe": "0.00"}
    assert "nothing shared (no claim of any value left)" in r.explanations["yan"]


def test_a_bucket_holds_whole_cents_and_amounts_are_rounded_once() -> None:
    contributions = [{"recipient": n, "kind": "cash", "amount": "1.00"} for n in ("a", "b", "c")]
    buckets = [{"percentage": "33.333"}, {"percentage": "33.333"}, {"percentage": "33.334"}]
    r = run(equation("straight", buckets), budget="0.10", contributions=contributions)
    # 33.333 % of 10 cents = 3.3333 → 3 cents; 33.334 % → 3 cents: 9 cents over three claims.
    assert r.allocations == {"a": 3, "b": 3, "c": 3}
    assert r.unallocated == 1


@pytest.mark.parametrize(
    ("buckets", "behavior", "field"),
    [
        ([{"percentage": "101"}], "straight", "models[0].buckets[0].percentage"),
        ([{"percentage": "-1"}], "straight", "models[0].buckets[0].percentage"),
        ([{"percentage": 12.5}], "straight", "models[0].buckets[0].percentage"),
        ([{"percentage": "ten"}], "straight", "models[0].buckets[0].percentage"),
        ([{"recipient": "fund"}], "straight", "models[0].buckets[0].percentage"),
        (
            [{"percentage": "60", "recipient": "f"}, {"percentage": "40.01"}],
            "straight",
            "models[0].buckets[1].percentage",
        ),
        (
            [{"percentage": "100"}, {"percentage": "101"}],
            "remaining",
            "models[0].buckets[1].percentage",
        ),
        ([], "straight", "models[0].buckets"),
        ("all", "straight", "models[0].buckets"),
        (["10"], "straight", "models[0].buckets[0]"),
        (
            [{"percentage": "10", "recipient": "f", "contributions": ["a"]}],
            "straight",
            "models[0].buckets[0]",
        ),
        ([{"percentage": "10", "share": "1"}], "straight", "models[0].buckets[0].share"),
        ([{"percentage": "10", "recipient": ""}], "straight", "models[0].buckets[0].recipient"),
        (
            [{"percentage": "10", "contributions": []}],
            "straight",
            "models[0].buckets[0].contributions",
        ),
        (
            [{"percentage": "10", "contributions": ["a", "z"]}],
            "straight",
            "models[0].buckets[0].contributions[1]",
        ),
        (
            [{"percentage": "10", "contributions": ["a", "a"]}],
            "straight",
            "models[0].buckets[0].contributions[1]",
        ),
        (
            [{"percentage": "10", "contributions": ["dup"]}],
            "straight",
            "models[0].buckets[0].contributions[0]",
        ),
        ([{"percentage": "10"}], "greedy", "models[0].behavior"),
    ],
)
def test_bad_parameters_name_their_field(buckets: Any, behavior: str, field: str) -> None:
    contributions = [
        *EXAMPLE,
        {"id": "dup", "recipient": "x", "hours": "1"},
        {"id": "dup", "recipient": "y", "hours": "1"},
    ]
    with pytest.raises(InvalidInput) as err:
        run(equation(behavior, buckets), contributions=contributions)
    assert err.value.field == field


def test_the_straight_limit_is_explained() -> None:
    with pytest.raises(InvalidInput, match=r"add up to 100\.01, more than 100"):
        run(equation("straight", [{"percentage": "60"}, {"percentage": "40.01"}]))
    # Each remaining bucket takes a share of what is left, so the sum may exceed 100.
    r = run(equation("remaining", [{"percentage": "60"}, {"percentage": "100"}]))
    assert r.unallocated == 100000


def test_an_unknown_parameter_is_refused() -> None:
    with pytest.raises(InvalidInput) as err:
        run(equation(bukets=[]))
    assert err.value.field == "models[0].bukets"


# --- properties --------------------------------------------------------------------------

names = st.sampled_from(["alice", "bob", "carol", "dario", "émile", "Zoé", "ana"])
claims = st.lists(
    st.tuples(
        names,
        st.sampled_from(["time", "cash", "non_cash", "use"]),
        st.integers(0, 5_000),  # hundredths of an hour, or cents
        st.sampled_from(["0.125", "12.34", "20.00", "7"]),
        st.sampled_from(["equity", "equity", "debt", "once"]),
    ),
    max_size=12,
)
bucket_specs = st.lists(
    st.tuples(st.integers(0, 10_000), st.one_of(st.none(), st.just("fund"), st.integers(0, 2**12))),
    min_size=1,
    max_size=5,
)


def contributions_of(rows: list[tuple[str, str, int, str, str]]) -> list[dict[str, str]]:
    out = []
    for i, (name, kind, size, rate, claim_type) in enumerate(rows):
        item = {"id": f"c{i}", "recipient": name, "kind": kind, "claim_type": claim_type}
        if kind == "time":
            item |= {"hours": f"{size // 100}.{size % 100:02d}", "rate": rate}
        elif kind in ("use", "non_cash") and size % 2:
            item |= {"quantity": str(size), "rate": rate}
        else:
            item["amount"] = f"{size // 100}.{size % 100:02d}"
        out.append(item)
    return out


def buckets_of(specs: list[tuple[int, Any]], count: int, straight: bool) -> list[dict[str, Any]]:
    """Percentages in basis points (kept to 100 % in all for straight); a bucket goes to the
    fund, to every contribution, or to the subset a bit mask picks."""
    out: list[dict[str, Any]] = []
    total = 0
    for points, target in specs:
        if straight and total + points > 10_000:
            break
        total += points
        bucket: dict[str, Any] = {"percentage": f"{points // 100}.{points % 100:02d}"}
        if target == "fund":
            bucket["recipient"] = "fund"
        elif isinstance(target, int):
            chosen = [f"c{i}" for i in range(count) if target >> i & 1]
            if chosen:
                bucket["contributions"] = chosen
        out.append(bucket)
    return out or [{"percentage": "0"}]


@given(
    rows=claims,
    specs=bucket_specs,
    budget=st.integers(0, 10**8),
    behavior=st.sampled_from(["straight", "remaining"]),
    order=st.randoms(use_true_random=False),
)
def test_sum_rule_determinism_and_order_invariance(
    rows: list[tuple[str, str, int, str, str]],
    specs: list[tuple[int, Any]],
    budget: int,
    behavior: str,
    order: Any,
) -> None:
    contributions = contributions_of(rows)
    model = equation(behavior, buckets_of(specs, len(rows), behavior == "straight"))
    money = f"{budget // 100}.{budget % 100:02d}"
    r = run(model, budget=money, contributions=contributions)
    assert r.paid + r.unallocated == budget
    assert all(amount >= 0 for amount in r.allocations.values())
    assert run(model, budget=money, contributions=contributions) == r
    shuffled = list(contributions)
    order.shuffle(shuffled)
    again = run(model, budget=money, contributions=shuffled)
    assert again.allocations == r.allocations
    assert again.unallocated == r.unallocated
    assert again.explanations == r.explanations


def value_of(item: dict[str, str]) -> Fraction:
    """A claim's value in cents, computed straight from the research note's definitions."""
    if "rate" not in item:
        return Fraction(item["amount"]) * 100
    size = Fraction(item.get("hours") or item["quantity"])
    return size * Fraction(item["rate"]) * 100


@given(rows=claims, specs=bucket_specs, budget=st.integers(0, 10**8))
def test_straight_equity_amounts_are_within_one_cent_of_exact(
    rows: list[tuple[str, str, int, str, str]], specs: list[tuple[int, Any]], budget: int
) -> None:
    rows = [(n, k, s, rate, "equity") for n, k, s, rate, _ in rows]
    contributions = contributions_of(rows)
    buckets = buckets_of(specs, len(rows), straight=True)
    money = f"{budget // 100}.{budget % 100:02d}"
    r = run(equation("straight", buckets), budget=money, contributions=contributions)
    # Exact: each bucket holds its percentage of the budget in whole cents, rounded down, and
    # is shared pro rata over the values of its claims.
    exact: dict[str, Fraction] = {}
    for bucket in buckets:
        amount = int(Fraction(bucket["percentage"]) * budget / 100)
        if "recipient" in bucket:
            exact["fund"] = exact.get("fund", Fraction(0)) + amount
            continue
        chosen = [c for c in contributions if c["id"] in bucket.get("contributions", [c["id"]])]
        total = sum((value_of(c) for c in chosen), Fraction(0))
        for c in chosen:
            if total:
                exact[c["recipient"]] = exact.get(c["recipient"], Fraction(0)) + (
                    amount * value_of(c) / total
                )
    assert sum(exact.values(), Fraction(0)) == r.paid  # whole cents: nothing is lost
    for name, amount in r.allocations.items():
        assert abs(amount - exact.get(name, Fraction(0))) < 1


@given(rows=claims, specs=bucket_specs, budget=st.integers(0, 10**8))
def test_remaining_never_pays_a_debt_beyond_what_is_owed(
    rows: list[tuple[str, str, int, str, str]], specs: list[tuple[int, Any]], budget: int
) -> None:
    rows = [(n, k, s, rate, "debt") for n, k, s, rate, _ in rows]
    contributions = contributions_of(rows)
    buckets = [b for b in buckets_of(specs, len(rows), straight=False) if "recipient" not in b]
    money = f"{budget // 100}.{budget % 100:02d}"
    r = run(
        equation("remaining", buckets or [{"percentage": "100"}]),
        budget=money,
        contributions=contributions,
    )
    for name, amount in r.allocations.items():
        owed = sum((value_of(c) for c in contributions if c["recipient"] == name), Fraction(0))
        assert amount < owed + 1
