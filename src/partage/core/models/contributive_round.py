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
    for (_, claim), got in zip(claims, granted, strict=True):
        allocations[claim.recipient] += got
        if policy is Policy.DEBT and got < claim.amount:
            debts[claim.recipient] += claim.amount - got
        lines[claim.recipient].append(
            f"claimed {money_text(claim.amount, spec.currency)} "
            f"(accepted {claim.accepted_at:%Y-%m-%d %H:%M} UTC), granted "
            f"{money_text(got, spec.currency)}"
        )
    if policy is Policy.PRO_RATA and requested > spec.budget:
        rule = (
            f"claims total {money_text(requested, spec.currency)} > envelope "
            f"{money_text(spec.budget, spec.currency)}: each is scaled by envelope / claimed"
        )
    elif policy is Policy.PRO_RATA:
        rule = "the envelope covers every claim"
    else:
        rule = "claims are served in order of acceptance until the envelope runs out"
    explanations = {
        name: "; ".join(lines[name])
        + f". {rule}."
        + (f" Debt owed: {money_text(debts[name], spec.currency)}." if debts.get(name) else "")
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
