"""Counting a decision: a vote, a college-weighted vote or a consent, by the rules of issue 5.

Guarantees:

- Arithmetic is exact (``fractions.Fraction``); no float is ever involved, so a result of
  exactly two thirds passes a two-thirds threshold.
- The outcome and the result depend only on the votes cast, never on their order nor on the
  order of the colleges.
- ``result`` lies in [0, 1]. In a ``vote`` it is agree / expressed over everyone; in a
  ``college_vote`` it is Σ_c w_c × agree_c / expressed_c over the colleges with at least one
  expressed vote, their weights rescaled to sum to 100 % (a college where nobody expressed a
  vote is left out). Abstentions are not expressed; a block is expressed and is not agree.
- The outcome is decided in this order: ``no_quorum`` (the vote does not count at all), then
  ``blocked`` (one block is enough), then the threshold: ``passed`` or ``rejected``. With no
  expressed vote at all, nothing was agreed: the result is 0 and the outcome ``rejected``.
- A consent passes unless an objection stands (``rejected``); a quorum, when given, applies
  to it too, counting those who consented, abstained or objected.
- Each bad input is refused with :class:`~partage.core.errors.InvalidInput` naming the rule
  and the thing (a voter, a college), before anything is counted.

Votes come in either of two forms, per college: named votes (voter → choice), or counts
(a secret vote keeps only how many chose what). The proposals of a body will be tallied by
this same function.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from partage.core.errors import InvalidInput

Method = Literal["vote", "college_vote", "consent", "score"]
Threshold = Literal["majority", "two_thirds", "unanimity"]
Choice = Literal["agree", "abstain", "disagree", "block"]
Outcome = Literal["passed", "rejected", "no_quorum", "blocked"]

METHODS: tuple[Method, ...] = ("vote", "college_vote", "consent", "score")
THRESHOLDS: tuple[Threshold, ...] = ("majority", "two_thirds", "unanimity")
CHOICES: tuple[Choice, ...] = ("agree", "abstain", "disagree", "block")
# In a consent one consents or stands aside; disagreeing is done by objecting.
CONSENT_CHOICES: tuple[Choice, ...] = ("agree", "abstain")
LEGAL_FORMS = ("scic",)

# Loi n° 47-1775 du 10 septembre 1947, art. 19 octies: in a SCIC that votes by colleges there
# are at least three, and none holds less than 10 % or more than 50 % of the votes.
SCIC_MIN_COLLEGES = 3
SCIC_MIN_WEIGHT = Decimal(10)
SCIC_MAX_WEIGHT = Decimal(50)
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Counts:
    """How many members of a college chose what (all a secret vote keeps)."""

    agree: int = 0
    disagree: int = 0
    abstain: int = 0
    block: int = 0

    @property
    def expressed(self) -> int:
        return self.agree + self.disagree + self.block

    @property
    def voters(self) -> int:
        return self.expressed + self.abstain


@dataclass(frozen=True, slots=True)
class College:
    """A group of members voting together: named ``members``, or only their number ``size``.

    ``weight`` is a percentage (a ``college_vote`` needs one per college); ``counts`` is
    given for a secret vote, instead of named votes.

    ``size=0`` with ``counts`` (all zero) is a college emptied since the vote opened: it
    counts nobody in the quorum or the turnout, asks no quorum of its own, and — nobody in
    it having expressed a vote — is left out of the result like any silent college.
    """

    name: str
    members: tuple[str, ...] = ()
    size: int | None = None
    weight: Decimal | None = None
    counts: Counts | None = None

    @property
    def member_count(self) -> int:
        return len(self.members) if self.size is None else self.size


@dataclass(frozen=True, slots=True)
class Vote:
    voter: str
    choice: str


@dataclass(frozen=True, slots=True)
class Objection:
    by: str
    standing: bool = True


@dataclass(frozen=True, slots=True)
class Rules:
    """How a decision is counted. ``quorum`` is a share of the members, in [0, 1]."""

    method: Method
    threshold: Threshold | None = None
    quorum: Decimal | None = None
    quorum_per_college: bool = False
    blocks: bool = True
    legal_form: str | None = None


@dataclass(frozen=True, slots=True)
class CollegeTally:
    name: str
    members: int
    counts: Counts
    weight: Decimal | None
    # The college's part of the result after rescaling (0 when it is left out), as a fraction
    # of 1; None outside a college vote.
    weight_used: Fraction | None
    quorum_met: bool | None

    @property
    def share(self) -> Fraction | None:
        """agree / expressed, or None when nobody in the college expressed a vote."""
        expressed = self.counts.expressed
        return Fraction(self.counts.agree, expressed) if expressed else None


@dataclass(frozen=True, slots=True)
class Tally:
    rules: Rules
    outcome: Outcome
    result: Fraction
    turnout: Fraction
    members: int
    voters: int
    quorum_met: bool | None
    colleges: tuple[CollegeTally, ...]
    blocked_by: tuple[str, ...] = ()
    standing_objections: tuple[str, ...] = ()


def tally(
    rules: Rules,
    colleges: Sequence[College],
    votes: Iterable[Vote] = (),
    objections: Iterable[Objection] = (),
) -> Tally:
    """Count ``votes`` (and, for a consent, ``objections``) cast by the members of ``colleges``.

    A college that gives ``counts`` takes no named vote. Raises ``InvalidInput`` on the first
    rule broken.
    """
    if rules.method == "score":
        raise InvalidInput(
            "tally.score_method",
            "a score vote is counted by partage.core.governance.score.score",
            field="method",
        )
    check_rules(rules)
    check_colleges(rules, colleges)
    college_of = college_of_member(colleges)
    votes = tuple(votes)
    objections = tuple(objections)
    by_college = _count_votes(rules, colleges, college_of, votes)
    standing = _check_objections(rules, college_of, votes, objections)

    members = sum(c.member_count for c in colleges)
    participants = {v.voter for v in votes} | {o.by for o in objections}
    voters = sum(by_college[c.name].voters for c in colleges)
    if rules.method == "consent":
        voters = len(participants)  # those who objected without voting took part too
    turnout = Fraction(voters, members) if members else Fraction(0)

    quorum_met, college_quorum = _quorum(rules, colleges, by_college, college_of, participants)
    weights_used = _weights_used(rules, colleges, by_college)
    result = _result(rules, colleges, by_college, weights_used, standing, voters)
    blocked_by = tuple(sorted(v.voter for v in votes if v.choice == "block"))
    blocked = any(by_college[c.name].block for c in colleges)

    outcome: Outcome
    if quorum_met is False:
        outcome = "no_quorum"
    elif rules.method == "consent":
        outcome = "rejected" if standing else "passed"
    elif blocked:
        outcome = "blocked"
    else:
        expressed = sum(by_college[c.name].expressed for c in colleges)
        outcome = "passed" if expressed and _meets(rules.threshold, result) else "rejected"

    return Tally(
        rules=rules,
        outcome=outcome,
        result=result,
        turnout=turnout,
        members=members,
        voters=voters,
        quorum_met=quorum_met,
        colleges=tuple(
            CollegeTally(
                name=c.name,
                members=c.member_count,
                counts=by_college[c.name],
                weight=c.weight,
                weight_used=weights_used.get(c.name) if weights_used is not None else None,
                quorum_met=college_quorum.get(c.name),
            )
            for c in colleges
        ),
        blocked_by=blocked_by,
        standing_objections=standing,
    )


def _meets(threshold: Threshold | None, result: Fraction) -> bool:
    if threshold == "two_thirds":
        return result >= Fraction(2, 3)
    if threshold == "unanimity":
        return result == 1
    return result > Fraction(1, 2)  # majority, the default: a tie is not a majority


def check_rules(rules: Rules) -> None:
    if rules.method not in METHODS:
        raise InvalidInput(
            "tally.unknown_method",
            f"the method {rules.method!r} is not one of {', '.join(METHODS)}",
            field="method",
        )
    if rules.threshold is not None:
        if rules.method in ("consent", "score"):
            raise InvalidInput(
                "tally.threshold_not_used",
                "a consent has no threshold: it passes unless an objection stands"
                if rules.method == "consent"
                else "a score vote has no threshold: the option with the best score is chosen",
                field="threshold",
            )
        if rules.threshold not in THRESHOLDS:
            raise InvalidInput(
                "tally.unknown_threshold",
                f"the threshold {rules.threshold!r} is not one of {', '.join(THRESHOLDS)}",
                field="threshold",
            )
    if rules.quorum is not None and not 0 <= rules.quorum <= 1:
        raise InvalidInput(
            "tally.quorum_range",
            f"the quorum {rules.quorum} is not a share of the members between 0 and 1 "
            "(0.5 for half of them)",
            field="quorum",
        )
    if rules.quorum_per_college and rules.quorum is None:
        raise InvalidInput(
            "tally.quorum_missing",
            "quorum_per_college needs a quorum",
            field="quorum_per_college",
        )
    if rules.legal_form is not None and rules.legal_form not in LEGAL_FORMS:
        raise InvalidInput(
            "tally.unknown_legal_form",
            f"the legal form {rules.legal_form!r} is not one partage knows "
            f"({', '.join(LEGAL_FORMS)})",
            field="legal_form",
        )


def check_colleges(rules: Rules, colleges: Sequence[College]) -> None:
    if not colleges:
        raise InvalidInput(
            "tally.no_members",
            "nobody can vote: give the members, or the colleges and their members",
            field="colleges" if rules.method == "college_vote" else "members",
        )
    weighted = is_weighted(rules, colleges)
    names: set[str] = set()
    for i, college in enumerate(colleges):
        if college.name in names:
            raise InvalidInput(
                "tally.duplicate_college",
                f"the college {college.name!r} is given twice",
                field=f"colleges[{i}].name",
            )
        names.add(college.name)
        emptied = college.size == 0 and college.counts is not None
        if college.member_count < 1 and not emptied:
            raise InvalidInput(
                "tally.empty_college",
                f"the college {college.name!r} has no members",
                field=f"colleges[{i}].members",
            )
        if college.size is not None and college.counts is None:
            raise InvalidInput(
                "tally.counts_missing",
                f"the college {college.name!r} gives only its number of members: "
                "give its counts too (a secret vote), or name its members",
                field=f"colleges[{i}].counts",
            )
        if college.counts is not None and rules.method in ("consent", "score"):
            raise InvalidInput(
                "tally.counts_not_used",
                f"the college {college.name!r} gives counts, but a consent is counted from "
                "named objections: name its members and their objections"
                if rules.method == "consent"
                else f"the college {college.name!r} gives counts, but a score vote is counted "
                "from each voter's scores: name its members and their scores",
                field=f"colleges[{i}].counts",
            )
        if college.weight is not None and rules.method in ("vote", "consent"):
            raise InvalidInput(
                "tally.weight_not_used",
                f"the college {college.name!r} has a weight, but weights count only in a "
                "college_vote or a score: remove it, or use the method college_vote",
                field=f"colleges[{i}].weight",
            )
        if weighted:
            if college.weight is None:
                raise InvalidInput(
                    "tally.weight_missing",
                    f"the college {college.name!r} has no weight: a college_vote (or a score "
                    "with weights) weighs each college (a percentage)",
                    field=f"colleges[{i}].weight",
                )
            if college.weight <= 0:
                raise InvalidInput(
                    "tally.weight_range",
                    f"the weight of the college {college.name!r} is {college.weight}: "
                    "a weight is a percentage above 0",
                    field=f"colleges[{i}].weight",
                )
    if not weighted:
        return
    if rules.legal_form == "scic":
        # The law's reason comes first: it is the one the assembly needs to hear.
        _check_scic(colleges)
    total = sum((c.weight or Decimal(0) for c in colleges), Decimal(0))
    if total != HUNDRED:
        raise InvalidInput(
            "tally.weights_sum",
            f"the college weights sum to {_plain(total)}, not 100: "
            + ", ".join(f"{c.name} {_plain(c.weight or Decimal(0))}" for c in colleges),
            field="colleges",
        )


def is_weighted(rules: Rules, colleges: Sequence[College]) -> bool:
    """Whether colleges weigh: always in a college vote, in a score when weights are given."""
    return rules.method == "college_vote" or (
        rules.method == "score" and any(c.weight is not None for c in colleges)
    )


def _check_scic(colleges: Sequence[College]) -> None:
    if len(colleges) < SCIC_MIN_COLLEGES:
        raise InvalidInput(
            "tally.scic_colleges",
            f"a SCIC that votes by colleges has at least {SCIC_MIN_COLLEGES} of them "
            f"(loi 47-1775, art. 19 octies); this vote has {len(colleges)}",
            field="colleges",
        )
    for i, college in enumerate(colleges):
        weight = college.weight or Decimal(0)
        if not SCIC_MIN_WEIGHT <= weight <= SCIC_MAX_WEIGHT:
            raise InvalidInput(
                "tally.scic_weight",
                f"in a SCIC each college weighs between 10 % and 50 % of the votes "
                f"(loi 47-1775, art. 19 octies); the college {college.name!r} weighs "
                f"{_plain(weight)} %",
                field=f"colleges[{i}].weight",
            )


def college_of_member(colleges: Sequence[College]) -> dict[str, str]:
    college_of: dict[str, str] = {}
    for i, college in enumerate(colleges):
        for member in college.members:
            if member in college_of:
                where = college_of[member]
                raise InvalidInput(
                    "tally.duplicate_member",
                    f"{member!r} is listed twice in the college {where!r}"
                    if where == college.name
                    else f"{member!r} is a member of two colleges, {where!r} and "
                    f"{college.name!r}: a member votes in one college",
                    field=f"colleges[{i}].members",
                )
            college_of[member] = college.name
    return college_of


def _count_votes(
    rules: Rules,
    colleges: Sequence[College],
    college_of: dict[str, str],
    votes: Sequence[Vote],
) -> dict[str, Counts]:
    counted = {c.name: c for c in colleges if c.counts is not None}
    tallies: dict[str, dict[str, int]] = {
        c.name: {choice: 0 for choice in CHOICES} for c in colleges
    }
    allowed = CONSENT_CHOICES if rules.method == "consent" else CHOICES
    seen: set[str] = set()
    for i, vote in enumerate(votes):
        field = f"votes[{i}]"
        if vote.voter not in college_of:
            raise InvalidInput(
                "tally.unknown_voter",
                f"{vote.voter!r} votes but is not among the members",
                field=f"{field}.voter",
            )
        if vote.voter in seen:
            raise InvalidInput(
                "tally.duplicate_vote",
                f"{vote.voter!r} votes twice: one vote per member",
                field=f"{field}.voter",
            )
        seen.add(vote.voter)
        if vote.choice not in allowed:
            hint = " (in a consent, disagree by objecting)" if rules.method == "consent" else ""
            raise InvalidInput(
                "tally.unknown_choice",
                f"{vote.voter!r} chose {vote.choice!r}, which is not one of "
                f"{', '.join(allowed)}{hint}",
                field=f"{field}.choice",
            )
        if vote.choice == "block" and not rules.blocks:
            raise InvalidInput(
                "tally.block_not_allowed",
                f"{vote.voter!r} blocks, but this body does not allow blocks",
                field=f"{field}.choice",
            )
        home = college_of[vote.voter]
        if home in counted:
            raise InvalidInput(
                "tally.counted_college",
                f"{vote.voter!r} votes by name, but the college {home!r} gives counts "
                "(a secret vote): give one or the other",
                field=f"{field}.voter",
            )
        tallies[home][vote.choice] += 1

    by_college: dict[str, Counts] = {}
    for i, college in enumerate(colleges):
        counts = college.counts or Counts(**tallies[college.name])
        if counts.voters > college.member_count:
            raise InvalidInput(
                "tally.too_many_votes",
                f"the college {college.name!r} counts {counts.voters} votes for "
                f"{college.member_count} members",
                field=f"colleges[{i}].counts",
            )
        if counts.block and not rules.blocks:
            raise InvalidInput(
                "tally.block_not_allowed",
                f"the college {college.name!r} counts {counts.block} blocks, but this body "
                "does not allow blocks",
                field=f"colleges[{i}].counts.block",
            )
        by_college[college.name] = counts
    return by_college


def _check_objections(
    rules: Rules,
    college_of: dict[str, str],
    votes: Sequence[Vote],
    objections: Sequence[Objection],
) -> tuple[str, ...]:
    if objections and rules.method != "consent":
        raise InvalidInput(
            "tally.objections_not_used",
            "objections count only in a consent; in a vote, disagree or block",
            field="objections",
        )
    consented = {v.voter for v in votes if v.choice == "agree"}
    seen: set[str] = set()
    standing: list[str] = []
    for i, objection in enumerate(objections):
        field = f"objections[{i}].by"
        if objection.by not in college_of:
            raise InvalidInput(
                "tally.unknown_voter",
                f"{objection.by!r} objects but is not among the members",
                field=field,
            )
        if objection.by in seen:
            raise InvalidInput(
                "tally.duplicate_objection",
                f"{objection.by!r} objects twice: give one objection per member, standing or not",
                field=field,
            )
        seen.add(objection.by)
        if objection.standing:
            if objection.by in consented:
                raise InvalidInput(
                    "tally.objector_consented",
                    f"{objection.by!r} both consents and stands by an objection",
                    field=field,
                )
            standing.append(objection.by)
    return tuple(sorted(standing))


def _quorum(
    rules: Rules,
    colleges: Sequence[College],
    by_college: dict[str, Counts],
    college_of: dict[str, str],
    participants: set[str],
) -> tuple[bool | None, dict[str, bool]]:
    if rules.method == "consent":
        voters = {c.name: 0 for c in colleges}
        for person in participants:
            voters[college_of[person]] += 1
    else:
        voters = {c.name: by_college[c.name].voters for c in colleges}
    return quorum_reached(rules, colleges, voters)


def quorum_reached(
    rules: Rules, colleges: Sequence[College], voters: Mapping[str, int]
) -> tuple[bool | None, dict[str, bool]]:
    """Whether the quorum is met (None without one), overall, and per college if asked.

    ``voters`` is how many members of each college took part, abstentions included.
    """
    if rules.quorum is None:
        return None, {}
    quorum = Fraction(rules.quorum)
    if rules.quorum_per_college:
        # An emptied college has nobody who could take part: it asks no quorum of its own.
        met = {
            c.name: Fraction(voters[c.name], c.member_count) >= quorum
            for c in colleges
            if c.member_count
        }
        # A quorum among nobody at all is not met: nobody decided anything.
        return bool(met) and all(met.values()), met
    members = sum(c.member_count for c in colleges)
    if not members:
        return False, {}
    return Fraction(sum(voters.values()), members) >= quorum, {}


def _weights_used(
    rules: Rules, colleges: Sequence[College], by_college: dict[str, Counts]
) -> dict[str, Fraction] | None:
    """Each college's part of the result: its weight over the weights of the colleges counted."""
    if rules.method != "college_vote":
        return None
    counted = [c for c in colleges if by_college[c.name].expressed]
    total = sum((Fraction(c.weight or 0) for c in counted), Fraction(0))
    return {
        c.name: Fraction(c.weight or 0) / total if by_college[c.name].expressed else Fraction(0)
        for c in colleges
    }


def _result(
    rules: Rules,
    colleges: Sequence[College],
    by_college: dict[str, Counts],
    weights_used: dict[str, Fraction] | None,
    standing: tuple[str, ...],
    voters: int,
) -> Fraction:
    if rules.method == "consent":
        # The share of those who took part without a standing objection; with nobody taking
        # part nobody objected, and a consent passes by silence.
        return Fraction(voters - len(standing), voters) if voters else Fraction(1)
    if weights_used is not None:
        return sum(
            (
                weights_used[c.name] * Fraction(by_college[c.name].agree, counts.expressed)
                for c in colleges
                if (counts := by_college[c.name]).expressed
            ),
            Fraction(0),
        )
    agree = sum(by_college[c.name].agree for c in colleges)
    expressed = sum(by_college[c.name].expressed for c in colleges)
    return Fraction(agree, expressed) if expressed else Fraction(0)


def _plain(number: Decimal) -> str:
    """40 for Decimal('40.00') or Decimal('4E+1'); 12.5 for Decimal('12.50')."""
    if number == number.to_integral_value():
        return format(number.quantize(Decimal(1)), "f")
    return format(number.normalize(), "f")


plain_decimal = _plain
