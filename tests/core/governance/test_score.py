"""Scores between options: worked examples by hand, the college weighting, and refusals."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.errors import InvalidInput
from partage.core.governance import Ballot, College, Rules, score
from partage.core.governance.document import tally_document

OPTIONS = ("garden", "workshop", "café")
TWO_COLLEGES = (
    College("residents", ("ana", "ben", "carla"), weight=Decimal(60)),
    College("neighbours", ("dan", "eve"), weight=Decimal(40)),
)
BALLOTS = (
    Ballot("ana", {"garden": 5, "workshop": 3, "café": 1}),
    Ballot("ben", {"garden": 4, "workshop": 4}),
    Ballot("carla", {}),
    Ballot("dan", {"garden": 1, "workshop": 5, "café": 5}),
    Ballot("eve", {"garden": 2, "workshop": 4, "café": 4}),
)


def test_one_member_one_score() -> None:
    unweighted = tuple(College(c.name, c.members) for c in TWO_COLLEGES)
    done = score(Rules("score"), unweighted, OPTIONS, BALLOTS)
    # garden (5+4+1+2)/4 = 3, workshop (3+4+5+4)/4 = 4, café (1+5+4)/3 = 10/3; ben left café out.
    assert [o.score for o in done.options] == [Fraction(3), Fraction(4), Fraction(10, 3)]
    assert [(o.ballots, o.total) for o in done.options] == [(4, 12), (4, 16), (3, 10)]
    assert (done.outcome, done.chosen, done.result) == ("chosen", "workshop", Fraction(4, 5))
    # carla's empty ballot is an abstention: she took part.
    assert (done.voters, done.turnout) == (5, Fraction(1))


def test_colleges_weigh_per_option() -> None:
    done = score(Rules("score"), TWO_COLLEGES, OPTIONS, BALLOTS)
    # residents: garden 9/2, workshop 7/2, café 1; neighbours: 3/2, 9/2, 9/2.
    # garden 0.6 × 4.5 + 0.4 × 1.5 = 3.3; workshop 0.6 × 3.5 + 0.4 × 4.5 = 3.9;
    # café 0.6 × 1 + 0.4 × 4.5 = 2.4.
    assert [o.score for o in done.options] == [
        Fraction(33, 10),
        Fraction(39, 10),
        Fraction(12, 5),
    ]
    assert done.chosen == "workshop"
    assert done.result == Fraction(39, 50)


def test_a_college_that_scored_nothing_is_left_out_of_that_option() -> None:
    ballots = (
        Ballot("ana", {"garden": 5, "workshop": 1}),
        Ballot("dan", {"garden": 1}),
    )
    done = score(Rules("score"), TWO_COLLEGES, OPTIONS, ballots)
    # workshop was scored only by residents: their mean alone, 1 (not 0.6 × 1).
    assert [o.score for o in done.options] == [
        Fraction(17, 5),  # 0.6 × 5 + 0.4 × 1 = 3.4
        Fraction(1),
        None,
    ]


def test_a_tie_chooses_nothing_and_names_the_tied() -> None:
    two = (College("all", ("ana", "ben")),)
    ballots = (Ballot("ana", {"a": 5, "b": 3}), Ballot("ben", {"a": 3, "b": 5}))
    done = score(Rules("score"), two, ("a", "b"), ballots)
    assert (done.outcome, done.chosen, done.tied) == ("tie", None, ("a", "b"))


def test_nothing_scored_is_rejected_and_the_quorum_applies() -> None:
    two = (College("all", ("ana", "ben", "carla")),)
    assert score(Rules("score"), two, ("a", "b")).outcome == "rejected"
    quorum = Rules("score", quorum=Decimal("0.5"))
    assert score(quorum, two, ("a", "b"), [Ballot("ana", {"a": 4})]).outcome == "no_quorum"
    done = score(quorum, two, ("a", "b"), [Ballot("ana", {"a": 4}), Ballot("ben", {})])
    assert (done.outcome, done.chosen) == ("chosen", "a")


@given(st.randoms(use_true_random=False))
def test_the_order_of_ballots_colleges_and_scores_does_not_matter(rnd: random.Random) -> None:
    ballots = [Ballot(b.voter, dict(rnd.sample(list(b.scores.items()), len(b.scores))))
               for b in BALLOTS]  # fmt: skip
    rnd.shuffle(ballots)
    colleges = list(TWO_COLLEGES)
    rnd.shuffle(colleges)
    first = score(Rules("score"), TWO_COLLEGES, OPTIONS, BALLOTS)
    second = score(Rules("score"), colleges, OPTIONS, ballots)
    assert (first.outcome, first.chosen, first.result, first.options) == (
        second.outcome,
        second.chosen,
        second.result,
        second.options,
    )


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"options": ["only"]}, "tally.options", "options"),
        ({"options": ["a", "a"]}, "tally.duplicate_option", "options[1]"),
        ({"votes": [{"voter": "ana", "scores": {"z": 3}}]}, "tally.unknown_option", "votes[0].scores"),
        ({"votes": [{"voter": "ana", "scores": {"a": 6}}]}, "tally.score_range", "votes[0].scores.a"),
        ({"votes": [{"voter": "ana", "scores": {"a": -1}}]}, "tally.not_a_count", "votes[0].scores.a"),
        ({"votes": [{"voter": "zoe", "scores": {"a": 1}}]}, "tally.unknown_voter", "votes[0].voter"),
        ({"votes": [{"voter": "ana", "choice": "agree"}]}, "tally.unknown_field", "votes[0].choice"),
        ({"votes": [{"voter": "ana"}, {"voter": "ana"}]}, "tally.duplicate_vote", "votes[1].voter"),
        ({"threshold": "majority"}, "tally.threshold_not_used", "threshold"),
        ({"objections": [{"by": "ana"}]}, "tally.objections_not_used", "objections"),
        ({"members": 3, "counts": {"agree": 1}}, "tally.counts_not_used", "colleges[0].counts"),
    ],
    ids=lambda v: v if isinstance(v, str) and v.startswith("tally.") else "",
)  # fmt: skip
def test_refusals(change: dict[str, Any], code: str, field: str) -> None:
    document = {"method": "score", "options": ["a", "b"], "members": ["ana", "ben"], **change}
    with pytest.raises(InvalidInput) as raised:
        tally_document(document)
    assert (raised.value.code, raised.value.field) == (code, field)


def test_score_colleges_weigh_all_or_none_and_sum_to_100() -> None:
    colleges = [
        {"name": "x", "weight": "60", "members": ["ana"]},
        {"name": "y", "members": ["ben"]},
    ]
    with pytest.raises(InvalidInput) as raised:
        tally_document({"method": "score", "options": ["a", "b"], "colleges": colleges})
    assert (raised.value.code, raised.value.field) == ("tally.weight_missing", "colleges[1].weight")
    colleges[1]["weight"] = "30"
    with pytest.raises(InvalidInput) as raised:
        tally_document({"method": "score", "options": ["a", "b"], "colleges": colleges})
    assert raised.value.code == "tally.weights_sum"


def test_options_belong_to_a_score() -> None:
    with pytest.raises(InvalidInput) as raised:
        tally_document({"method": "vote", "members": ["ana"], "options": ["a", "b"]})
    assert raised.value.code == "tally.options_not_used"
