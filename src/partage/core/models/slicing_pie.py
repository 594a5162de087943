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
    percent_text,
    refuse,
    result,
    split,
)
from partage.core.models.spec import decimal, text
from partage.core.models.wording import Phrases, Words

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
    c: Contribution, settings: Mapping[str, Fraction], cur: Currency, words: Words
) -> tuple[Fraction | None, str]:
    """A contribution's slices (in minor units of value; None when it cannot be valued) and
    the sentence that shows how they were counted, in the reader's language."""
    label = words("label", activity=c.activity) if c.activity else ""
    per_year = settings["hours_per_year"]
    num = words.num
    if c.kind == "time":
        hours = Fraction(c.hours or 0)
        paid = Fraction(c.paid_salary or 0)
        if c.market_salary is not None:
            market = Fraction(c.market_salary)
            pay = words(
                "pay_salary",
                market=num(money_text(market, cur)),
                paid=num(money_text(paid, cur)),
            )
        elif c.rate is not None:
            market = c.rate * per_year
            pay = words(
                "pay_rate",
                rate=num(money_text(c.rate, cur)),
                per_year=num(number_text(per_year)),
                paid=num(money_text(paid, cur)),
            )
        else:
            return None, words("time_unvalued", label=label, hours=num(number_text(hours)))
        gap = market - paid
        formula = words(
            "time",
            label=label,
            hours=num(number_text(hours)),
            pay=pay,
            per_year=num(number_text(per_year)),
            multiplier=num(number_text(settings["time_multiplier"])),
        )
        if gap <= 0:
            return Fraction(0), words("above_market", formula=formula)
        value = hours * gap / per_year * settings["time_multiplier"]
        return value, words("counted", formula=formula, **_slices_fields(value, cur, words))
    multiplier = settings["cash_multiplier" if c.kind == "cash" else "non_cash_multiplier"]
    if c.kind == "cash" or c.amount:
        base = Fraction(c.amount)
        what = words("valued", kind=words(f"kind_{c.kind}"), amount=num(money_text(base, cur)))
    else:
        quantity = Fraction(c.quantity or 0)
        if c.rate is None:
            return None, words(
                "units_unvalued",
                label=label,
                quantity=num(number_text(quantity)),
                units=words("unit" if abs(quantity) < 2 else "units"),
            )
        base = quantity * c.rate
        what = words(
            "by_units",
            quantity=num(number_text(quantity)),
            units=words("unit" if abs(quantity) < 2 else "units"),
            rate=num(money_text(c.rate, cur)),
        )
    value = base * multiplier
    return value, words(
        "counted",
        formula=words("times", label=label, what=what, multiplier=num(number_text(multiplier))),
        **_slices_fields(value, cur, words),
    )


def _slices_fields(value: Fraction, cur: Currency, words: Words) -> dict[str, str]:
    """A count of slices and its noun (French: singular below 2)."""
    major = value / 10**cur.decimals
    return {
        "slices": words.num(_slices_text(value, cur)),
        "noun": words("slice" if abs(major) < 2 else "slices"),
    }


def _slices_text(minor: Fraction, cur: Currency) -> str:
    return number_text(minor / 10**cur.decimals, 6)


def _share_text(share: Fraction) -> str:
    return f"{(Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal('0.0001'))}"


def run(spec: Spec, params: Mapping[str, Any], path: str) -> ModelResult:
    check_params(params, {*DEFAULTS, "departures"}, path)
    settings = settings_of(params, path)
    departures = departures_of(spec, params, path)
    cur = spec.currency
    words = Words(PHRASES, spec.language)
    num = words.num
    cash: dict[str, Fraction] = defaultdict(Fraction)
    other: dict[str, Fraction] = defaultdict(Fraction)
    lines: dict[str, list[str]] = defaultdict(list)
    unvalued: list[str] = []
    for index, c in enumerate(spec.contributions):
        value, line = slices_of(c, settings, cur, words)
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
            fate[name] = words(
                "left_without_reason",
                lost=num(_slices_text(other[name], cur)),
                kept=num(_slices_text(cash[name], cur)),
            )
        else:
            slices[name] = earned
            if name in departures:
                fate[name] = words("left_for_reason", slices=num(_slices_text(earned, cur)))
    total = sum(slices.values(), Fraction(0))
    budget_text = num(money_text(spec.budget, cur))
    total_text = num(_slices_text(total, cur))
    if total == 0:
        allocations = dict.fromkeys(names, 0)
        unallocated = spec.budget
    else:
        allocations = split(spec.budget, slices)
        unallocated = 0
    explanations = {}
    for name in names:
        counted = words("lines", lines=words("separator").join(sorted(lines[name])))
        if total == 0:
            tail = words("none")
        else:
            share = slices[name] / total
            tail = words(
                "share",
                slices=num(_slices_text(slices[name], cur)),
                total=total_text,
                percent=num(percent_text(share.numerator, share.denominator)),
                budget=budget_text,
                exact=num(money_text(share * spec.budget, cur)),
                paid=num(money_text(allocations[name], cur)),
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


PHRASES: Phrases = {
    "en": {
        "label": "{activity}: ",
        "pay_salary": "(market salary {market} − paid {paid})",
        "pay_rate": "(market rate {rate}/h × {per_year} h − paid {paid})",
        "time": "{label}{hours} h × {pay} / {per_year} h × {multiplier}",
        "time_unvalued": "{label}{hours} h with no market salary nor rate: 0 slices",
        "above_market": "{formula}: paid at or above the market, 0 slices",
        "kind_cash": "cash",
        "kind_non_cash": "non-cash",
        "kind_use": "use",
        "valued": "{kind} {amount}",
        "by_units": "{quantity} {units} × {rate}",
        "unit": "units",
        "units": "units",
        "units_unvalued": "{label}{quantity} {units} with no rate: 0 slices",
        "times": "{label}{what} × {multiplier}",
        "counted": "{formula} = {slices} {noun}",
        "slice": "slices",
        "slices": "slices",
        "separator": "; ",
        "lines": "{lines}.",
        "left_without_reason": (
            "Left without good reason: loses {lost} time and non-cash slices and keeps {kept} "
            "cash slices (Slicing Pie repays the cash without interest; partage keeps it as "
            "cash slices)."
        ),
        "left_for_reason": "Left for a good reason: keeps all {slices} slices.",
        "none": "No one has a slice, so nothing is split.",
        "share": (
            "{slices} of {total} slices ({percent}) × budget {budget} = {exact}, rounded by "
            "largest remainder to {paid}."
        ),
    },
    "fr": {
        "label": "{activity} : ",
        "pay_salary": "(salaire de marché {market} − salaire versé {paid})",
        "pay_rate": "(taux de marché {rate}/h × {per_year} h − salaire versé {paid})",
        "time": "{label}{hours} h × {pay} / {per_year} h par an × multiplicateur {multiplier}",
        "time_unvalued": "{label}{hours} h sans salaire de marché ni taux, donc 0 tranche",
        "above_market": (
            "{formula} = 0 tranche (salaire versé égal ou supérieur au salaire de marché)"
        ),
        "kind_cash": "apport en argent",
        "kind_non_cash": "apport en nature",
        "kind_use": "mise à disposition",
        "valued": "{kind} {amount}",
        "by_units": "{quantity} {units} × {rate}",
        "unit": "unité",
        "units": "unités",
        "units_unvalued": "{label}{quantity} {units} sans taux, donc 0 tranche",
        "times": "{label}{what} × multiplicateur {multiplier}",
        "counted": "{formula} = {slices} {noun}",
        "slice": "tranche",
        "slices": "tranches",
        "separator": " ; ",
        "lines": "{lines}.",
        "left_without_reason": (
            "Départ sans motif valable : perd ses tranches de temps et d'apports en nature "
            "({lost}) et garde ses tranches d'apport en argent ({kept}) ; Slicing Pie rembourse "
            "l'argent apporté sans intérêts, partage le conserve sous forme de tranches."
        ),
        "left_for_reason": "Départ pour un motif valable : garde toutes ses tranches ({slices}).",
        "none": "Personne n'a de tranche : rien n'est réparti et tout le budget reste non alloué.",
        "share": (
            "Tranches : {slices} sur {total} ({percent}) × budget {budget} = {exact}, arrondi "
            "par la méthode du plus fort reste à {paid}."
        ),
    },
}
