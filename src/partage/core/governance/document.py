"""The tally document of ``partage tally`` and ``POST /api/tally`` (docs/tally.md), both ways.

Guarantees: :func:`read` turns a decoded JSON or YAML document into the plain values that
:func:`~partage.core.governance.tally.tally` counts, refusing with ``InvalidInput`` — naming
the field — any unknown key, a float, a negative or non-integer count, a non-decimal weight
or quorum; :func:`as_json` writes a tally back with every share as decimal text of exactly six
decimals, rounded half to even from the exact fraction (``result_exact`` keeps the fraction
itself, which is what the threshold was compared with).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, cast

from partage.core.errors import InvalidInput
from partage.core.governance.score import MAX_SCORE, Ballot, ScoreTally, score
from partage.core.governance.tally import (
    College,
    Counts,
    Method,
    Objection,
    Rules,
    Tally,
    Threshold,
    Vote,
    plain_decimal,
    tally,
)

DECIMALS = 6
# The single college of a vote given as a plain list of members.
MEMBERS = "members"

_TOP = frozenset(
    {
        "method",
        "threshold",
        "quorum",
        "quorum_per_college",
        "blocks",
        "legal_form",
        "members",
        "counts",
        "colleges",
        "votes",
        "objections",
        "options",
    }
)
_COLLEGE = ("name", "weight", "members", "counts")
_COUNTS = ("agree", "disagree", "abstain", "block")


@dataclass(frozen=True, slots=True)
class TallyRequest:
    rules: Rules
    colleges: tuple[College, ...]
    votes: tuple[Vote, ...]
    objections: tuple[Objection, ...]
    options: tuple[str, ...] = ()
    ballots: tuple[Ballot, ...] = ()


def tally_document(document: Any) -> dict[str, Any]:
    """Read ``document``, count it, and give the JSON answer."""
    request = read(document)
    if request.rules.method == "score":
        return score_json(score(request.rules, request.colleges, request.options, request.ballots))
    return as_json(tally(request.rules, request.colleges, request.votes, request.objections))


def read(document: Any) -> TallyRequest:
    data = _mapping(document, "the tally document", None)
    unknown = sorted(set(data) - _TOP)
    if unknown:
        raise InvalidInput(
            "tally.unknown_field",
            f"{unknown[0]!r} is not a field of a tally document (see docs/tally.md)",
            field=unknown[0],
        )
    method = _text(data.get("method"), "method")
    threshold = data.get("threshold")
    if threshold is None and method in ("vote", "college_vote"):
        threshold = "majority"
    rules = Rules(
        method=cast(Method, method),
        threshold=cast(Threshold, _text(threshold, "threshold")) if threshold is not None else None,
        quorum=_decimal(data["quorum"], "quorum") if data.get("quorum") is not None else None,
        quorum_per_college=_flag(data.get("quorum_per_college", False), "quorum_per_college"),
        blocks=_flag(data.get("blocks", True), "blocks"),
        legal_form=_text(data["legal_form"], "legal_form")
        if data.get("legal_form") is not None
        else None,
    )
    if rules.method == "score":
        return _score_request(data, rules)
    if "options" in data:
        raise InvalidInput(
            "tally.options_not_used",
            "options are chosen between in a score vote (method score)",
            field="options",
        )
    return TallyRequest(
        rules=rules,
        colleges=_colleges(data),
        votes=tuple(
            _vote(v, f"votes[{i}]") for i, v in enumerate(_list(data.get("votes", []), "votes"))
        ),
        objections=tuple(
            _objection(o, f"objections[{i}]")
            for i, o in enumerate(_list(data.get("objections", []), "objections"))
        ),
    )


def _vote(raw: Any, where: str) -> Vote:
    vote = _fields(raw, "a vote", where, ("voter", "choice"))
    return Vote(
        voter=_text(vote.get("voter"), f"{where}.voter"),
        choice=_text(vote.get("choice"), f"{where}.choice"),
    )


def _objection(raw: Any, where: str) -> Objection:
    objection = _fields(raw, "an objection", where, ("by", "standing"))
    return Objection(
        by=_text(objection.get("by"), f"{where}.by"),
        standing=_flag(objection.get("standing", True), f"{where}.standing"),
    )


def _fields(raw: Any, what: str, where: str, known: tuple[str, ...]) -> Mapping[str, Any]:
    """``raw`` as an object with no field but ``known`` (a typo is refused, not ignored)."""
    data = _mapping(raw, what, where)
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise InvalidInput(
            "tally.unknown_field",
            f"{unknown[0]!r} is not a field of {what} ({', '.join(known)})",
            field=f"{where}.{unknown[0]}",
        )
    return data


def _score_request(data: Mapping[str, Any], rules: Rules) -> TallyRequest:
    if "objections" in data:
        raise InvalidInput(
            "tally.objections_not_used",
            "objections count only in a consent; in a score vote, score low",
            field="objections",
        )
    options = tuple(
        _text(o, f"options[{i}]") for i, o in enumerate(_list(data.get("options"), "options"))
    )
    ballots = []
    for i, raw in enumerate(_list(data.get("votes", []), "votes")):
        vote = _fields(raw, "a score vote", f"votes[{i}]", ("voter", "scores"))
        scores = _mapping(vote.get("scores", {}), "scores", f"votes[{i}].scores")
        ballots.append(
            Ballot(
                voter=_text(vote.get("voter"), f"votes[{i}].voter"),
                scores={
                    str(option): _score(value, f"votes[{i}].scores.{option}")
                    for option, value in scores.items()
                },
            )
        )
    return TallyRequest(
        rules=rules,
        colleges=_colleges(data),
        votes=(),
        objections=(),
        options=options,
        ballots=tuple(ballots),
    )


def _score(raw: Any, field: str) -> int:
    value = _count(raw, field)
    if value > MAX_SCORE:
        raise InvalidInput(
            "tally.score_range",
            f"{field} is {value}: a score is a whole number from 0 to {MAX_SCORE}",
            field=field,
        )
    return value


def _colleges(data: Mapping[str, Any]) -> tuple[College, ...]:
    if "colleges" in data:
        if "members" in data or "counts" in data:
            raise InvalidInput(
                "tally.members_and_colleges",
                "give either the colleges (each with its members) or a members list, not both",
                field="members" if "members" in data else "counts",
            )
        colleges = []
        for i, raw in enumerate(_list(data["colleges"], "colleges")):
            where = f"colleges[{i}]"
            college = _fields(raw, "a college", where, _COLLEGE)
            colleges.append(
                _college(
                    name=_text(college.get("name"), f"{where}.name"),
                    weight=college.get("weight"),
                    members=college.get("members"),
                    counts=college.get("counts"),
                    where=where,
                )
            )
        return tuple(colleges)
    if "members" not in data:
        return ()
    return (
        _college(
            name=MEMBERS,
            weight=None,
            members=data["members"],
            counts=data.get("counts"),
            where="",
        ),
    )


def _college(*, name: str, weight: Any, members: Any, counts: Any, where: str) -> College:
    prefix = f"{where}." if where else ""
    size: int | None = None
    names: tuple[str, ...] = ()
    if isinstance(members, list):
        names = tuple(_text(m, f"{prefix}members[{j}]") for j, m in enumerate(members))
    else:
        # A secret vote may give only how many members there are.
        size = _count(members, f"{prefix}members")
        if size == 0:
            # An assembly counted on paper names no empty college; only a proposal whose
            # college emptied while it ran has one (core/governance/tally.py, College).
            raise InvalidInput(
                "tally.empty_college",
                f"the college {name!r} has no members",
                field=f"{prefix}members",
            )
    return College(
        name=name,
        members=names,
        size=size,
        weight=_decimal(weight, f"{prefix}weight") if weight is not None else None,
        counts=_counts(counts, f"{prefix}counts") if counts is not None else None,
    )


def _counts(raw: Any, field: str) -> Counts:
    data = _mapping(raw, "counts", field)
    unknown = sorted(set(data) - set(_COUNTS))
    if unknown:
        raise InvalidInput(
            "tally.unknown_field",
            f"{unknown[0]!r} is not a count: counts are {', '.join(_COUNTS)}",
            field=f"{field}.{unknown[0]}",
        )
    return Counts(**{key: _count(data.get(key, 0), f"{field}.{key}") for key in _COUNTS})


def as_json(done: Tally) -> dict[str, Any]:
    """The answer of ``partage tally`` (docs/tally.md, "The result")."""
    rules = done.rules
    answer: dict[str, Any] = {
        "outcome": done.outcome,
        "result": decimal_text(done.result),
        "result_exact": f"{done.result.numerator}/{done.result.denominator}",
        "turnout": decimal_text(done.turnout),
        "method": rules.method,
        "threshold": rules.threshold,
        "quorum": plain_decimal(rules.quorum) if rules.quorum is not None else None,
        "quorum_per_college": rules.quorum_per_college,
        "quorum_met": done.quorum_met,
        "members": done.members,
        "voters": done.voters,
        "colleges": {},
    }
    for college in done.colleges:
        counts = college.counts
        share = college.share
        line: dict[str, Any] = {
            "members": college.members,
            "voters": counts.voters,
            "agree": counts.agree,
            "disagree": counts.disagree,
            "abstain": counts.abstain,
            "block": counts.block,
            "expressed": counts.expressed,
            "share": decimal_text(share) if share is not None else None,
        }
        if college.weight is not None:
            line["weight"] = plain_decimal(college.weight)
        if college.weight_used is not None:
            line["weight_used"] = decimal_text(college.weight_used * 100)
        if college.quorum_met is not None:
            line["quorum_met"] = college.quorum_met
        answer["colleges"][college.name] = line
    if rules.method == "consent":
        answer["standing_objections"] = list(done.standing_objections)
    else:
        answer["blocked_by"] = list(done.blocked_by)
    return answer


def score_json(done: ScoreTally) -> dict[str, Any]:
    """The answer for a score vote (docs/tally.md, "Score")."""
    rules = done.rules
    return {
        "outcome": done.outcome,
        "chosen": done.chosen,
        "tied": list(done.tied),
        "result": decimal_text(done.result),
        "result_exact": f"{done.result.numerator}/{done.result.denominator}",
        "turnout": decimal_text(done.turnout),
        "method": "score",
        "threshold": None,
        "quorum": plain_decimal(rules.quorum) if rules.quorum is not None else None,
        "quorum_per_college": rules.quorum_per_college,
        "quorum_met": done.quorum_met,
        "members": done.members,
        "voters": done.voters,
        "options": {
            o.option: {
                "score": decimal_text(o.score) if o.score is not None else None,
                "ballots": o.ballots,
                "total": o.total,
            }
            for o in done.options
        },
        "colleges": {
            c.name: {
                "members": c.members,
                "voters": c.voters,
                **({"weight": plain_decimal(c.weight)} if c.weight is not None else {}),
                "scores": {
                    o: decimal_text(m) if m is not None else None for o, m in c.means.items()
                },
                **({"quorum_met": c.quorum_met} if c.quorum_met is not None else {}),
            }
            for c in done.colleges
        },
    }


def decimal_text(value: Fraction) -> str:
    """``value`` with exactly six decimals, rounded half to even (2/3 → "0.666667")."""
    scaled = round(value * 10**DECIMALS)  # Fraction rounds half to even
    sign = "-" if scaled < 0 else ""
    whole, part = divmod(abs(scaled), 10**DECIMALS)
    return f"{sign}{whole}.{part:0{DECIMALS}d}"


# ---- reading plain values, each refusal naming its field ----


def _mapping(raw: Any, what: str, field: str | None) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise InvalidInput("tally.malformed", f"{what} must be an object", field=field)
    return raw


def _list(raw: Any, field: str) -> list[Any]:
    if not isinstance(raw, list):
        raise InvalidInput("tally.malformed", f"{field} must be a list", field=field)
    return raw


def _text(raw: Any, field: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput("tally.malformed", f"{field} must be a non-empty text", field=field)
    return raw.strip()


def _flag(raw: Any, field: str) -> bool:
    if not isinstance(raw, bool):
        raise InvalidInput("tally.malformed", f"{field} must be true or false", field=field)
    return raw


def _decimal(raw: Any, field: str) -> Decimal:
    # A float would already have lost exactness: documents are read with decimals as Decimal.
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise InvalidInput(
            "tally.not_a_number", f'{field} must be a decimal number, such as "40"', field=field
        )
    try:
        number = Decimal(raw.strip()) if isinstance(raw, str) else Decimal(raw)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or abs(number.adjusted()) > 30:
        raise InvalidInput(
            "tally.not_a_number",
            f"{field} is {str(raw)[:40]!r}, not a decimal number",
            field=field,
        )
    return number


def _count(raw: Any, field: str) -> int:
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if isinstance(raw, Decimal) and raw == raw.to_integral_value() and raw.is_finite():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise InvalidInput(
            "tally.not_a_count",
            f"{field} is {str(raw)[:40]!r}: a count is a whole number, 0 or more",
            field=field,
        )
    if raw > 10**12:
        raise InvalidInput("tally.not_a_count", f"{field} is too large", field=field)
    return raw
