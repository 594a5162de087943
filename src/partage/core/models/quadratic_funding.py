"""Quadratic funding (Gitcoin's CLR): a pool matches projects by how broad their support is.

The contributions of one funder to one project are added first (c_ip). Then each project's
match is

    match_p = (Σ_i √c_ip)² − Σ_i c_ip = 2 · Σ_{i<j} √(c_ip · c_jp)

computed in minor units by the right-hand side: each square root is exact when c_i · c_j is
a perfect square (``math.isqrt``) and otherwise truncated to 40 decimal places (at least 40
significant digits, c_i · c_j being a whole number ≥ 1), so whole-cent matches stay whole.
Funders who gave the same amount are counted together, so the work grows with the number
of distinct amounts, not of funders.

If the matches exceed the pool (the budget), they are all scaled down in proportion;
otherwise each project gets its match — the exact total rounded down to the minor unit,
split in proportion to the matches — and the rest of the pool stays unallocated. Either way
the amounts sum to the budget minus the unallocated part, and each is within one minor unit
of its exact (scaled) match. The recipients are the projects; the contributions themselves
go to the projects directly and are not part of the pool.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from fractions import Fraction
from math import isqrt
from typing import Any

from partage.core.models.base import (
    ModelResult,
    Spec,
    check_params,
    money_text,
    number_text,
    pay_values,
    result,
)
from partage.core.models.wording import Phrases, Words
from partage.core.money import format_minor

ROOT_PLACES = 40
SHOWN_FUNDERS = 8


def root(n: int) -> tuple[Fraction, bool]:
    """√n for a whole n ≥ 0: exact when n is a perfect square, else truncated to 40 places."""
    whole = isqrt(n)
    if whole * whole == n:
        return Fraction(whole), True
    scale = 10**ROOT_PLACES
    return Fraction(isqrt(n * scale * scale), scale), False


def match(amounts: Mapping[str, int]) -> tuple[Fraction, bool]:
    """2 · Σ_{i<j} √(c_i · c_j) over one project's funders; and whether it is exact.

    Funders with equal amounts a (n of them) form n(n−1)/2 pairs of root √(a·a) = a.
    """
    groups = sorted(Counter(a for a in amounts.values() if a > 0).items())
    total = Fraction(0)
    exact = True
    for k, (a, n) in enumerate(groups):
        total += Fraction(a * n * (n - 1), 2)
        for b, m in groups[k + 1 :]:
            r, is_exact = root(a * b)
            total += n * m * r
            exact = exact and is_exact
    return 2 * total, exact


def match_text(value: Fraction, decimals: int) -> str:
    """A match in the currency's unit: as money when whole minor units, else to 12 more places."""
    if value.denominator == 1:
        return format_minor(value.numerator, decimals)
    return number_text(value / 10**decimals, decimals + 12)


def run(spec: Spec, params: Mapping[str, Any], path: str) -> ModelResult:
    check_params(params, set(), path)
    funders: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in spec.funding:
        funders[f.project][f.funder] += f.amount
    matches: dict[str, Fraction] = {}
    exactness: dict[str, bool] = {}
    for project, amounts in funders.items():
        matches[project], exactness[project] = match(amounts)
    allocations, unallocated, scaled = pay_values(spec.budget, matches)
    total = sum(matches.values(), Fraction(0))
    currency = spec.currency
    words = Words(PHRASES, spec.language)
    num = words.num
    pool = num(money_text(spec.budget, currency))
    total_text = num(money_text(total, currency))
    scale = num(number_text(spec.budget / total * 100, 4)) if scaled else ""

    def explain(project: str) -> str:
        amounts = funders[project]
        names = sorted(amounts)
        shown = words("list_separator").join(
            words("funder", name=n, amount=num(money_text(amounts[n], currency)))
            for n in names[:SHOWN_FUNDERS]
        )
        extra = len(names) - SHOWN_FUNDERS
        more = words("more", count=num(str(extra))) if extra > 0 else ""
        raised = sum(amounts.values())
        inputs = words(
            "inputs",
            count=num(str(len(names))),
            shown=shown,
            more=more,
            raised=num(money_text(raised, currency)),
        )
        value = matches[project]
        approx = "" if exactness[project] else words("approx", places=num(str(ROOT_PLACES)))
        formula = words(
            "formula",
            match=num(f"{match_text(value, currency.decimals)} {currency.code}"),
            approx=approx,
        )
        if len(names) < 2:
            formula = words("single")
        if total == 0:
            rule = words("none")
        elif scaled:
            rule = words(
                "scaled",
                total=total_text,
                pool=pool,
                scale=scale,
                exact=num(money_text(value * spec.budget / total, currency)),
                paid=num(money_text(allocations[project], currency)),
            )
        else:
            rule = words(
                "covered",
                pool=pool,
                total=total_text,
                paid=num(money_text(allocations[project], currency)),
            )
        return f"{inputs} {formula} {rule}"

    explanations = {p: explain(p) for p in allocations}
    extras = {
        "contributions": {
            p: format_minor(sum(funders[p].values()), currency.decimals) for p in sorted(funders)
        },
        "matches": {p: match_text(matches[p], currency.decimals) for p in sorted(matches)},
        "scaled_down": scaled,
    }
    return result("quadratic_funding", spec.budget, allocations, unallocated, explanations, extras)


PHRASES: Phrases = {
    "en": {
        "funder": "{name} {amount}",
        "list_separator": ", ",
        "more": " and {count} more",
        "inputs": (
            "{count} funder(s) ({shown}{more}; each funder's contributions added first) "
            "gave {raised} directly."
        ),
        "approx": " (square roots to {places} decimal places)",
        "formula": (
            "Match = (Σ √contribution)² − Σ contribution = 2 · Σ over pairs √(c_i · c_j) = "
            "{match}{approx}."
        ),
        "single": "A single funder brings no match: (√c)² − c = 0.",
        "none": "No project has a match, so the whole pool stays unallocated.",
        "scaled": (
            "The matches total {total}, more than the pool {pool}, so each is scaled by "
            "{scale} % to {exact}, rounded by largest remainder to {paid}."
        ),
        "covered": (
            "The pool {pool} covers the matches (total {total}); their total is rounded down "
            "to the minor unit and split by largest remainder: {paid} from the pool."
        ),
    },
    "fr": {
        "funder": "{name} {amount}",
        "list_separator": ", ",
        "more": " et {count} autres",
        "inputs": (
            "Financeurs : {count} ({shown}{more} ; les contributions d'un même financeur à ce "
            "projet sont d'abord additionnées), pour un total de {raised} donné directement "
            "au projet."
        ),
        "approx": " (racines carrées calculées à {places} décimales)",
        "formula": (
            "Abondement du financement quadratique = (Σ √contribution)² − Σ contribution "
            "= 2 · Σ sur les paires √(c_i · c_j) = {match}{approx}."
        ),
        "single": "Un seul financeur n'apporte aucun abondement : (√c)² − c = 0.",
        "none": "Aucun projet n'a d'abondement : toute l'enveloppe d'abondement reste non allouée.",
        "scaled": (
            "Les abondements totalisent {total}, plus que l'enveloppe d'abondement de {pool} : "
            "chacun est réduit au prorata, ramené à {scale} % de sa valeur, soit {exact}, "
            "arrondi par la méthode du plus fort reste à {paid}."
        ),
        "covered": (
            "L'enveloppe d'abondement de {pool} couvre les abondements (total {total}) ; ce "
            "total est arrondi par défaut à la plus petite unité de la monnaie et réparti par "
            "la méthode du plus fort reste, soit un abondement versé de {paid}."
        ),
    },
}
