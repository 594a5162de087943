"""Value equation (Sensorica / NRP): the budget poured into ordered buckets.

Buckets are taken in order. A bucket holds ``percentage`` % of a base, rounded down to the
minor unit: the budget (``straight``), or what the earlier buckets actually paid out left
(``remaining``). A bucket that names a ``recipient`` (a reserve, a fund) pays it the whole
bucket. Any other bucket is shared among the claims of its ``contributions`` (contribution
ids; by default every contribution of the spec), each claim worth its contribution's value:

* time: hours × rate; use: quantity × rate (the rate is the contribution's own ``rate``), or
  its amount when it has no rate;
* cash: amount; non_cash: amount, or quantity × rate when it has no amount.

portion = bucket / Σ claim values; each claim gets value × portion. ``straight`` pays the whole
bucket even beyond the claims' values; ``remaining`` caps the portion at 1, so that a claim
gets at most its value, and what the bucket cannot pay stays unallocated (it is never given to
the largest recipient, as NRP does). A claim is ``equity`` (worth its value in every bucket),
``debt`` (worth what is still owed: once paid off it takes no more — in ``straight`` one bucket
may pay it beyond what it is owed, as it pays every claim, and it is then paid off) or ``once``
(it drops out after the first bucket that pays it). A bucket with no claim of any value left
pays nothing: its money stays unallocated (``straight``) or is left for the next buckets
(``remaining``). Debts still owed after the run are reported under ``owed``.

Every amount is computed exactly; each recipient's exact total is rounded once, at the end, by
the one allocation function (the exact total paid rounded down to the minor unit, split in
proportion to the exact amounts). Invariant: the amounts plus the unallocated rest sum to the
budget, and the result does not depend on the order of the contributions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
    pay_values,
    refuse,
    result,
)
from partage.core.models.spec import decimal, text
from partage.core.money import format_minor

BEHAVIORS = ("straight", "remaining")
BUCKET_FIELDS = {"percentage", "recipient", "contributions"}


@dataclass(frozen=True, slots=True)
class Bucket:
    """``percentage`` % of the base, for one ``recipient`` or shared by the ``claims``."""

    percentage: Fraction
    recipient: str | None
    claims: tuple[int, ...]  # indexes into the spec's contributions


def by_rate(c: Contribution) -> bool:
    """Whether the contribution is worth a measure × its rate rather than its amount: time
    always; use unless it has no rate (a use recorded as a value); non-cash when it has no
    amount."""
    if c.kind == "time":
        return True
    if c.kind == "use":
        return c.rate is not None or not c.amount
    return c.kind == "non_cash" and not c.amount


def claim_value(c: Contribution) -> Fraction:
    """What a contribution is worth as a claim, in minor units."""
    if not by_rate(c):
        return Fraction(c.amount)
    measure = c.hours if c.kind == "time" else c.quantity
    return Fraction(measure or 0) * (c.rate or Fraction(0))


def describe(c: Contribution, spec: Spec) -> str:
    """The contribution's value as a member reads it: its inputs and the product."""
    label = f"{c.activity}: " if c.activity else ""
    value = money_text(claim_value(c), spec.currency)
    rate = money_text(c.rate, spec.currency) if c.rate is not None else None
    if by_rate(c):
        measure = (
            f"{number_text(c.hours or 0)} h"
            if c.kind == "time"
            else f"{number_text(c.quantity or 0)} units"
        )
        if rate is None:
            return f"{label}{measure} with no rate, worth 0"
        return f"{label}{measure} × {rate} = {value}"
    return f"{label}{c.kind.replace('_', '-')} {value}"


def buckets_of(spec: Spec, params: Mapping[str, Any], path: str, behavior: str) -> list[Bucket]:
    raw = params.get("buckets")
    if not isinstance(raw, list) or not raw:
        raise refuse(f"{path}.buckets", "must be a list of at least one bucket", "spec.required")
    by_id: dict[str, list[int]] = defaultdict(list)
    for index, c in enumerate(spec.contributions):
        if c.id:
            by_id[c.id].append(index)
    everyone = tuple(range(len(spec.contributions)))
    buckets: list[Bucket] = []
    total = Fraction(0)
    for j, item in enumerate(raw):
        where = f"{path}.buckets[{j}]"
        if not isinstance(item, Mapping):
            raise refuse(where, "must be an object", "spec.not_an_object")
        for key in item:
            if key not in BUCKET_FIELDS:
                raise refuse(f"{where}.{key}", "is not a field of a bucket", "spec.unknown_field")
        if "percentage" not in item:
            raise refuse(f"{where}.percentage", "is required", "spec.required")
        percentage = Fraction(decimal(item["percentage"], f"{where}.percentage"))
        if percentage > 100:
            raise refuse(f"{where}.percentage", "must be between 0 and 100", "spec.bad_percentage")
        total += percentage
        if behavior == "straight" and total > 100:
            raise refuse(
                f"{where}.percentage",
                f"the percentages of straight buckets add up to {number_text(total)}, "
                "more than 100",
                "spec.bad_percentage",
            )
        if "recipient" in item and "contributions" in item:
            raise refuse(where, "give either recipient or contributions, not both", "spec.conflict")
        if "recipient" in item:
            recipient = text(item["recipient"], f"{where}.recipient")
            buckets.append(Bucket(percentage, recipient, ()))
            continue
        if "contributions" not in item:
            buckets.append(Bucket(percentage, None, everyone))
            continue
        buckets.append(Bucket(percentage, None, _claims(item["contributions"], by_id, where)))
    return buckets


def _claims(raw: Any, by_id: Mapping[str, list[int]], where: str) -> tuple[int, ...]:
    if not isinstance(raw, list) or not raw:
        raise refuse(
            f"{where}.contributions",
            "must list at least one contribution id (leave it out for every contribution)",
            "spec.not_a_list",
        )
    chosen: list[int] = []
    seen: set[str] = set()
    for k, value in enumerate(raw):
        field = f"{where}.contributions[{k}]"
        name = text(value, field)
        if name in seen:
            raise refuse(field, f"lists contribution '{name}' twice", "spec.duplicate")
        seen.add(name)
        found = by_id.get(name, [])
        if not found:
            raise refuse(field, f"no contribution has the id '{name}'", "spec.unknown_id")
        if len(found) > 1:
            raise refuse(field, f"more than one contribution has the id '{name}'", "spec.duplicate")
        chosen.append(found[0])
    return tuple(sorted(chosen))


def amount_text(minor: Fraction | int, decimals: int) -> str:
    """Minor units as decimal text in the major unit: exact when whole, else to 6 places."""
    value = Fraction(minor)
    if value.denominator == 1:
        return format_minor(int(value), decimals)
    return number_text(value / 10**decimals, 6)


def run(spec: Spec, params: Mapping[str, Any], path: str) -> ModelResult:
    check_params(params, {"behavior", "buckets"}, path)
    behavior = params.get("behavior", "straight")
    if behavior not in BEHAVIORS:
        raise refuse(f"{path}.behavior", "must be straight or remaining", "spec.bad_choice")
    buckets = buckets_of(spec, params, path, behavior)
    cur = spec.currency
    contributions = spec.contributions
    # What each claim is still worth: equity keeps its value, debt what is still owed, a
    # once claim drops to 0 after the first bucket that pays it.
    worth = [claim_value(c) for c in contributions]
    exact: dict[str, Fraction] = {c.recipient: Fraction(0) for c in contributions}
    lines: dict[str, list[str]] = defaultdict(list)
    report: list[dict[str, Any]] = []
    paid_so_far = Fraction(0)
    for number, bucket in enumerate(buckets, start=1):
        base = Fraction(spec.budget) if behavior == "straight" else spec.budget - paid_so_far
        held = bucket.percentage * base / 100
        amount = held.numerator // held.denominator  # a bucket holds whole minor units
        head = (
            f"Bucket {number}: {number_text(bucket.percentage)} % of "
            f"{'the budget' if behavior == 'straight' else 'what earlier buckets left'} "
            f"({money_text(base, cur)}) = {money_text(amount, cur)}"
        )
        entry: dict[str, Any] = {"percentage": number_text(bucket.percentage)}
        if bucket.recipient is not None:
            exact[bucket.recipient] = exact.get(bucket.recipient, Fraction(0)) + amount
            lines[bucket.recipient].append(f"{head}, the whole bucket to {bucket.recipient}")
            entry["recipient"] = bucket.recipient
            paid = Fraction(amount)
        else:
            paid = _share(bucket, amount, behavior, contributions, worth, exact, lines, head, cur)
            entry["contributions"] = len(bucket.claims)
        paid_so_far += paid
        entry["amount"] = format_minor(amount, cur.decimals)
        entry["paid"] = amount_text(paid, cur.decimals)
        report.append(entry)
    allocations, unallocated, _ = pay_values(spec.budget, exact)
    extras: dict[str, Any] = {"behavior": behavior, "buckets": report}
    owed = {c.recipient: Fraction(0) for c in contributions if c.claim_type == "debt"}
    for c, left in zip(contributions, worth, strict=True):
        if c.claim_type == "debt":
            owed[c.recipient] += left
    if owed:
        extras["owed"] = {name: amount_text(owed[name], cur.decimals) for name in sorted(owed)}
    claims: dict[str, list[str]] = defaultdict(list)
    for c in contributions:
        claims[c.recipient].append(f"{describe(c, spec)} ({c.claim_type})")
    for described in claims.values():
        described.sort()  # the same text whatever the order of the contributions
    explanations = {
        name: _explain(
            exact[name], allocations[name], claims[name], lines[name], owed.get(name), cur
        )
        for name in allocations
    }
    return result("value_equation", spec.budget, allocations, unallocated, explanations, extras)


def _share(
    bucket: Bucket,
    amount: int,
    behavior: str,
    contributions: Sequence[Contribution],
    worth: list[Fraction],
    exact: dict[str, Fraction],
    lines: dict[str, list[str]],
    head: str,
    cur: Currency,
) -> Fraction:
    """Share one bucket among its claims; returns what it paid out, exactly."""
    live = [i for i in bucket.claims if worth[i] > 0]
    claimed = sum((worth[i] for i in live), Fraction(0))
    if claimed == 0 or amount == 0:
        why = " (no claim of any value left)" if claimed == 0 else ""
        for name in sorted({contributions[i].recipient for i in bucket.claims}):
            lines[name].append(f"{head}, nothing shared{why}")
        return Fraction(0)
    portion = Fraction(amount) / claimed
    if behavior == "remaining":
        portion = min(portion, Fraction(1))
    rule = f", shared over claims worth {money_text(claimed, cur)}, portion {number_text(portion)}"
    if behavior == "remaining" and amount > claimed:
        rule += (
            " (capped at 1: a claim gets at most its value; the "
            f"{money_text(amount - claimed, cur)} the claims cannot take stays unallocated)"
        )
    value: dict[str, Fraction] = defaultdict(Fraction)
    got: dict[str, Fraction] = defaultdict(Fraction)
    for i in live:
        c = contributions[i]
        payout = worth[i] * portion
        value[c.recipient] += worth[i]
        got[c.recipient] += payout
        exact[c.recipient] += payout
        if c.claim_type == "debt":
            worth[i] = max(Fraction(0), worth[i] - payout)
        elif c.claim_type == "once":
            worth[i] = Fraction(0)
    for i in bucket.claims:
        name = contributions[i].recipient
        if name not in value:
            value[name] = Fraction(0)
            got[name] = Fraction(0)
    for name in sorted(value):
        if value[name]:
            share = f"claims worth {money_text(value[name], cur)} get {money_text(got[name], cur)}"
        else:
            share = "no claim of any value left (paid off, paid once, or worth 0), nothing"
        lines[name].append(f"{head}{rule}: {share}")
    return claimed * portion


def _explain(
    exact: Fraction,
    paid: int,
    claims: list[str],
    lines: list[str],
    owed: Fraction | None,
    cur: Currency,
) -> str:
    parts = []
    if claims:
        parts.append("Claims: " + "; ".join(claims) + ".")
    parts.append(". ".join(lines) + "." if lines else "No bucket includes these claims.")
    parts.append(
        f"Exact total {money_text(exact, cur)}, paid {money_text(paid, cur)} "
        "(each exact total is rounded once, by largest remainder)."
    )
    if owed is not None:
        parts.append(f"Still owed on debt claims: {money_text(owed, cur)}.")
    return " ".join(parts)
