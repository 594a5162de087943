"""What a proposal does when it passes: an action, read from a small JSON-like mapping.

Guarantees:

- :func:`parse` accepts exactly the kinds listed in ``KINDS`` with their fields, and refuses
  anything else with ``InvalidInput`` naming the field: an unknown kind, a missing or unknown
  field, a value of the wrong type, a negative or fractional amount, a rate outside
  0–100 %, a day that is not a date.
- The parsed action turns back into the same mapping (:func:`as_mapping`), which is what the
  proposal stores; reading it again gives an equal action.
- Whether the action applies to the organization as it is (the member exists, the fund holds
  the envelope, the weights fit the SCIC bounds) is checked by the service, when the proposal
  opens and again when it passes; this module only checks its shape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from partage.core.errors import InvalidInput

KINDS = (
    "set_public_page",
    "open_round",
    "admit_member",
    "remove_member",
    "change_college",
    "set_college_weights",
    "fill_role",
    "end_role",
    "set_contribution_power",
    "set_round_envelope",
    "set_round_window",
    "set_commission_rate",
)
POLICIES = ("pro_rata", "in_order", "debt")
_STATUS = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_PLAIN = re.compile(r"^\d{1,3}(\.\d{1,6})?$")
UNSPENT_RULES = ("return", "rollover")
MAX_TERM_DAYS = 3660


@dataclass(frozen=True, slots=True)
class Action:
    """An action: its ``kind`` and its checked fields (plain JSON values)."""

    kind: str
    params: Mapping[str, object]

    def get_int(self, name: str) -> int:
        value = self.params[name]
        assert isinstance(value, int)
        return value

    def get_str(self, name: str) -> str:
        value = self.params[name]
        assert isinstance(value, str)
        return value

    def get_opt_str(self, name: str) -> str | None:
        value = self.params.get(name)
        assert value is None or isinstance(value, str)
        return value


_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required, optional)
    "set_public_page": (("public",), ()),
    "open_round": (("name", "envelope", "window_hours"), ("policy", "unspent_rule")),
    "admit_member": (("name",), ("email", "college", "role")),
    "remove_member": (("member_id",), ()),
    "change_college": (("member_id", "college"), ()),
    "set_college_weights": (("weights",), ()),
    "fill_role": (("name", "holder_id"), ("domain", "term_days")),
    "end_role": (("role_id",), ()),
    # cap "off" turns power from contribution off; a distribution_id bases it on that
    # distribution's payouts instead of hours.
    "set_contribution_power": (("cap",), ("hours_per_step", "distribution_id")),
    # envelope: the part drawn from the commons fund, in minor units, as when a round opens.
    "set_round_envelope": (("round_id", "envelope"), ()),
    "set_round_window": (("round_id", "window_hours"), ()),
    # a new version of the split rules with this status's commission rate (percent text),
    # in force from effective_from (an ISO day) or, by default, the day after the decision.
    "set_commission_rate": (("status", "rate"), ("effective_from",)),
}


def parse(raw: Mapping[str, object]) -> Action:
    """The action a proposal carries, or ``InvalidInput`` naming what is wrong with it."""
    if not isinstance(raw, Mapping):
        raise InvalidInput("action.shape", "an action is an object with a kind", field="action")
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in _FIELDS:
        raise InvalidInput(
            "action.unknown_kind",
            f"the action {kind!r} is not one partage knows: {', '.join(KINDS)}",
            field="action.kind",
        )
    required, optional = _FIELDS[kind]
    for name in raw:
        if name != "kind" and name not in required and name not in optional:
            raise InvalidInput(
                "action.unknown_field",
                f"the action {kind} has no field {name!r} (it takes "
                f"{', '.join(required + optional)})",
                field=f"action.{name}",
            )
    for name in required:
        if raw.get(name) is None:
            raise InvalidInput(
                "action.missing_field",
                f"the action {kind} needs {name}",
                field=f"action.{name}",
            )
    params: dict[str, object] = {}
    for name in required + optional:
        value = raw.get(name)
        if value is not None:
            params[name] = _field(kind, name, value)
    return Action(kind, params)


def _field(kind: str, name: str, value: object) -> object:
    where = f"action.{name}"
    if name == "public":
        if not isinstance(value, bool):
            raise InvalidInput("action.bad_value", "public is true or false", field=where)
        return value
    if name in ("member_id", "holder_id", "role_id", "round_id", "distribution_id"):
        return _whole(value, name, where, minimum=1)
    if name == "envelope":
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise InvalidInput(
                "action.negative_envelope",
                f"an envelope cannot be negative ({value})",
                field=where,
            )
        return _whole(value, name, where, minimum=0)
    if name == "window_hours":
        hours = _whole(value, name, where, minimum=1)
        if hours > 366 * 24:
            raise InvalidInput(
                "action.bad_value", "the objection window is at most a year", field=where
            )
        return hours
    if name == "term_days":
        days = _whole(value, name, where, minimum=1)
        if days > MAX_TERM_DAYS:
            raise InvalidInput(
                "action.bad_value", f"a term lasts at most {MAX_TERM_DAYS} days", field=where
            )
        return days
    if name == "rate":
        return _rate(value, where)
    if name == "status":
        if not isinstance(value, str) or not _STATUS.match(value.strip().lower()):
            raise InvalidInput(
                "action.bad_value",
                "status is a lowercase name (letters, digits, - or _), e.g. producer",
                field=where,
            )
        return value.strip().lower()
    if name == "effective_from":
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise InvalidInput(
                "action.bad_value", "effective_from is a day such as 2026-12-01", field=where
            ) from None
    if name == "policy":
        return _one_of(value, POLICIES, name, where)
    if name == "unspent_rule":
        return _one_of(value, UNSPENT_RULES, name, where)
    if name == "role":
        return _one_of(value, ("member", "observer"), name, where)
    if name == "weights":
        return _weights(value, where)
    if name in ("cap", "hours_per_step"):
        if value == "off" and name == "cap":
            return value
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = Decimal("NaN")
        if isinstance(value, bool) or not number.is_finite() or number <= 0:
            raise InvalidInput(
                "action.bad_value",
                f'{name} must be a number above 0 (or "off" for the cap), not {value!r}',
                field=where,
            )
        return str(number)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("action.bad_value", f"{name} must be a non-empty text", field=where)
    return value.strip()


def _rate(value: object, where: str) -> str:
    text = str(value).strip().replace(",", ".") if isinstance(value, str | int) else ""
    if isinstance(value, bool) or not _PLAIN.match(text) or Decimal(text) > 100:
        raise InvalidInput(
            "action.bad_value",
            f"rate is a percentage from 0 to 100 written as text, e.g. '12.5' (not {value!r})",
            field=where,
        )
    return f"{Decimal(text).normalize():f}"


def _whole(value: object, name: str, where: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("action.bad_value", f"{name} must be a whole number", field=where)
    if value < minimum or value > 2**62:
        raise InvalidInput(
            "action.bad_value", f"{name} must be a whole number from {minimum}", field=where
        )
    return value


def _one_of(value: object, allowed: tuple[str, ...], name: str, where: str) -> str:
    if value not in allowed:
        raise InvalidInput(
            "action.bad_value", f"{name} is one of {', '.join(allowed)}", field=where
        )
    assert isinstance(value, str)
    return value


def _weights(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not value:
        raise InvalidInput(
            "action.bad_value",
            'weights name each college and its percentage: {"workers": "40", ...}',
            field=where,
        )
    clean: dict[str, str] = {}
    for college, weight in value.items():
        try:
            number = Decimal(str(weight))
        except InvalidOperation:
            number = Decimal("NaN")
        if not isinstance(college, str) or not number.is_finite() or number <= 0:
            raise InvalidInput(
                "action.bad_weight",
                f"the weight of {college!r} must be a percentage above 0, not {weight!r}",
                field=f"{where}.{college}",
                params={"college": str(college)},
            )
        clean[college] = str(number)
    total = sum((Decimal(w) for w in clean.values()), Decimal(0))
    if total != 100:
        raise InvalidInput(
            "action.weights_sum",
            f"the college weights sum to {total.normalize():f}, not 100",
            field=where,
            params={"total": f"{total.normalize():f}"},
        )
    return clean


def as_mapping(action: Action) -> dict[str, object]:
    return {"kind": action.kind, **dict(action.params)}


def summary(action: Action) -> str:
    """One English sentence saying what the action does."""
    p = action.params
    match action.kind:
        case "set_public_page":
            return "turn the public page " + ("on" if p["public"] else "off")
        case "open_round":
            return (
                f"open the round '{p['name']}' with an envelope of {p['envelope']} (minor units) "
                f"and an objection window of {p['window_hours']} hours"
            )
        case "admit_member":
            return f"admit {p['name']} as a member" + (
                f" of the college {p['college']}" if p.get("college") else ""
            )
        case "remove_member":
            return f"remove member #{p['member_id']}"
        case "change_college":
            return f"move member #{p['member_id']} to the college {p['college']}"
        case "set_college_weights":
            weights = p["weights"]
            assert isinstance(weights, Mapping)
            return "set the college weights to " + ", ".join(
                f"{name} {weight} %" for name, weight in weights.items()
            )
        case "fill_role":
            term = f" for {p['term_days']} days" if p.get("term_days") else ""
            return f"give the role '{p['name']}' to member #{p['holder_id']}{term}"
        case "end_role":
            return f"end role #{p['role_id']}"
        case "set_contribution_power":
            if p["cap"] == "off":
                return "turn power from contribution off"
            if p.get("distribution_id"):
                return (
                    f"let a vote weigh 1 + payout / average payout of distribution "
                    f"#{p['distribution_id']} within its college, at most {p['cap']}"
                )
            step = p.get("hours_per_step", "10")
            return f"let a vote weigh 1 + hours / {step} within its college, at most {p['cap']}"
        case "set_round_envelope":
            return f"set the envelope of round #{p['round_id']} to {p['envelope']} (minor units)"
        case "set_round_window":
            return (
                f"set the objection window of round #{p['round_id']} to {p['window_hours']} hours "
                "(for claims declared or amended from then on)"
            )
        case "set_commission_rate":
            since = p.get("effective_from") or "the day after the decision"
            return (
                f"set the commission rate of status '{p['status']}' to {p['rate']} % from {since}"
            )
    return action.kind
