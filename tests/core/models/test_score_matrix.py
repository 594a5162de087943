"""Grain over a score matrix: exact integers, in 64 bits only when the bounds allow it."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from partage.core.models import grain
from partage.core.models.base import TextColumn
from partage.core.models.scores import score_matrix
from partage.core.models.spec import parse_spec
from partage.core.money import format_minor
from tests.core.models.helpers import run
from tests.core.models.test_grain import exact_amounts, names

scores = st.decimals(min_value=0, max_value=10**25, places=4, allow_nan=False, allow_infinity=False)


@given(
    st.integers(0, 6).flatmap(
        lambda k: st.dictionaries(names, st.lists(scores, min_size=k, max_size=k))
    )
)
def test_the_matrix_holds_every_score_exactly(series: dict[str, list[Decimal]]) -> None:
    matrix = score_matrix(series)
    assert matrix.recipients == tuple(sorted(series))
    for i, name in enumerate(matrix.recipients):
        assert [Fraction(int(v), matrix.scale) for v in matrix.values[i]] == [
            Fraction(v) for v in series[name]
        ]
    small = all(v * matrix.scale < 2**62 for s in series.values() for v in s)
    assert (matrix.values.dtype == object) != small


def test_a_small_matrix_is_64_bit_and_as_fine_as_its_finest_score() -> None:
    matrix = score_matrix({"b": [Decimal("1.5"), Decimal("2")], "a": [Decimal("0.25"), Decimal(3)]})
    assert matrix.recipients == ("a", "b") and matrix.scale == 100
    assert matrix.values.dtype.kind == "i"
    assert matrix.values.tolist() == [[25, 300], [150, 200]]


big = st.one_of(
    st.integers(0, 10**6).map(lambda n: format_minor(n, 3)),
    st.integers(0, 10**28).map(lambda n: format_minor(n, 4)),
)


@st.composite
def series(draw: Any) -> dict[str, list[str]]:
    length = draw(st.integers(1, 12))
    drawn: dict[str, list[str]] = draw(
        st.dictionaries(names, st.lists(big, min_size=length, max_size=length), min_size=1)
    )
    return drawn


@given(
    scores=series(),
    paid=st.dictionaries(names, st.integers(0, 2**63 - 1), max_size=4),
    budget=st.integers(0, 10**15),
    policy=st.sampled_from(["immediate", "recent", "balanced"]),
    lookback=st.none() | st.integers(1, 12),
    discount=st.sampled_from(["0", "1", "0.5", "0.123456789", "0.999999"]),
)
def test_past_64_bits_the_amounts_are_still_exact(
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
    r = run(model, budget=format_minor(budget, 2), scores=scores, paid=paid_text)
    intervals = len(next(iter(scores.values())))
    k = min(lookback or (1 if policy == "immediate" else intervals), intervals)
    exact = exact_amounts(policy, scores, paid, budget, k, discount)
    assert set(r.allocations) == set(exact)
    for name, amount in r.allocations.items():
        assert abs(amount - exact[name]) < 1
    assert r.unallocated == budget - sum(exact.values())


def test_explanations_and_extras_are_written_when_read() -> None:
    r = run(
        {"type": "grain", "policy": "balanced"},
        budget="100",
        scores={"alice": ["50"], "bob": ["30"], "carol": ["20"]},
        paid={"alice": "100", "dan": "5"},
    )
    assert isinstance(r.explanations, TextColumn)
    assert isinstance(r.extras["scores"], TextColumn)
    assert isinstance(r.extras["targets"], TextColumn)
    assert dict(r.extras["scores"]) == {"alice": "50", "bob": "30", "carol": "20", "dan": "0"}
    assert "already paid 5.00 EUR" in r.explanations["dan"]


def test_the_core_reads_a_matrix_built_once() -> None:
    # run() builds the matrix from the spec and calls the core: the same result either way.
    spec = parse_spec(
        {
            "currency": "EUR",
            "budget": "10.00",
            "scores": {"ana": ["1.5", "0"], "bo": ["0.25", "2"]},
            "models": [{"type": "grain", "policy": "recent", "discount": "0.5"}],
        }
    )
    direct = grain.run_scores(
        score_matrix(spec.scores), spec, policy="recent", lookback=2, discount=Fraction(1, 2)
    )
    assert direct == grain.run(spec, spec.models[0], "models[0]")
    # ana 1.5 × 0.5 + 0 = 0.75, bo 0.25 × 0.5 + 2 = 2.125: 260.87… and 739.13… cents.
    assert direct.allocations == {"ana": 2_61, "bo": 7_39}


def test_scores_near_the_64_bit_limit_with_a_tiny_budget() -> None:
    # Each score fits 64 bits, their total does not: the targets are computed past 64 bits.
    near = "4000000000000000000"
    r = run(
        {"type": "grain", "policy": "balanced"},
        currency={"code": "GRAIN", "decimals": 0},
        budget="1",
        scores={"a": [near], "b": [near], "c": [near]},
    )
    assert r.allocations == {"a": 1, "b": 0, "c": 0}
    # Zero scores, and a fold whose denominator (10^18)^2 is past 64 bits.
    recent = {"type": "grain", "policy": "recent", "discount": "0.999999999999999999"}
    r = run(recent, budget="0.01", scores={"a": ["0", "0", "0"]})
    assert r.allocations == {"a": 0} and r.unallocated == 1
