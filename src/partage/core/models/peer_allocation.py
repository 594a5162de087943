"""Peer allocation (Coordinape-style): members give each other points; the budget follows them.

Each member may give at most ``points_per_member`` points in an epoch (100 by default);
points left unspent are lost. Members named in ``opt_out`` do not receive: points given to
them are not counted. Then

    payout_i = budget × received_i / Σ received   (after opt-outs)

by the one allocation function (largest remainder, each payout within one minor unit of its
exact share, ties by member in code-point order). The payouts sum to the budget; if nobody
received a counted point, nothing is paid and the whole budget stays unallocated.

Every member of the circle — whoever gave, received or opted out — is listed, with the
points they ``received`` and ``given`` reported beside the result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from partage.core.models.base import (
    ModelResult,
    Spec,
    check_params,
    money_text,
    percent_text,
    refuse,
    result,
    split,
)
from partage.core.models.spec import text
from partage.core.models.wording import Phrases, Words

DEFAULT_POINTS = 100


def points_per_member(params: Mapping[str, Any], path: str) -> int:
    value = params.get("points_per_member", DEFAULT_POINTS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise refuse(
            f"{path}.points_per_member",
            "must be a whole number of points, 1 or more",
            "spec.bad_points",
        )
    return value


def opted_out(params: Mapping[str, Any], path: str) -> set[str]:
    raw = params.get("opt_out", [])
    if not isinstance(raw, list):
        raise refuse(f"{path}.opt_out", "must be a list of members", "spec.not_a_list")
    return {text(name, f"{path}.opt_out[{i}]") for i, name in enumerate(raw)}


def tally(spec: Spec, limit: int) -> tuple[dict[str, int], dict[str, int]]:
    """Points given and received per member; refuses a giver who gives more than ``limit``."""
    given: dict[str, int] = defaultdict(int)
    received: dict[str, int] = defaultdict(int)
    for index, gift in enumerate(spec.gifts):
        given[gift.giver] += gift.points
        received[gift.receiver] += gift.points
        if given[gift.giver] > limit:
            raise refuse(
                f"gifts[{index}].points",
                f"{gift.giver} gives {given[gift.giver]} points in total, more than the "
                f"{limit} points_per_member allows",
                "spec.too_many_points",
            )
    return given, received


def run(spec: Spec, params: Mapping[str, Any], path: str) -> ModelResult:
    check_params(params, {"points_per_member", "opt_out"}, path)
    limit = points_per_member(params, path)
    out = opted_out(params, path)
    given, received = tally(spec, limit)
    members = set(given) | set(received) | out
    counted = {m: (0 if m in out else received.get(m, 0)) for m in members}
    total = sum(counted.values())
    lost_to_opt_out = sum(received.get(m, 0) for m in out)
    payouts = split(spec.budget, counted) if total else dict.fromkeys(members, 0)
    unallocated = spec.budget - sum(payouts.values())
    words = Words(PHRASES, spec.language)
    num = words.num
    budget_text = num(money_text(spec.budget, spec.currency))

    def giving(member: str) -> str:
        spent = given.get(member, 0)
        unspent = limit - spent
        lost = words("unspent", unspent=num(str(unspent))) if unspent else ""
        return words("gave", spent=num(str(spent)), limit=num(str(limit)), lost=lost)

    def receiving(member: str) -> str:
        if member in out:
            return words("opted_out", points=num(str(received.get(member, 0))))
        if not total:
            return words("none")
        exact = Fraction(spec.budget * counted[member], total)
        opt_note = words("opt_note", points=num(str(lost_to_opt_out))) if lost_to_opt_out else ""
        return words(
            "received",
            received=num(str(counted[member])),
            total=num(str(total)),
            opt_note=opt_note,
            percent=num(percent_text(counted[member], total)),
            budget=budget_text,
            exact=num(money_text(exact, spec.currency)),
            paid=num(money_text(payouts[member], spec.currency)),
        )

    explanations = {m: f"{receiving(m)} {giving(m)}" for m in members}
    extras: dict[str, Any] = {
        "received": {m: received.get(m, 0) for m in sorted(members)},
        "given": {m: given.get(m, 0) for m in sorted(members)},
    }
    if out:
        extras["opted_out"] = sorted(out)
    return result("peer_allocation", spec.budget, payouts, unallocated, explanations, extras)


PHRASES: Phrases = {
    "en": {
        "gave": "Gave {spent} of {limit} points{lost}.",
        "unspent": "; the {unspent} unspent are lost",
        "opted_out": (
            "Opted out of receiving: the {points} points given to them are not counted, and "
            "nothing is paid to them."
        ),
        "none": (
            "Nobody received a counted point, so nothing is paid and the budget stays unallocated."
        ),
        "opt_note": " ({points} points given to members who opted out are not counted)",
        "received": (
            "Received {received} of the {total} points given{opt_note} ({percent}) × budget "
            "{budget} = {exact}, rounded by largest remainder to {paid}."
        ),
    },
    "fr": {
        "gave": "Points donnés : {spent} sur un maximum de {limit} pour l'époque{lost}.",
        "unspent": " ; points non donnés, donc perdus : {unspent}",
        "opted_out": (
            "A renoncé à recevoir : les points qui lui ont été donnés ({points}) ne sont pas "
            "comptés et rien ne lui est versé."
        ),
        "none": (
            "Personne n'a reçu de point compté : rien n'est versé et tout le budget reste "
            "non alloué."
        ),
        "opt_note": " (hors points donnés aux membres qui ont renoncé à recevoir : {points})",
        "received": (
            "Points reçus : {received} sur un total de {total}{opt_note} ({percent}) × budget "
            "{budget} = {exact}, arrondi par la méthode du plus fort reste à {paid}."
        ),
    },
}
