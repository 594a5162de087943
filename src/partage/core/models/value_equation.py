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

The run is over columns (``table``): each claim's value is an exact integer over one power of
ten, and an equity claim is worth the same in every bucket, so a bucket pays each recipient
portion × (Σ of their equity values in the bucket), one group sum per bucket. A recipient's
exact total is then one integer numerator over a common denominator. Only debt and once
claims, whose worth changes from bucket to bucket, are followed row by row.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from typing import Any

import numpy as np
import numpy.typing as npt

from partage.core.allocation import allocate
from partage.core.currency import Currency
from partage.core.models.base import (
    CLAIM_TYPES,
    KINDS,
    Explanations,
    ModelResult,
    Spec,
    check_params,
    money_ratio,
    money_text,
    number_text,
    ratio_text,
    refuse,
    result,
)
from partage.core.models.spec import decimal, text
from partage.core.models.table import (
    SAFE,
    Column,
    ContributionTable,
    add,
    claim_type_names,
    contribution_ids,
    contribution_table,
    group_sum,
    multiply,
)
from partage.core.money import format_minor

BEHAVIORS = ("straight", "remaining")
BUCKET_FIELDS = {"percentage", "recipient", "contributions"}
TIME, CASH, NON_CASH, USE = (KINDS.index(k) for k in ("time", "cash", "non_cash", "use"))
EQUITY, DEBT, ONCE = (CLAIM_TYPES.index(t) for t in ("equity", "debt", "once"))
Rows = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Bucket:
    """``percentage`` % of the base, for one ``recipient`` or shared by the ``claims``."""

    percentage: Fraction
    recipient: str | None
    claims: Rows | None = None  # rows of the contributions, ascending, distinct; None: all


@dataclass(frozen=True, slots=True)
class Claims:
    """Each contribution as a claim: its value (minor units × ``scale``) and its type."""

    value: Column
    scale: int
    by_rate: npt.NDArray[np.bool_]  # worth a measure × its rate, rather than its amount
    claim_type: npt.NDArray[np.int8]  # index into base.CLAIM_TYPES


def claim_types(names: Sequence[str]) -> npt.NDArray[np.int8]:
    """Each contribution's claim type (equity, debt, once), as an index into CLAIM_TYPES."""
    codes = {name: i for i, name in enumerate(CLAIM_TYPES)}
    return np.array([codes[name] for name in names], dtype=np.int8)


def claims_of(table: ContributionTable, types: npt.NDArray[np.int8]) -> Claims:
    """What each contribution is worth as a claim, in minor units, for every row at once.

    A contribution is worth a measure × its rate rather than its amount: time always; use
    unless it has no rate (a use recorded as a value); non-cash when it has no amount. The
    measure is hours for time, else the quantity; a missing rate counts 0.
    """
    kind, no_amount = table.kind, table.amount == 0
    by_rate = (
        (kind == TIME)
        | ((kind == USE) & (table.rate.present | no_amount))
        | ((kind == NON_CASH) & no_amount)
    )
    m_scale = max(table.hours.scale, table.quantity.scale)
    hours = multiply(table.hours.values, m_scale // table.hours.scale)
    quantity = multiply(table.quantity.values, m_scale // table.quantity.scale)
    measure = _where(kind == TIME, hours, quantity)
    scale = m_scale * table.rate.scale
    value = _where(by_rate, multiply(measure, table.rate.values), multiply(table.amount, scale))
    return Claims(value, scale, by_rate, types)


def _where(condition: npt.NDArray[np.bool_], yes: Column, no: Column) -> Column:
    if yes.dtype == object or no.dtype == object:
        chosen: Column = np.where(condition, yes.astype(object), no.astype(object))
        return chosen
    picked: Column = np.where(condition, yes, no)
    return picked


def buckets_of(spec: Spec, params: Mapping[str, Any], path: str, behavior: str) -> list[Bucket]:
    raw = params.get("buckets")
    if not isinstance(raw, list) or not raw:
        raise refuse(f"{path}.buckets", "must be a list of at least one bucket", "spec.required")
    ids: dict[str, list[int]] | None = None

    def by_id() -> Mapping[str, list[int]]:
        nonlocal ids
        if ids is None:  # only when a bucket names its contributions
            ids = defaultdict(list)
            for index, name in enumerate(contribution_ids(spec)):
                if name:
                    ids[name].append(index)
        return ids

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
            buckets.append(Bucket(percentage, recipient))
            continue
        if "contributions" not in item:
            buckets.append(Bucket(percentage, None))
            continue
        rows = _claims(item["contributions"], by_id, where)
        buckets.append(Bucket(percentage, None, np.array(rows, dtype=np.int64)))
    return buckets


def _claims(raw: Any, by_id: Callable[[], Mapping[str, list[int]]], where: str) -> tuple[int, ...]:
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
        found = by_id().get(name, [])
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
    table = contribution_table(spec)
    return run_table(table, claim_types(claim_type_names(spec)), spec, behavior, buckets)


@dataclass(frozen=True, slots=True)
class Poured:
    """One bucket as it was poured: what the explanations of its recipients say."""

    head: str
    recipient: str | None = None  # the whole bucket to one recipient
    members: npt.NDArray[np.bool_] | None = None  # recipients with a claim in it; None: all
    values: Column | None = None  # per recipient, Σ equity claim values (× scale)
    special: Mapping[int, Fraction] | None = None  # per recipient, Σ live debt/once worth
    portion: Fraction | None = None  # None: nothing was shared
    rule: str = ""

    def includes(self, who: int) -> bool:
        return self.members is None or bool(self.members[who])


def run_table(
    table: ContributionTable,
    types: npt.NDArray[np.int8],
    spec: Spec,
    behavior: str,
    buckets: Sequence[Bucket],
) -> ModelResult:
    """The core run over the contribution columns; ``types`` is each row's claim type."""
    assert behavior in BEHAVIORS
    cur = spec.currency
    claims = claims_of(table, types)
    pour = _Pour(table, claims, behavior)
    report: list[dict[str, Any]] = []
    poured: list[Poured] = []
    fixed: dict[str, int] = {}
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
            fixed[bucket.recipient] = fixed.get(bucket.recipient, 0) + amount
            poured.append(Poured(head, recipient=bucket.recipient))
            entry["recipient"] = bucket.recipient
            paid = Fraction(amount)
        else:
            shared, paid = pour.share(bucket.claims, amount, head, cur)
            poured.append(shared)
            entry["contributions"] = len(table) if bucket.claims is None else len(bucket.claims)
        paid_so_far += paid
        entry["amount"] = format_minor(amount, cur.decimals)
        entry["paid"] = amount_text(paid, cur.decimals)
        report.append(entry)

    names, numerators, denominator = pour.totals(fixed)
    exact_total = sum(numerators)
    if exact_total > spec.budget * denominator:
        amounts, unallocated = allocate(spec.budget, numerators), 0
    else:
        paid_total = exact_total // denominator
        amounts, unallocated = allocate(paid_total, numerators), spec.budget - paid_total
    allocations = dict(zip(names, amounts, strict=True))
    extras: dict[str, Any] = {"behavior": behavior, "buckets": report}
    owed = pour.owed()
    if owed:
        extras["owed"] = {name: amount_text(owed[name], cur.decimals) for name in sorted(owed)}
    explain = _Explainer(
        table, claims, cur, poured, names, numerators, denominator, allocations, owed
    )
    return result(
        "value_equation",
        spec.budget,
        allocations,
        unallocated,
        Explanations(names, explain),
        extras,
    )


class _Pour:
    """The buckets poured one after the other over the claims.

    Equity claims keep their value: a bucket pays each recipient portion × the sum of their
    equity values in it, kept as (per-recipient sums, factor) terms. Debt and once claims
    (``worth``) are followed row by row: a debt is reduced by what each bucket pays it, a once
    claim drops to 0 after the first bucket that pays it.
    """

    def __init__(self, table: ContributionTable, claims: Claims, behavior: str) -> None:
        self.table, self.claims, self.behavior = table, claims, behavior
        self.size = len(table.recipients)
        self.equity = claims.claim_type == EQUITY
        self.special = np.flatnonzero(~self.equity)
        self.worth = {
            row: Fraction(int(claims.value[row]), claims.scale) for row in self.special.tolist()
        }
        self.special_exact: dict[int, Fraction] = defaultdict(Fraction)
        self.terms: list[tuple[Column, Fraction]] = []
        self._everyone: tuple[Column, int] | None = None

    def values(self, rows: Rows | None) -> tuple[Column, int]:
        """Σ equity claim values per recipient over ``rows`` (None: every row), and their sum."""
        if rows is None and self._everyone is not None:
            return self._everyone
        if rows is None and not len(self.special):  # every row, all equity: no selection
            who, value = self.table.recipient, self.claims.value
        else:
            chosen = self.equity if rows is None else rows[self.equity[rows]]
            who, value = self.table.recipient[chosen], self.claims.value[chosen]
        sums = group_sum(who, value, self.size)
        total = sum(sums)
        column: Column = np.array(sums, dtype=np.int64 if _top(sums) < SAFE else object)
        if rows is None:
            self._everyone = (column, total)
        return column, total

    def share(
        self, rows: Rows | None, amount: int, head: str, cur: Currency
    ) -> tuple[Poured, Fraction]:
        """Share one bucket among its claims; returns what its explanations need and what it
        paid out, exactly."""
        table = self.table
        members: npt.NDArray[np.bool_] | None = None
        if rows is None:
            special = self.special.tolist()
        else:
            special = rows[~self.equity[rows]].tolist()
            members = np.zeros(self.size, dtype=bool)
            members[table.recipient[rows]] = True
        values, equity_total = self.values(rows)
        live = [row for row in special if self.worth[row] > 0]
        claimed = Fraction(equity_total, self.claims.scale) + sum(
            (self.worth[row] for row in live), Fraction(0)
        )
        if claimed == 0 or amount == 0:
            why = " (no claim of any value left)" if claimed == 0 else ""
            return Poured(f"{head}, nothing shared{why}", members=members), Fraction(0)
        portion = Fraction(amount) / claimed
        if self.behavior == "remaining":
            portion = min(portion, Fraction(1))
        rule = (
            f", shared over claims worth {money_text(claimed, cur)}, portion {number_text(portion)}"
        )
        if self.behavior == "remaining" and amount > claimed:
            rule += (
                " (capped at 1: a claim gets at most its value; the "
                f"{money_text(amount - claimed, cur)} the claims cannot take stays unallocated)"
            )
        self.terms.append((values, portion / self.claims.scale))
        live_worth: dict[int, Fraction] = defaultdict(Fraction)
        for row in live:
            who = int(table.recipient[row])
            worth = self.worth[row]
            payout = worth * portion
            live_worth[who] += worth
            self.special_exact[who] += payout
            if self.claims.claim_type[row] == DEBT:
                self.worth[row] = max(Fraction(0), worth - payout)
            else:
                self.worth[row] = Fraction(0)
        shared = Poured(head, None, members, values, dict(live_worth), portion, rule)
        return shared, claimed * portion

    def totals(self, fixed: Mapping[str, int]) -> tuple[tuple[str, ...], list[int], int]:
        """Every recipient in code-point order, with their exact total as a whole numerator
        over one common denominator."""
        factors: dict[int, tuple[Column, Fraction]] = {}
        for column, factor in self.terms:  # a column shared by buckets is multiplied once
            _, before = factors.get(id(column), (column, Fraction(0)))
            factors[id(column)] = (column, before + factor)
        denominator = lcm(
            1,
            *(f.denominator for _, f in factors.values()),
            *(f.denominator for f in self.special_exact.values()),
        )
        summed: Column = np.zeros(self.size, dtype=np.int64)
        for column, factor in factors.values():
            summed = add(summed, multiply(column, int(factor * denominator)))
        numerators: list[int] = summed.tolist()
        for who, exact in self.special_exact.items():
            numerators[who] += int(exact * denominator)
        names = list(self.table.recipients)
        for name, amount in sorted(fixed.items()):
            at = bisect_left(names, name)
            if at == len(names) or names[at] != name:
                names.insert(at, name)
                numerators.insert(at, 0)
            numerators[at] += amount * denominator
        return tuple(names), numerators, denominator

    def owed(self) -> dict[str, Fraction]:
        """What is still owed on debt claims, per recipient who has one."""
        owed: dict[str, Fraction] = {}
        for row, worth in self.worth.items():
            if self.claims.claim_type[row] == DEBT:
                name = self.table.recipients[self.table.recipient[row]]
                owed[name] = owed.get(name, Fraction(0)) + worth
        return owed


def _top(values: list[int]) -> int:
    return max(max(values, default=0), -min(values, default=0))


MAX_DESCRIBED = 3  # claims described one by one in an explanation; beyond, summed up


def describe(table: ContributionTable, claims: Claims, row: int, cur: Currency) -> str:
    """A contribution's value as a member reads it: its inputs and the product."""
    activity = table.activities[table.activity[row]]
    label = f"{activity}: " if activity else ""
    kind = KINDS[table.kind[row]]
    value = money_ratio(int(claims.value[row]), claims.scale, cur)
    if claims.by_rate[row]:
        source = table.hours if kind == "time" else table.quantity
        unit = "h" if kind == "time" else "units"
        measure = f"{ratio_text(int(source.values[row]), source.scale)} {unit}"
        if not table.rate.present[row]:
            return f"{label}{measure} with no rate, worth 0"
        rate = money_ratio(int(table.rate.values[row]), table.rate.scale, cur)
        return f"{label}{measure} × {rate} = {value}"
    return f"{label}{kind.replace('_', '-')} {value}"


class _Explainer:
    """Sentences a member reads, written when read: their claims, each bucket, the rounding."""

    def __init__(
        self,
        table: ContributionTable,
        claims: Claims,
        cur: Currency,
        poured: list[Poured],
        names: tuple[str, ...],
        numerators: list[int],
        denominator: int,
        allocations: Mapping[str, int],
        owed: Mapping[str, Fraction],
    ) -> None:
        self.table, self.claims, self.cur, self.poured = table, claims, cur, poured
        self.names, self.numerators, self.denominator = names, numerators, denominator
        self.allocations, self.owed = allocations, owed
        self._order: tuple[Rows, Rows] | None = None
        self._canonical = False

    def rows_of(self, who: int) -> list[int]:
        """The recipient's rows, largest claim first in a canonical order of their inputs (so
        that explanations do not depend on the order contributions were listed in)."""
        if self._order is None:  # one sort of all the rows, the first time any is read
            t, c = self.table, self.claims
            columns = [
                c.claim_type,
                t.rate.values,
                t.quantity.values,
                t.hours.values,
                t.kind,
                t.activity,
                c.value,
            ]
            if all(col.dtype != object for col in columns):
                # lexsort: the last key is the primary one. Values sort descending.
                keys = [*columns[:-1], -c.value, t.recipient]
                order = np.lexsort(keys)
                self._canonical = True
            else:
                order = np.argsort(t.recipient, kind="stable")
                self._canonical = False
            starts = np.searchsorted(t.recipient[order], np.arange(len(t.recipients) + 1))
            self._order = (order, starts)
        order, starts = self._order
        return [int(row) for row in order[starts[who] : starts[who + 1]]]

    def largest(self, rows: list[int]) -> list[int]:
        """The claims shown one by one: the largest, chosen by their inputs alone, so that
        the explanation does not depend on the order contributions were listed in."""
        if self._canonical:
            return rows[:MAX_DESCRIBED]
        t, c = self.table, self.claims

        def key(row: int) -> tuple[int, ...]:
            return (
                -int(c.value[row]),
                int(t.activity[row]),
                int(t.kind[row]),
                int(t.hours.values[row]),
                int(t.quantity.values[row]),
                int(t.rate.values[row]),
                int(c.claim_type[row]),
            )

        return sorted(rows, key=key)[:MAX_DESCRIBED]

    def __call__(self, name: str) -> str:
        cur, recipients = self.cur, self.table.recipients
        at = bisect_left(recipients, name)
        who = at if at < len(recipients) and recipients[at] == name else None
        described = []
        if who is not None:
            rows = self.rows_of(who)
            shown = rows if len(rows) <= MAX_DESCRIBED else self.largest(rows)
            described = sorted(
                f"{describe(self.table, self.claims, row, cur)} "
                f"({CLAIM_TYPES[self.claims.claim_type[row]]})"
                for row in shown
            )
            if len(rows) > MAX_DESCRIBED:
                worth = sum(int(self.claims.value[row]) for row in rows)
                described.append(
                    f"and {len(rows) - MAX_DESCRIBED} more, "
                    f"{money_text(Fraction(worth, self.claims.scale), cur)} of claims in all"
                )
        lines = [line for bucket in self.poured if (line := self.line(bucket, name, who))]
        parts = []
        if described:
            parts.append("Claims: " + "; ".join(described) + ".")
        parts.append(". ".join(lines) + "." if lines else "No bucket includes these claims.")
        exact = Fraction(self.numerators[bisect_left(self.names, name)], self.denominator)
        parts.append(
            f"Exact total {money_text(exact, cur)}, paid {money_text(self.allocations[name], cur)}"
            " (each exact total is rounded once, by largest remainder)."
        )
        if name in self.owed:
            parts.append(f"Still owed on debt claims: {money_text(self.owed[name], cur)}.")
        return " ".join(parts)

    def line(self, bucket: Poured, name: str, who: int | None) -> str:
        if bucket.recipient is not None:
            return f"{bucket.head}, the whole bucket to {name}" if bucket.recipient == name else ""
        if who is None or not bucket.includes(who):
            return ""
        if bucket.portion is None or bucket.values is None or bucket.special is None:
            return bucket.head
        value = Fraction(int(bucket.values[who]), self.claims.scale)
        value += bucket.special.get(who, Fraction(0))
        if value:
            got = value * bucket.portion
            share = f"claims worth {money_text(value, self.cur)} get {money_text(got, self.cur)}"
        else:
            share = "no claim of any value left (paid off, paid once, or worth 0), nothing"
        return f"{bucket.head}{bucket.rule}: {share}"
