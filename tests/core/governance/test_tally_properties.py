"""Properties of the tally: order does not matter, silent colleges change nothing, the result
stays in [0, 1], and a unanimous agree passes everything."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from partage.core.governance import College, Counts, Rules, Tally, Vote, tally
from partage.core.governance.tally import CHOICES, THRESHOLDS


@dataclass(frozen=True)
class Assembly:
    rules: Rules
    colleges: tuple[College, ...]
    votes: tuple[Vote, ...]


def weights_summing_to_100(n: int) -> st.SearchStrategy[list[Decimal]]:
    # n - 1 distinct cut points in (0, 100) give n positive integer weights summing to 100.
    cuts = st.lists(st.integers(1, 99), min_size=n - 1, max_size=n - 1, unique=True)
    return cuts.map(
        lambda c: [Decimal(b - a) for a, b in zip([0, *sorted(c)], [*sorted(c), 100], strict=True)]
    )


@st.composite
def assemblies(draw: st.DrawFn, method: str | None = None) -> Assembly:
    chosen = method or draw(st.sampled_from(["vote", "college_vote"]))
    n = draw(st.integers(1, 5))
    weights = draw(weights_summing_to_100(n)) if chosen == "college_vote" else [None] * n
    colleges: list[College] = []
    cast: list[Vote] = []
    for i in range(n):
        size = draw(st.integers(1, 6))
        if draw(st.booleans()):  # a secret ballot: counts only
            agree, disagree, abstain = (draw(st.integers(0, size)) for _ in range(3))
            counts = Counts(agree, disagree, abstain)
            if counts.voters > size:
                counts = Counts(min(agree, size))
            colleges.append(College(f"c{i}", size=size, weight=weights[i], counts=counts))
            continue
        names = tuple(f"c{i}m{j}" for j in range(size))
        colleges.append(College(f"c{i}", names, weight=weights[i]))
        for name in names:
            choice = draw(st.sampled_from([None, *CHOICES]))
            if choice is not None:
                cast.append(Vote(name, choice))
    quorum = draw(st.sampled_from([None, Decimal("0.25"), Decimal("0.5"), Decimal(1)]))
    rules = Rules(
        chosen,  # type: ignore[arg-type]
        draw(st.sampled_from(THRESHOLDS)),
        quorum=quorum,
        quorum_per_college=quorum is not None and draw(st.booleans()),
    )
    return Assembly(rules, tuple(colleges), tuple(cast))


def count(a: Assembly) -> Tally:
    return tally(a.rules, a.colleges, a.votes)


def by_name(done: Tally) -> dict[str, object]:
    return {c.name: c for c in done.colleges}


@given(assemblies(), st.randoms(use_true_random=False))
def test_the_order_of_votes_and_colleges_does_not_matter(a: Assembly, rnd: random.Random) -> None:
    colleges, cast = list(a.colleges), list(a.votes)
    rnd.shuffle(colleges)
    rnd.shuffle(cast)
    first, second = count(a), count(replace(a, colleges=tuple(colleges), votes=tuple(cast)))
    assert (first.outcome, first.result, first.turnout, first.quorum_met, first.blocked_by) == (
        second.outcome,
        second.result,
        second.turnout,
        second.quorum_met,
        second.blocked_by,
    )
    assert by_name(first) == by_name(second)


@given(assemblies())
def test_result_and_turnout_stay_between_0_and_1(a: Assembly) -> None:
    done = count(a)
    assert 0 <= done.result <= 1
    assert 0 <= done.turnout <= 1
    if done.outcome == "passed":
        assert done.result > 0


@given(assemblies("college_vote"), st.integers(1, 99), st.integers(1, 4))
def test_adding_a_silent_college_changes_nothing(a: Assembly, weight: int, size: int) -> None:
    # The others' weights shrink to make room for it: w × (100 − e) / 100 stays a decimal.
    room = Decimal(100 - weight) / 100
    shrunk = tuple(replace(c, weight=(c.weight or Decimal(0)) * room) for c in a.colleges)
    silent = College("silent", tuple(f"s{j}" for j in range(size)), weight=Decimal(weight))
    abstaining = tuple(Vote(f"s{j}", "abstain") for j in range(size // 2))
    rules = replace(a.rules, quorum=None, quorum_per_college=False)
    before = tally(rules, a.colleges, a.votes)
    after = tally(rules, (*shrunk, silent), (*a.votes, *abstaining))
    assert (after.outcome, after.result) == (before.outcome, before.result)
    assert {c.name: c.weight_used for c in after.colleges if c.name != "silent"} == {
        c.name: c.weight_used for c in before.colleges
    }
    assert by_name(after)["silent"].weight_used == 0  # type: ignore[attr-defined]


@given(assemblies())
def test_a_unanimous_agree_gives_1_and_passes_every_threshold(a: Assembly) -> None:
    everyone_agrees = tuple(
        replace(c, counts=Counts(agree=c.member_count)) if c.counts is not None else c
        for c in a.colleges
    )
    cast = tuple(Vote(m, "agree") for c in a.colleges if c.counts is None for m in c.members)
    for threshold in THRESHOLDS:
        done = tally(replace(a.rules, threshold=threshold), everyone_agrees, cast)
        assert (done.result, done.turnout, done.outcome) == (Fraction(1), Fraction(1), "passed")
