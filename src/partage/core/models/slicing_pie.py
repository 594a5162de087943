"""Slicing Pie (dynamic equity, Mike Moyer): each contribution earns slices; shares follow.

Slices are counted in the currency's major unit of value at risk, times a multiplier:

* time: hours × (market salary − salary paid) / ``hours_per_year`` × ``time_multiplier``
  — with 100 000 a year at market, 50 000 paid, 2000 h and ×2: 50 slices an hour. A time
  contribution with no market salary uses its ``rate`` as its hourly market pay; one with
  neither earns nothing (listed under ``unvalued``). A salary paid above the market salary
  earns 0 slices, never negative ones;
* non_cash and use: value × ``non_cash_multiplier``, the value being the amount, or
  quantity × rate when there is no amount;
* cash: amount × ``cash_multiplier``.

share_i = slices_i / Σ slices, and the budget is split by slices through the one allocation
function. A member who leaves (``departures``) for a good reason (or fired without cause)
keeps every slice; without one (or fired for cause) they lose their time and non-cash slices
and keep their cash slices — Slicing Pie repays their cash without interest, which partage
models as keeping the cash slices. With no slice at all, nothing is paid.

Invariant: the amounts sum to the budget (or are all zero when no one has a slice), each is
within one minor unit of budget × share, and the result does not depend on input order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from partage.core.currency import Currency
from partage.core.models.base import (
    Contribution,
    ModelResult,
    Spec,
    check_params,
    money_text,
    number_text,
    refuse,
    result,
    split,
)
from partage.core.models.spec import decimal, text

DEFAULTS = {
    "hours_per_year": Fraction(2000),
    "time_multiplier": Fraction(2),
    "non_cash_multiplier": Fraction(2),
    "cash_multiplier": Fraction(4),
}
GOOD = ("good_reason", "fired_without_cause")
NO_GOOD = ("no_good_reason", "fired_for_cause")


def settings_of(params: Mapping[str, Any], path: str) -> dict[str, Fraction]:
    settings = dict(DEFAULTS)
    for name in DEFAULTS:
        if name in params:
            settings[name] = Fraction(decimal(params[name], f"{path}.{name}"))
    if settings["hours_per_year"] == 0:
        raise refuse(f"{path}.hours_per_year", "must be more than 0", "spec.not_positive")
    return settings


def departures_of(spec: Spec, params: Mapping[str, Any], path: str) -> dict[str, bool]:
    """Who left, and whether with a good reason."""
    raw = params.get("departures", [])
    if not isinstance(raw, list):
        raise refuse(f"{path}.departures", "must be a list", "spec.not_a_list")
    members = {c.recipient for c in spec.contributions}
    left: dict[str, bool] = {}
    for k, item in enumerate(raw):
        where = f"{path}.departures[{k}]"
        if not isinstance(item, Mapping):
            raise refuse(where, "must be an object", "spec.not_an_object")
        for key in item:
            if key not in ("recipient", "reason"):
                raise refuse(
                    f"{where}.{key}", "is not a field of a departure", "spec.unknown_field"
                )
        name = text(item.get("recipient"), f"{where}.recipient")
        if name not in members:
            raise refuse(f"{where}.recipient", f"'{name}' has no contribution", "spec.unknown_name")
        if name in left:
            raise refuse(f"{where}.recipient", f"'{name}' leaves only once", "spec.duplicate")
        reason = item.get("reason")
        if reason not in GOOD + NO_GOOD:
            raise refuse(
                f"{where}.reason", f"must be one of {', '.join(GOOD + NO_GOOD)}", "spec.bad_choice"
            )
        left[name] = reason in GOOD
    return left


def slices_of(
    c: Contribution, settings: Mapping[str, Fraction], cur: Currency
) -> tuple[Fraction | None, str]:
    """A contribution's slices (in minor units of value; None when it cannot be valued) and
    the sentence that shows how they were counted."""
    label = f"{c.activity}: " if c.activity else ""
    per_year = settings["hours_per_year"]
    if c.kind == "time":
        hours = Fraction(c.hours or 0)
        paid = Fraction(c.paid_salary or 0)
        if c.market_salary is not None:
            market = Fraction(c.market_salary)
            pay = f"(market salary {money_text(market, cur)} − paid {money_text(paid, cur)})"
        elif c.rate is not None:
            market = c.rate * per_year
            pay = (
                f"(market rate {money_text(c.rate, cur)}/h × {number_text(per_year)} h"
                f" − paid {money_text(paid, cur)})"
            )
        else:
            return None, f"{label}{number_text(hours)} h with no market salary nor rate: 0 slices"
        gap = market - paid
        formula = (
            f"{label}{number_text(hours)} h × {pay} / {number_text(per_year)} h"
            f" × {number_text(settings['time_multiplier'])}"
        )
        if gap <= 0:
            return Fraction(0), f"{formula}: paid at or above the market, 0 slices"
        value = hours * gap / per_year * settings["time_multiplier"]
        return value, f"{formula} = {_slices_text(value, cur)} slices"
    multiplier = settings["cash_multiplier" if c.kind == "cash" else "non_cash_multiplier"]
    if c.kind == "cash" or c.amount:
        base = Fraction(c.amount)
        what = f"{c.kind.replace('_', '-')} {money_text(base, cur)}"
    else:
        if c.rate is None:
            return None, f"{label}{number_text(c.quantity or 0)} units with no rate: 0 slices"
        base = Fraction(c.quantity or 0) * c.rate
        what = f"{number_text(c.quantity or 0)} units × {money_text(c.rate, cur)}"
    value = base * multiplier
    return value, (f"{label}{what} × {number_text(multiplier)} = {_slices_text(value, cur)} slices")


def _slices_text(minor: Fraction, cur: Currency) -> str:
    return number_text(minor / 10**cur.decimals, 6)


def _share_text(share: Fraction) -> str:
    return f"{(Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal('0.0001'))}"


def run(spec: Spec, params: Mapping[str, Any], path: str) -> ModelResult:
    check_params(params, {*DEFAULTS, "departures"}, path)
    settings = settings_of(params, path)
    departures = departures_of(spec, params, path)
    cur = spec.currency
    cash: dict[str, Fraction] = defaultdict(Fraction)
    other: dict[str, Fraction] = defaultdict(Fraction)
    lines: dict[str, list[str]] = defaultdict(list)
    unvalued: list[str] = []
    for index, c in enumerate(spec.contributions):
        value, line = slices_of(c, settings, cur)
        lines[c.recipient].append(line)
        if value is None:
            unvalued.append(f"contributions[{index}]")
            value = Fraction(0)
        (cash if c.kind == "cash" else other)[c.recipient] += value
    names = sorted({c.recipient for c in spec.contributions})
    slices: dict[str, Fraction] = {}
    fate: dict[str, str] = {}
    for name in names:
        earned = cash[name] + other[name]
        if departures.get(name) is False:
            slices[name] = cash[name]
            fate[name] = (
                f"Left without good reason: loses {_slices_text(other[name], cur)} time and "
                f"non-cash slices and keeps {_slices_text(cash[name], cur)} cash slices (Slicing "
                "Pie repays the cash without interest; partage keeps it as cash slices)."
            )
        else:
            slices[name] = earned
            if name in departures:
                fate[name] = (
                    f"Left for a good reason: keeps all {_slices_text(earned, cur)} slices."
                )
    total = sum(slices.values(), Fraction(0))
    budget_text = money_text(spec.budget, cur)
    if total == 0:
        allocations = dict.fromkeys(names, 0)
        unallocated = spec.budget
    else:
        allocations = split(spec.budget, slices)
        unallocated = 0
    explanations = {}
    for name in names:
        counted = "; ".join(sorted(lines[name])) + "."
        if total == 0:
            tail = "No one has a slice, so nothing is split."
        else:
            share = slices[name] / total
            tail = (
                f"{_slices_text(slices[name], cur)} of {_slices_text(total, cur)} slices "
                f"({number_text(share * 100, 2)} %) × budget {budget_text} = "
                f"{money_text(share * spec.budget, cur)}, rounded by largest remainder to "
                f"{money_text(allocations[name], cur)}."
            )
        explanations[name] = " ".join(part for part in (counted, fate.get(name, ""), tail) if part)
    extras: dict[str, Any] = {
        "slices": {name: _slices_text(slices[name], cur) for name in names},
        "shares": {
            name: _share_text(slices[name] / total if total else Fraction(0)) for name in names
        },
    }
    lost = {name: other[name] for name in names if departures.get(name) is False}
    if lost:
        extras["slices_lost"] = {name: _slices_text(lost[name], cur) for name in sorted(lost)}
    if unvalued:
        extras["unvalued"] = unvalued
    return result("slicing_pie", spec.budget, allocations, unallocated, explanations, extras)
