"""Choosing between alternatives: each voter scores options from 0 to 5, the best score wins.

Guarantees:

- Scores are whole numbers from 0 to 5; arithmetic is exact (``Fraction``).
- An option's score is the mean of the scores it received. An option a voter leaves out is
  not scored by them (it neither lowers nor raises its mean); a ballot with no score at all
  is an abstention, which counts for the quorum and the turnout only.
- With college weights (all colleges weighted, summing to 100, the SCIC bounds when asked),
  an option's score is Σ_c w_c × mean_c over the colleges where someone scored it, their
  weights rescaled to 100 % — the rule of a college vote, applied per option.
- The outcome: ``no_quorum`` when a quorum is set and not met; else ``chosen`` when one option
  has the best score, ``tie`` when several share it, ``rejected`` when no option was scored.
  ``result`` is the best score divided by 5, in [0, 1].
- Nothing depends on the order of the ballots, of the colleges, or of a ballot's scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from partage.core.errors import InvalidInput
from partage.core.governance.tally import (
    College,
    Rules,
    check_colleges,
    check_rules,
    college_of_member,
    is_weighted,
    quorum_reached,
)

MAX_SCORE = 5
ScoreOutcome = Literal["chosen", "tie", "rejected", "no_quorum"]


@dataclass(frozen=True, slots=True)
class Ballot:
    """One voter's scores, option → 0…5."""

    voter: str
    scores: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class OptionScore:
    option: str
    # The mean score (weighted by college when colleges weigh), or None when nobody scored it.
    score: Fraction | None
    ballots: int  # how many voters scored it
    total: int  # the sum of its scores, unweighted


@dataclass(frozen=True, slots=True)
class CollegeScores:
    name: str
    members: int
    voters: int
    weight: Decimal | None
    means: dict[str, Fraction | None]
    quorum_met: bool | None


@dataclass(frozen=True, slots=True)
class ScoreTally:
    rules: Rules
    outcome: ScoreOutcome
    chosen: str | None
    tied: tuple[str, ...]
    result: Fraction
    turnout: Fraction
    members: int
    voters: int
    quorum_met: bool | None
    options: tuple[OptionScore, ...]
    colleges: tuple[CollegeScores, ...]


def score(
    rules: Rules,
    colleges: Sequence[College],
    options: Sequence[str],
    ballots: Iterable[Ballot] = (),
) -> ScoreTally:
    """Count the ``ballots`` of the members of ``colleges`` over ``options``."""
    check_rules(rules)
    check_colleges(rules, colleges)
    _check_options(options)
    college_of = college_of_member(colleges)
    ballots = tuple(ballots)
    _check_ballots(college_of, options, ballots)

    # Per college and option: the sum of the scores and how many gave one.
    sums = {c.name: {o: [0, 0] for o in options} for c in colleges}
    voters = {c.name: 0 for c in colleges}
    for ballot in ballots:
        home = college_of[ballot.voter]
        voters[home] += 1
        for option, given in ballot.scores.items():
            sums[home][option][0] += given
            sums[home][option][1] += 1
    means = {
        c.name: {o: Fraction(s, n) if n else None for o, (s, n) in sums[c.name].items()}
        for c in colleges
    }
    weighted = is_weighted(rules, colleges)

    option_scores = []
    for option in options:
        total = sum(sums[c.name][option][0] for c in colleges)
        count = sum(sums[c.name][option][1] for c in colleges)
        value: Fraction | None
        if weighted:
            scored = [c for c in colleges if means[c.name][option] is not None]
            weight = sum((Fraction(c.weight or 0) for c in scored), Fraction(0))
            value = (
                sum(
                    (Fraction(c.weight or 0) * (means[c.name][option] or 0) for c in scored),
                    Fraction(0),
                )
                / weight
                if scored
                else None
            )
        else:
            value = Fraction(total, count) if count else None
        option_scores.append(OptionScore(option, value, count, total))

    quorum_met, college_quorum = quorum_reached(rules, colleges, voters)
    scored_values = [o.score for o in option_scores if o.score is not None]
    best = max(scored_values, default=None)
    leaders = tuple(sorted(o.option for o in option_scores if best is not None and o.score == best))
    outcome: ScoreOutcome
    if quorum_met is False:
        outcome = "no_quorum"
    elif best is None:
        outcome = "rejected"
    else:
        outcome = "chosen" if len(leaders) == 1 else "tie"
    members = sum(c.member_count for c in colleges)
    return ScoreTally(
        rules=rules,
        outcome=outcome,
        chosen=leaders[0] if outcome == "chosen" else None,
        tied=leaders if outcome == "tie" else (),
        result=(best or Fraction(0)) / MAX_SCORE,
        turnout=Fraction(sum(voters.values()), members),
        members=members,
        voters=sum(voters.values()),
        quorum_met=quorum_met,
        options=tuple(option_scores),
        colleges=tuple(
            CollegeScores(
                name=c.name,
                members=c.member_count,
                voters=voters[c.name],
                weight=c.weight,
                means=means[c.name],
                quorum_met=college_quorum.get(c.name),
            )
            for c in colleges
        ),
    )


def _check_options(options: Sequence[str]) -> None:
    if len(options) < 2:
        raise InvalidInput(
            "tally.options",
            "a score vote chooses between at least two options",
            field="options",
        )
    seen: set[str] = set()
    for i, option in enumerate(options):
        if option in seen:
            raise InvalidInput(
                "tally.duplicate_option",
                f"the option {option!r} is given twice",
                field=f"options[{i}]",
            )
        seen.add(option)


def _check_ballots(
    college_of: dict[str, str], options: Sequence[str], ballots: Sequence[Ballot]
) -> None:
    known = set(options)
    seen: set[str] = set()
    for i, ballot in enumerate(ballots):
        if ballot.voter not in college_of:
            raise InvalidInput(
                "tally.unknown_voter",
                f"{ballot.voter!r} votes but is not among the members",
                field=f"votes[{i}].voter",
            )
        if ballot.voter in seen:
            raise InvalidInput(
                "tally.duplicate_vote",
                f"{ballot.voter!r} votes twice: one vote per member",
                field=f"votes[{i}].voter",
            )
        seen.add(ballot.voter)
        for option, value in ballot.scores.items():
            if option not in known:
                raise InvalidInput(
                    "tally.unknown_option",
                    f"{ballot.voter!r} scores {option!r}, which is not one of the options",
                    field=f"votes[{i}].scores",
                )
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
                raise InvalidInput(
                    "tally.score_range",
                    f"{ballot.voter!r} gives {option!r} the score {value!r}: a score is a "
                    f"whole number from 0 to {MAX_SCORE}",
                    field=f"votes[{i}].scores.{option}",
                )
