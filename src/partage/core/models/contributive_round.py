"""A contributive round as a pure function: envelope, accepted claims, policy → payouts.

* ``pro_rata`` — every claim scaled by min(1, envelope / total claimed), by the one
  allocation function;
* ``in_order`` — claims paid in order of acceptance (then recipient); the claim that crosses
  the envelope gets the part that fits, later ones nothing;
* ``debt`` — as ``in_order``, and each unpaid part is a debt the organization owes
  (reported under ``debts``).

It is the same rule the organization's rounds close with (``core.closing``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from partage.core.allocation import scale_down
from partage.core.closing import Policy, serve_in_order
from partage.core.models.base import ModelResult, Spec, check_params, money_text, refuse, result
from partage.core.models.wording import Phrases, Words
from partage.core.money import format_minor


def run(spec: Spec, params: Mapping[str, Any], path: str) -> ModelResult:
    check_params(params, {"policy"}, path)
    try:
        policy = Policy(params.get("policy", "pro_rata"))
    except ValueError:
        raise refuse(
            f"{path}.policy", "must be pro_rata, in_order or debt", "spec.bad_choice"
        ) from None
    # Ties between claims accepted at the same time go by recipient, in code-point order.
    claims = sorted(
        enumerate(spec.claims), key=lambda ic: (ic[1].accepted_at, ic[1].recipient, ic[0])
    )
    if policy is Policy.PRO_RATA:
        claims = sorted(claims, key=lambda ic: (ic[1].recipient, ic[1].accepted_at, ic[0]))
        granted = scale_down(spec.budget, [c.amount for _, c in claims])
    else:
        granted = serve_in_order(spec.budget, [c.amount for _, c in claims])
    allocations: dict[str, int] = defaultdict(int)
    debts: dict[str, int] = defaultdict(int)
    lines: dict[str, list[str]] = defaultdict(list)
    requested = sum(c.amount for _, c in claims)
    words = Words(PHRASES, spec.language)

    def money(minor: int) -> str:
        return words.num(money_text(minor, spec.currency))

    for (_, claim), got in zip(claims, granted, strict=True):
        allocations[claim.recipient] += got
        if policy is Policy.DEBT and got < claim.amount:
            debts[claim.recipient] += claim.amount - got
        first = not lines[claim.recipient]
        lines[claim.recipient].append(
            words(
                "first_claim" if first else "claim",
                claimed=money(claim.amount),
                accepted=claim.accepted_at,
                granted=money(got),
            )
        )
    if policy is Policy.PRO_RATA and requested > spec.budget:
        rule = words("scaled", requested=money(requested), envelope=money(spec.budget))
    elif policy is Policy.PRO_RATA:
        rule = words("covered")
    else:
        rule = words("in_order")
    separator = words("separator")
    explanations = {
        name: words(
            "explanation",
            claims=separator.join(lines[name]),
            rule=rule,
            debt=words("debt", debt=money(debts[name])) if debts.get(name) else "",
        )
        for name in allocations
    }
    unallocated = spec.budget - sum(granted)
    extras: dict[str, Any] = {}
    if policy is Policy.DEBT:
        extras["debts"] = {
            name: format_minor(amount, spec.currency.decimals)
            for name, amount in sorted(debts.items())
        }
    return result("contributive_round", spec.budget, allocations, unallocated, explanations, extras)


# ``accepted`` is the claim's acceptance time (UTC), written by the format after the colon;
# ``first_claim`` opens the explanation (a capital in French), ``claim`` follows a separator.
PHRASES: Phrases = {
    "en": {
        "first_claim": (
            "claimed {claimed} (accepted {accepted:%Y-%m-%d %H:%M} UTC), granted {granted}"
        ),
        "claim": "claimed {claimed} (accepted {accepted:%Y-%m-%d %H:%M} UTC), granted {granted}",
        "separator": "; ",
        "explanation": "{claims}. {rule}.{debt}",
        "scaled": (
            "claims total {requested} > envelope {envelope}: each is scaled by envelope / claimed"
        ),
        "covered": "the envelope covers every claim",
        "in_order": "claims are served in order of acceptance until the envelope runs out",
        "debt": " Debt owed: {debt}.",
    },
    "fr": {
        "first_claim": (
            "Déclaration de {claimed} (acceptée le {accepted:%d/%m/%Y à %H h %M} UTC), "
            "montant accordé : {granted}"
        ),
        "claim": (
            "déclaration de {claimed} (acceptée le {accepted:%d/%m/%Y à %H h %M} UTC), "
            "montant accordé : {granted}"
        ),
        "separator": " ; ",
        "explanation": "{claims}. {rule}.{debt}",
        "scaled": (
            "Les déclarations totalisent {requested}, plus que l'enveloppe de {envelope} : "
            "chacune est réduite au prorata (enveloppe / total déclaré)"
        ),
        "covered": "L'enveloppe couvre toutes les déclarations",
        "in_order": (
            "Les déclarations sont servies dans l'ordre de leur acceptation jusqu'à épuisement "
            "de l'enveloppe"
        ),
        "debt": " Reste dû par le collectif (dette) : {debt}.",
    },
}
