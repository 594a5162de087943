"""Split rules: what a platform takes on each transaction it carries, and where it goes.

A rule set says, for each status of the party that is paid (producer, distributor,
courier…), the **commission** the platform takes — a rate of the amount and/or a fixed
amount, with an optional floor and cap — then **splits**: shares of the commission, or of
the whole amount, sent to named destinations (operations, the impartible reserve, the
commons, a project, a contributor pool, a member, or a party of the transaction such as
its referrer). What is left of the commission goes to ``rest_to`` (operations by default);
what is left of the amount goes to the party paid.

Guarantees, checked when a rule set is built (``rules.*`` errors, naming the field):

* rates and shares are exact decimals in [0, 100] %; amounts are integers of the rule
  set's currency and never negative; a cap is not below the floor;
* the shares of the commission sum to at most 100 %;
* for every status, its commission rate plus the shares of the amount sum to at most
  100 %, so that a rate-only commission never leaves the party paid less than nothing;
* at least one status is defined; statuses and destinations are plain lowercase names.

A rule set is a plain value: :func:`parse_rules` reads the JSON/YAML document users write
and :func:`rules_document` writes it back, so that a stored version reads as it was typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from partage.core.currency import Currency
from partage.core.errors import InvalidInput
from partage.core.money import format_minor, parse_minor

Base = Literal["commission", "amount"]
HUNDRED = Fraction(100)
_PLAIN_DECIMAL = re.compile(r"^\d{1,3}(\.\d+)?$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_FIXED_DESTINATIONS = ("operations", "reserve", "commons")
_KEYED_DESTINATIONS = ("project", "pool", "member", "party")
RULE_KEYS = frozenset({"currency", "commissions", "splits", "rest_to"})
COMMISSION_KEYS = frozenset({"rate", "fixed", "floor", "cap"})
SPLIT_KEYS = frozenset({"of", "to", "percent", "label"})


@dataclass(frozen=True, slots=True)
class Commission:
    """``rate`` × amount + ``fixed``, then raised to ``floor`` and lowered to ``cap``."""

    rate: Fraction = Fraction(0)
    fixed: int = 0
    floor: int = 0
    cap: int | None = None

    def on(self, amount: int) -> int:
        """The commission on ``amount`` minor units: never negative, never above the amount.

        The rate's product is rounded to the nearest minor unit, halves up (12.5 → 13),
        the rounding a cashier expects; floors and caps then apply, and an amount smaller
        than the floor is taken whole rather than leaving the party paid a debt.
        """
        scaled = self.rate * amount
        value = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
        value = max(value + self.fixed, self.floor)
        if self.cap is not None:
            value = min(value, self.cap)
        return max(0, min(value, amount))


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a share goes: ``operations``, ``reserve``, ``commons``, or ``kind:key``."""

    kind: str
    key: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}" if self.key else self.kind


@dataclass(frozen=True, slots=True)
class SplitLine:
    base: Base
    to: Destination
    share: Fraction  # of the base, in [0, 1]
    label: str = ""

    @property
    def percent(self) -> Decimal:
        return _percent_text(self.share)


@dataclass(frozen=True, slots=True)
class RuleSet:
    currency: str
    commissions: Mapping[str, Commission]
    splits: tuple[SplitLine, ...]
    rest_to: Destination = Destination("operations")

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(sorted(self.commissions))

    def commission_for(self, status: str) -> Commission:
        found = self.commissions.get(status)
        if found is None:
            known = ", ".join(self.statuses)
            raise InvalidInput(
                "transaction.unknown_status",
                f"the rules have no commission for status '{status}' (known: {known})",
                field="status",
                params={"status": status, "known": known},
            )
        return found

    def lines_of(self, base: Base) -> tuple[SplitLine, ...]:
        return tuple(line for line in self.splits if line.base == base)


def _fail(code: str, message: str, field: str) -> InvalidInput:
    return InvalidInput(code, message, field=field)


def _percent(value: Any, field: str) -> Fraction:
    """A percentage written as decimal text (``"12.5"``) or an integer, as a share in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _fail("rules.bad_percent", f"{field} is a percentage written as text: '12.5'", field)
    text = str(value).strip().replace(",", ".")
    if not _PLAIN_DECIMAL.match(text):
        raise _fail(
            "rules.bad_percent", f"{field} must be a plain decimal percentage, not '{value}'", field
        )
    number = Decimal(text)
    if number > 100:
        raise _fail("rules.bad_percent", f"{field} must lie between 0 and 100 %", field)
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        raise _fail("rules.bad_percent", f"{field} has more than 6 decimals", field)
    return Fraction(number) / HUNDRED


def _percent_text(share: Fraction) -> Decimal:
    value = Decimal(share.numerator * 100) / Decimal(share.denominator)
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _amount(value: Any, currency: Currency, field: str) -> int:
    if isinstance(value, float):
        raise _fail("rules.bad_amount", f"{field} is written as text, e.g. '0.30'", field)
    minor = parse_minor(value, currency.decimals, field=field, allow_zero=True)
    return minor


def parse_destination(text: Any, field: str) -> Destination:
    """``operations``, ``reserve``, ``commons``, ``project:<slug>``, ``pool:<name>``,
    ``member:<id>`` or ``party:<role>`` (the transaction's party in that role)."""
    if not isinstance(text, str):
        raise _fail("rules.bad_destination", f"{field} names a destination", field)
    value = text.strip().lower()
    if value in _FIXED_DESTINATIONS:
        return Destination(value)
    kind, _, key = value.partition(":")
    ok = kind in _KEYED_DESTINATIONS and bool(_NAME.match(key))
    if kind == "member":
        ok = key.isdigit() and 0 < len(key) < 19 and int(key) > 0
    if not ok:
        raise _fail(
            "rules.bad_destination",
            f"{field} must be operations, reserve, commons, project:<name>, pool:<name>, "
            f"member:<id> or party:<role> (got '{text[:60]}')",
            field,
        )
    return Destination(kind, key)


def _unknown_keys(doc: Mapping[str, Any], allowed: frozenset[str], field: str) -> None:
    extra = sorted(set(doc) - allowed)
    if extra:
        raise _fail(
            "rules.unknown_field",
            f"{field} has unknown field(s): {', '.join(map(str, extra))} "
            f"(allowed: {', '.join(sorted(allowed))})",
            f"{field}.{extra[0]}" if field else str(extra[0]),
        )


def _commission(doc: Any, currency: Currency, field: str) -> Commission:
    if not isinstance(doc, Mapping):
        raise _fail("rules.bad_commission", f"{field} has a rate, fixed, floor or cap", field)
    _unknown_keys(doc, COMMISSION_KEYS, field)
    rate = _percent(doc.get("rate", 0), f"{field}.rate")
    fixed = _amount(doc.get("fixed", 0), currency, f"{field}.fixed")
    floor = _amount(doc.get("floor", 0), currency, f"{field}.floor")
    cap = None if doc.get("cap") is None else _amount(doc["cap"], currency, f"{field}.cap")
    if cap is not None and cap < floor:
        raise _fail("rules.cap_below_floor", f"{field}.cap is below its floor", f"{field}.cap")
    return Commission(rate=rate, fixed=fixed, floor=floor, cap=cap)


def _split(doc: Any, field: str) -> SplitLine:
    if not isinstance(doc, Mapping):
        raise _fail("rules.bad_split", f"{field} is an object with of/to/percent", field)
    _unknown_keys(doc, SPLIT_KEYS, field)
    base = doc.get("of", "commission")
    if base not in ("commission", "amount"):
        raise _fail("rules.bad_split", f"{field}.of is 'commission' or 'amount'", f"{field}.of")
    if "to" not in doc:
        raise _fail("rules.bad_destination", f"{field}.to is required", f"{field}.to")
    if "percent" not in doc:
        raise _fail("rules.bad_percent", f"{field}.percent is required", f"{field}.percent")
    label = doc.get("label", "")
    if not isinstance(label, str) or len(label) > 100:
        raise _fail("rules.bad_split", f"{field}.label is text of 100 characters at most", field)
    return SplitLine(
        base=base,
        to=parse_destination(doc["to"], f"{field}.to"),
        share=_percent(doc["percent"], f"{field}.percent"),
        label=label.strip(),
    )


def parse_rules(doc: Any, *, currency: Currency) -> RuleSet:
    """Read a rule document; refuse it whole, naming the field, if any part breaks a rule."""
    if not isinstance(doc, Mapping):
        raise _fail("rules.bad_document", "the rules are an object (JSON or YAML)", "rules")
    _unknown_keys(doc, RULE_KEYS, "")
    code = doc.get("currency", currency.code)
    if not isinstance(code, str) or code.strip().upper() != currency.code:
        raise _fail(
            "currency.mismatch",
            f"the rules are in {code}, the organization's transactions in {currency.code}",
            "currency",
        )
    raw = doc.get("commissions")
    if not isinstance(raw, Mapping) or not raw:
        raise _fail(
            "rules.no_status",
            "commissions names at least one status, e.g. {'producer': {'rate': '10'}}",
            "commissions",
        )
    commissions: dict[str, Commission] = {}
    for status, spec in raw.items():
        if not isinstance(status, str) or not _NAME.match(status):
            raise _fail(
                "rules.bad_status",
                f"status '{status}' must be a lowercase name (letters, digits, - or _)",
                "commissions",
            )
        commissions[status] = _commission(spec, currency, f"commissions.{status}")
    raw_splits = doc.get("splits", [])
    if not isinstance(raw_splits, list):
        raise _fail("rules.bad_split", "splits is a list", "splits")
    splits = tuple(_split(item, f"splits[{i}]") for i, item in enumerate(raw_splits))
    rest_to = parse_destination(doc.get("rest_to", "operations"), "rest_to")
    rules = RuleSet(currency.code, commissions, splits, rest_to)
    _check_totals(rules)
    return rules


def _check_totals(rules: RuleSet) -> None:
    of_commission = sum((line.share for line in rules.lines_of("commission")), Fraction(0))
    if of_commission > 1:
        raise _fail(
            "rules.over_100",
            f"the shares of the commission sum to {_percent_text(of_commission)} %, above 100 %",
            "splits",
        )
    of_amount = sum((line.share for line in rules.lines_of("amount")), Fraction(0))
    for status, commission in sorted(rules.commissions.items()):
        if of_amount + commission.rate > 1:
            raise _fail(
                "rules.over_100",
                f"for status '{status}', the commission rate and the shares of the amount sum "
                f"to {_percent_text(of_amount + commission.rate)} %, above 100 %",
                "splits",
            )


def rules_document(rules: RuleSet, *, decimals: int) -> dict[str, Any]:
    """The rule set as users write it (decimal text), for storage and display."""

    def amount(minor: int) -> str:
        return format_minor(minor, decimals)

    def commission(c: Commission) -> dict[str, str]:
        doc = {"rate": str(_percent_text(c.rate))}
        if c.fixed:
            doc["fixed"] = amount(c.fixed)
        if c.floor:
            doc["floor"] = amount(c.floor)
        if c.cap is not None:
            doc["cap"] = amount(c.cap)
        return doc

    splits = []
    for line in rules.splits:
        item = {"of": line.base, "to": str(line.to), "percent": str(line.percent)}
        if line.label:
            item["label"] = line.label
        splits.append(item)
    return {
        "currency": rules.currency,
        "commissions": {s: commission(rules.commissions[s]) for s in rules.statuses},
        "splits": splits,
        "rest_to": str(rules.rest_to),
    }
