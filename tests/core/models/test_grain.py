"""Grain: SourceCred's policies over a score time series, exact to the minor unit."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.errors import InvalidInput
from partage.core.money import format_minor
from tests.core.models.helpers import run, run_json

GRAIN = {"code": "GRAIN", "decimals": 0}


def test_balanced_pays_the_underpaid() -> None:
    # Cred 50/30/20, already paid 100/0/0, budget 100: targets (100 + 100) × share are
    # 100/60/40, so alice is not underpaid and bob and carol get 60 and 40.
    r = run_json(
        {"type": "grain", "policy": "balanced"},
        budget="100",
        scores={"alice": ["50"], "bob": ["30"], "carol": ["20"]},
        paid={"alice": "100"},
    )
    assert r["allocations"] == {"alice": "0.00", "bob": "60.00", "carol": "40.00"}
    assert r["targets"] == {"alice": "100.00", "bob": "60.00", "carol": "40.00"}
    assert (
        "already paid 100.00 EUR, so underpaid by max(0, target − paid) = 0.00 EUR"
        in (r["explanations"]["alice"])
    )


def test_balanced_counts_what_was_paid_to_someone_without_a_score() -> None:
    # dan was paid 100 but has no score: Σ paid still counts him, he gets nothing more.
    r = run(
        {"type": "grain", "policy": "balanced"},
        budget="100",
        scores={"alice": ["1"], "bob": ["1"]},
        paid={"dan": "100", "alice": "50"},
    )
    # targets (150 + 100) / 2 = 125 each; underpaid alice 75, bob 125 → 37.50 / 62.50.
    assert r.allocations == {"alice": 37_50, "bob": 62_50, "dan": 0}


def test_immediate_uses_the_last_interval_unless_told() -> None:
    scores = {"alice": ["10", "0"], "bob": ["0", "30"], "carol": ["0", "10"]}
    last = run({"type": "grain", "policy": "immediate"}, budget="100", scores=scores)
    assert last.allocations == {"alice": 0, "bob": 75_00, "carol": 25_00}
    assert "over the last 1 of 2 interval(s)" in last.explanations["bob"]
    both = run({"type": "grain", "policy": "immediate", "lookback": 2}, budget="100", scores=scores)
    assert both.allocations == {"alice": 20_00, "bob": 60_00, "carol": 20_00}
    longer = run(
        {"type": "grain", "policy": "immediate", "lookback": 9}, budget="100", scores=scores
    )
    assert longer.allocations == both.allocations and longer.extras["lookback"] == 2


def test_recent_decays_older_intervals() -> None:
    scores = {"alice": ["50", "1"], "bob": ["30", "2"], "carol": ["20", "0"]}
    r = run({"type": "grain", "policy": "recent", "discount": "0.5"}, budget="100", scores=scores)
    # Decayed: alice 50 × 0.5 + 1 = 26, bob 17, carol 10 (of 53). Exact 49.0566…, 32.0754…,
    # 18.8679…; the floors leave 2 cents, to the largest remainders: carol (.79), alice (.66).
    assert r.allocations == {"alice": 49_06, "bob": 32_07, "carol": 18_87}
    assert r.extras["scores"] == {"alice": "26", "bob": "17", "carol": "10"}
    assert "acc × (1 − 0.5) + interval score: 26" in r.explanations["alice"]


# SourceCred's graph 2 (sourcecred_opencollective.md §1b), cred per interval, week 1 and 2.
P3_P4 = {
    "p3": ["0.740419825600136", "0.13066230628165218"],
    "p4": ["0.2128917958122319", "1.9160254971783794"],
}


def test_sourcecred_recent_vectors() -> None:
    # SourceCred: RECENT(100, 0.1) → [27, 73]; RECENT(100, 1) → [6, 94]. Same here.
    model = {"type": "grain", "policy": "recent"}
    r = run({**model, "discount": "0.1"}, currency=GRAIN, budget="100", scores=P3_P4)
    assert r.allocations == {"p3": 27, "p4": 73}
    r = run({**model, "discount": "1"}, currency=GRAIN, budget="100", scores=P3_P4)
    assert r.allocations == {"p3": 6, "p4": 94}


def test_sourcecred_balanced_vectors_differ_only_by_rounding() -> None:
    # SourceCred floors perCred and the targets, then gives its leftover to the last entry:
    # [28, 72] and [802, 2198]. The exact rule gives 29.036… / 70.963… and
    # 803.0… / 2196.9… → [29, 71] and [803, 2197].
    model = {"type": "grain", "policy": "balanced"}
    r = run(model, currency=GRAIN, budget="100", scores=P3_P4)
    assert r.allocations == {"p3": 29, "p4": 71}
    paid = {"p3": "100", "p4": "10"}
    r = run(model, currency=GRAIN, budget="3000", scores=P3_P4, paid=paid)
    assert r.allocations == {"p3": 803, "p4": 2197}


def test_budget_zero_pays_zeros() -> None:
    for policy in ({"policy": "immediate"}, {"policy": "recent", "discount": "0.2"}):
        r = run({"type": "grain", **policy}, budget="0", scores=P3_P4)
        assert r.allocations == {"p3": 0, "p4": 0} and r.unallocated == 0
    r = run({"type": "grain", "policy": "balanced"}, budget="0", scores=P3_P4, paid={"p3": "5"})
    assert r.allocations == {"p3": 0, "p4": 0} and r.unallocated == 0


def test_no_score_pays_nothing() -> None:
    r = run({"type": "grain", "policy": "immediate"}, budget="100", scores={"a": ["1", "0"]})
    assert r.allocations == {"a": 0} and r.unallocated == 100_00
    assert "nothing is paid" in r.explanations["a"]
    empty = run({"type": "grain", "policy": "balanced"}, budget="100")
    assert empty.allocations == {} and empty.unallocated == 100_00
    no_intervals = run({"type": "grain", "policy": "recent", "discount": "0"}, scores={"a": []})
    assert no_intervals.allocations == {"a": 0} and no_intervals.unallocated == 1000_00


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ({"type": "grain"}, "models[0].policy"),
        ({"type": "grain", "policy": "special"}, "models[0].policy"),
        ({"type": "grain", "policy": "recent"}, "models[0].discount"),
        ({"type": "grain", "policy": "recent", "discount": "1.5"}, "models[0].discount"),
        ({"type": "grain", "policy": "recent", "discount": "-0.1"}, "models[0].discount"),
        ({"type": "grain", "policy": "recent", "discount": 0.5}, "models[0].discount"),
        ({"type": "grain", "policy": "immediate", "discount": "0.5"}, "models[0].discount"),
        ({"type": "grain", "policy": "balanced", "lookback": 0}, "models[0].lookback"),
        ({"type": "grain", "policy": "balanced", "lookback": "2"}, "models[0].lookback"),
        ({"type": "grain", "policy": "balanced", "budget": "1"}, "models[0].budget"),
    ],
)
def test_bad_parameters_name_their_field(model: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        run(model, scores=P3_P4)
    assert err.value.field == field


names = st.sampled_from(["alice", "bob", "carol", "dario", "émile", "Zoé", "ana"])
score = st.integers(0, 10**6).map(lambda n: format_minor(n, 3))


@st.composite
def series(draw: Any) -> dict[str, list[str]]:
    length = draw(st.integers(0, 4))
    drawn: dict[str, list[str]] = draw(
        st.dictionaries(names, st.lists(score, min_size=length, max_size=length))
    )
    return drawn


def exact_amounts(
    policy: str, scores: dict[str, list[str]], paid: dict[str, int], budget: int, k: int, d: str
) -> dict[str, Fraction]:
    """The rule written plainly with Fractions: each amount's exact share."""
    window = {n: [Fraction(v) for v in s[len(s) - k :]] if k else [] for n, s in scores.items()}
    if policy == "recent":
        weights = {}
        for n, values in window.items():
            acc = Fraction(0)
            for v in values:
                acc = acc * (1 - Fraction(d)) + v
            weights[n] = acc
    else:
        weights = {n: sum(v, Fraction(0)) for n, v in window.items()}
    total = sum(weights.values(), Fraction(0))
    if policy == "balanced":
        weights.update({n: Fraction(0) for n in paid if n not in weights})
        pot = sum(paid.values()) + budget
        if total:
            weights = {
                n: max(Fraction(0), pot * w / total - paid.get(n, 0)) for n, w in weights.items()
            }
    split_total = sum(weights.values(), Fraction(0))
    return {n: budget * w / split_total if split_total else Fraction(0) for n, w in weights.items()}


@given(
    scores=series(),
    paid=st.dictionaries(names, st.integers(0, 10**6), max_size=4),
    budget=st.integers(0, 10**6),
    policy=st.sampled_from(["immediate", "recent", "balanced"]),
    lookback=st.none() | st.integers(1, 5),
    discount=st.integers(0, 100).map(lambda n: format_minor(n, 2)),
)
def test_sum_rule_exactness_determinism_and_order(
    scores: dict[str, list[str]],
    paid: dict[str, int],
    budget: int,
    policy: str,
    lookback: int | None,
    discount: str,
) -> None:
    model: dict[str, Any] = {"type": "grain", "policy": policy}
    if lookback is not None:
        model["lookback"] = lookback
    if policy == "recent":
        model["discount"] = discount
    paid_text = {n: format_minor(v, 2) for n, v in paid.items()}
    sections = {"budget": format_minor(budget, 2), "scores": scores, "paid": paid_text}
    r = run(model, **sections)
    assert r.paid + r.unallocated == budget
    intervals = max((len(s) for s in scores.values()), default=0)
    k = min(lookback or (1 if policy == "immediate" else intervals), intervals)
    exact = exact_amounts(policy, scores, paid, budget, k, discount)
    assert set(r.allocations) == set(exact)
    for name, amount in r.allocations.items():
        assert abs(amount - exact[name]) < 1
    assert r.unallocated == budget - sum(exact.values())
    assert run(model, **sections) == r
    reordered = {
        "budget": sections["budget"],
        "scores": dict(reversed(list(scores.items()))),
        "paid": dict(reversed(list(paid_text.items()))),
    }
    assert run(model, **reordered) == r


@given(scores=series(), budget=st.integers(0, 10**6))
def test_a_discount_of_one_is_immediate_and_of_zero_sums_the_lookback(
    scores: dict[str, list[str]], budget: int
) -> None:
    sections = {"budget": format_minor(budget, 2), "scores": scores}
    recent = {"type": "grain", "policy": "recent"}
    immediate = run({"type": "grain", "policy": "immediate"}, **sections).allocations
    assert run({**recent, "discount": "1"}, **sections).allocations == immediate
    intervals = max((len(s) for s in scores.values()), default=0)
    if intervals:
        summed = run({"type": "grain", "policy": "immediate", "lookback": intervals}, **sections)
        assert run({**recent, "discount": "0"}, **sections).allocations == summed.allocations
