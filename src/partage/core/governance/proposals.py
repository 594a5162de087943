"""Proposals, bodies and roles as values, and the rules that hold before anything is counted.

Guarantees:

- A proposal's rules are checked as a whole when it opens (:func:`check_rules`): a method
  partage knows; a threshold only for a vote or a college vote (majority when none is given);
  a quorum a share in [0, 1]; a secret ballot only for a vote or a college vote (a consent is
  decided by named objections, an advice by named advice, a score by each voter's scores);
  options (at least two, distinct) only for a score; a closing time after ``now`` and at most
  a year away.
- A proposal's status is read from its closing time and whether an outcome was recorded:
  ``open`` before closing, ``due`` after it until counted, ``closed`` once counted.
- A role is active from its start until its term ends or a decision ends it, whichever comes
  first; reading it at a later ``now`` shows it ended without anything being written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal

from partage.core.errors import InvalidInput
from partage.core.governance.tally import (
    SCIC_MAX_WEIGHT,
    SCIC_MIN_COLLEGES,
    SCIC_MIN_WEIGHT,
    plain_decimal,
)

BodyKind = Literal["assembly", "admins", "circle"]
ProposalMethod = Literal["vote", "college_vote", "consent", "advice", "score"]
PROPOSAL_METHODS: tuple[ProposalMethod, ...] = (
    "consent",
    "advice",
    "vote",
    "college_vote",
    "score",
)
THRESHOLDS = ("majority", "two_thirds", "unanimity")
SECRET_METHODS = ("vote", "college_vote")
ASSEMBLY = "assembly"
ADMINS = "admins"
# The longest a proposal may stay open: a year, like a round's objection window.
LONGEST = timedelta(days=366)
MAX_OPTIONS = 20


@dataclass(frozen=True, slots=True)
class BodyRecord:
    id: int
    kind: BodyKind
    name: str
    allows_blocks: bool
    created_at: datetime | None
    member_ids: tuple[int, ...] = ()  # a circle's named members


@dataclass(frozen=True, slots=True)
class RoleRecord:
    id: int
    name: str
    domain: str
    body_id: int | None
    holder_id: int
    since: datetime
    term_ends_at: datetime | None
    ended_at: datetime | None
    proposal_id: int | None
    ended_by_proposal: int | None


@dataclass(frozen=True, slots=True)
class ProposalRules:
    """What :func:`check_rules` accepted, normalised."""

    method: ProposalMethod
    threshold: str | None
    quorum: Decimal | None
    quorum_per_college: bool
    secret: bool
    options: tuple[str, ...]
    window: timedelta | None


@dataclass(frozen=True, slots=True)
class ProposalRecord:
    id: int
    body_id: int
    author_id: int
    title: str
    text: str
    method: ProposalMethod
    threshold: str | None
    quorum: Decimal | None
    quorum_per_college: bool
    secret: bool
    blocks_allowed: bool
    options: tuple[str, ...]
    weights: dict[str, Decimal] | None
    opened_at: datetime
    closes_at: datetime
    window: timedelta | None
    decider_id: int | None
    action: dict[str, object] | None
    # Power from contribution, frozen at opening: (cap, hours_per_step), or None.
    power: tuple[Decimal, Decimal] | None = None
    # When set, power follows this distribution's payouts instead of hours (step unused).
    power_distribution_id: int | None = None


@dataclass(frozen=True, slots=True)
class ObjectionRecord:
    id: int
    proposal_id: int
    objector_id: int
    reason: str
    raised_at: datetime
    resolved_at: datetime | None
    resolution: str | None


@dataclass(frozen=True, slots=True)
class AdviceRecord:
    id: int
    proposal_id: int
    member_id: int
    text: str
    given_at: datetime


@dataclass(frozen=True, slots=True)
class VoteRecord:
    voter_id: int
    choice: str | None
    scores: dict[str, int] | None
    cast_at: datetime


@dataclass(frozen=True, slots=True)
class OutcomeRecord:
    proposal_id: int
    outcome: str
    result: str
    turnout: str
    chosen: str | None
    tied: tuple[str, ...]
    decision_text: str
    decided_at: datetime
    closed_by: int | None
    action_status: str | None
    action_detail: str
    tally: dict[str, object]


@dataclass(frozen=True, slots=True)
class LogRecord:
    id: int
    at: datetime
    kind: str
    proposal_id: int | None
    member_id: int | None
    text: str
    data: dict[str, object]


def check_rules(
    *,
    method: str,
    threshold: str | None,
    quorum: str | None,
    quorum_per_college: bool,
    secret: bool,
    options: tuple[str, ...],
    closes_at: datetime,
    now: datetime,
) -> ProposalRules:
    """The rules of a proposal about to open, or ``InvalidInput`` naming the first one broken."""
    if method not in PROPOSAL_METHODS:
        raise InvalidInput(
            "proposal.unknown_method",
            f"the method {method!r} is not one of {', '.join(PROPOSAL_METHODS)}",
            field="method",
        )
    voting = method in ("vote", "college_vote")
    if threshold is not None and not voting:
        raise InvalidInput(
            "proposal.threshold_not_used",
            f"a {method} proposal has no threshold; only a vote or a college vote has one",
            field="threshold",
        )
    if threshold is not None and threshold not in THRESHOLDS:
        raise InvalidInput(
            "proposal.unknown_threshold",
            f"the threshold {threshold!r} is not one of {', '.join(THRESHOLDS)}",
            field="threshold",
        )
    share = _quorum(quorum)
    if share is not None and method == "advice":
        raise InvalidInput(
            "proposal.quorum_not_used",
            "an advice proposal has no quorum: the decider decides after asking advice",
            field="quorum",
        )
    if quorum_per_college and share is None:
        raise InvalidInput(
            "proposal.quorum_missing", "a quorum per college needs a quorum", field="quorum"
        )
    if quorum_per_college and method != "college_vote":
        raise InvalidInput(
            "proposal.quorum_per_college",
            "a quorum per college applies to a college vote",
            field="quorum_per_college",
        )
    if secret and method not in SECRET_METHODS:
        raise InvalidInput(
            "proposal.secret_method",
            f"a {method} proposal cannot be secret: only a vote or a college vote can "
            "(a consent is decided by named objections, an advice by named advice, a score "
            "by each voter's scores)",
            field="secret",
        )
    clean_options = _options(method, options)
    if closes_at.tzinfo is None or closes_at.utcoffset() is None:
        raise InvalidInput(
            "proposal.closes_without_zone",
            "the closing time needs its time zone (or UTC)",
            field="closes_at",
        )
    if closes_at <= now:
        raise InvalidInput(
            "proposal.closes_in_past",
            "the closing time must be in the future",
            field="closes_at",
        )
    if closes_at - now > LONGEST:
        raise InvalidInput(
            "proposal.closes_too_late",
            "a proposal stays open at most a year",
            field="closes_at",
        )
    return ProposalRules(
        method=method,
        threshold=threshold or ("majority" if voting else None),
        quorum=share,
        quorum_per_college=quorum_per_college,
        secret=secret,
        options=clean_options,
        window=closes_at - now if method == "consent" else None,
    )


def _quorum(quorum: str | None) -> Decimal | None:
    if quorum is None or str(quorum).strip() == "":
        return None
    try:
        share = Decimal(str(quorum).strip())
    except InvalidOperation:
        share = Decimal("NaN")
    if not share.is_finite() or not 0 <= share <= 1:
        raise InvalidInput(
            "proposal.quorum_range",
            f"the quorum {quorum!r} is not a share of the members between 0 and 1 "
            "(0.5 for half of them)",
            field="quorum",
        )
    return share


def _options(method: str, options: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(o.strip() for o in options)
    if method != "score":
        if cleaned:
            raise InvalidInput(
                "proposal.options_not_used",
                "only a score proposal has options",
                field="options",
            )
        return ()
    if len(cleaned) < 2:
        raise InvalidInput(
            "proposal.options", "a score chooses between at least two options", field="options"
        )
    if len(cleaned) > MAX_OPTIONS:
        raise InvalidInput(
            "proposal.options", f"a score has at most {MAX_OPTIONS} options", field="options"
        )
    for i, option in enumerate(cleaned):
        if not option or len(option) > 200:
            raise InvalidInput(
                "proposal.option_name",
                f"option {i + 1} must have a name of 1 to 200 characters",
                field=f"options[{i}]",
            )
        if option in cleaned[:i]:
            raise InvalidInput(
                "proposal.duplicate_option",
                f"the option {option!r} is given twice",
                field=f"options[{i}]",
            )
    return cleaned


def status(proposal: ProposalRecord, *, closed: bool, now: datetime) -> str:
    """``open`` until its closing time, ``due`` after it until counted, then ``closed``."""
    if closed:
        return "closed"
    return "open" if now < proposal.closes_at else "due"


def role_active(role: RoleRecord, now: datetime) -> bool:
    return ended_at(role, now) is None


def ended_at(role: RoleRecord, now: datetime) -> datetime | None:
    """When the role ended as seen at ``now``: its term, or the decision that ended it."""
    ends = [t for t in (role.ended_at, role.term_ends_at) if t is not None and t <= now]
    return min(ends) if ends else None


def ended_reason(role: RoleRecord, now: datetime) -> str | None:
    when = ended_at(role, now)
    if when is None:
        return None
    # An end written without a decision is a term the scheduler recorded.
    by_decision = role.ended_by_proposal is not None and role.ended_at == when
    return "decision" if by_decision else "term"


def check_weights(weights: dict[str, Decimal], *, scic: bool, field: str = "weights") -> None:
    """College weights for a college vote: each above 0, summing to 100; for a SCIC at least
    three colleges, each within 10–50 % (loi 47-1775, art. 19 octies)."""
    if not weights:
        raise InvalidInput(
            "proposal.no_colleges",
            "a college vote needs colleges with weights; this organization has none",
            field=field,
        )
    if scic:
        if len(weights) < SCIC_MIN_COLLEGES:
            raise InvalidInput(
                "proposal.scic_colleges",
                f"a SCIC that votes by colleges has at least {SCIC_MIN_COLLEGES} of them "
                f"(loi 47-1775, art. 19 octies); there are {len(weights)}",
                field=field,
                params={"count": len(weights)},
            )
        for name, weight in weights.items():
            if not SCIC_MIN_WEIGHT <= weight <= SCIC_MAX_WEIGHT:
                raise InvalidInput(
                    "proposal.scic_weight",
                    "in a SCIC each college weighs between 10 % and 50 % of the votes "
                    f"(loi 47-1775, art. 19 octies); the college {name!r} weighs "
                    f"{plain_decimal(weight)} %",
                    field=field,
                    params={"college": name, "weight": plain_decimal(weight)},
                )
    for name, weight in weights.items():
        if weight <= 0:
            raise InvalidInput(
                "proposal.weight_range",
                f"the weight of the college {name!r} is {plain_decimal(weight)}: a weight is "
                "a percentage above 0",
                field=field,
                params={"college": name, "weight": plain_decimal(weight)},
            )
    total = sum(weights.values(), Decimal(0))
    if total != 100:
        raise InvalidInput(
            "proposal.weights_sum",
            f"the college weights sum to {plain_decimal(total)}, not 100: "
            + ", ".join(f"{n} {plain_decimal(w)}" for n, w in weights.items()),
            field=field,
            params={"total": plain_decimal(total)},
        )
