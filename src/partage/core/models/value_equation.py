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
    money_text,
    number_text,
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
from partage.core.models.wording import Phrases, Words, money_texts, ratio_texts
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
    words = Words(PHRASES, spec.language)
    pour = _Pour(table, claims, behavior, words)
    report: list[dict[str, Any]] = []
    poured: list[Poured] = []
    fixed: dict[str, int] = {}
    paid_so_far = Fraction(0)
    for number, bucket in enumerate(buckets, start=1):
        base = Fraction(spec.budget) if behavior == "straight" else spec.budget - paid_so_far
        held = bucket.percentage * base / 100
        amount = held.numerator // held.denominator  # a bucket holds whole minor units
        head = words(
            "head_straight" if behavior == "straight" else "head_remaining",
            number=number,
            percentage=words.num(number_text(bucket.percentage)),
            base=words.num(money_text(base, cur)),
            amount=words.num(money_text(amount, cur)),
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
        table, claims, cur, words, poured, names, numerators, denominator, allocations, owed
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

    def __init__(
        self, table: ContributionTable, claims: Claims, behavior: str, words: Words
    ) -> None:
        self.table, self.claims, self.behavior, self.words = table, claims, behavior, words
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
        table, words = self.table, self.words
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
            nothing = words("nothing_left" if claimed == 0 else "nothing", head=head)
            return Poured(nothing, members=members), Fraction(0)
        portion = Fraction(amount) / claimed
        if self.behavior == "remaining":
            portion = min(portion, Fraction(1))
        rule = words(
            "rule",
            claimed=words.num(money_text(claimed, cur)),
            portion=words.num(number_text(portion)),
        )
        if self.behavior == "remaining" and amount > claimed:
            rule += words("capped", rest=words.num(money_text(amount - claimed, cur)))
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


def describe(
    table: ContributionTable, claims: Claims, rows: Any, cur: Currency, words: Words
) -> list[str]:
    """Contributions' claims as a member reads them: inputs, product and claim type, a column
    at a time."""
    at = np.asarray(rows, dtype=np.intp)
    values = words.nums(money_texts(claims.value[at], claims.scale, cur))
    m_scale = max(table.hours.scale, table.quantity.scale)
    kind = table.kind[at]
    measure = np.where(
        kind == TIME,
        table.hours.rescaled(m_scale).values[at],
        table.quantity.rescaled(m_scale).values[at],
    )
    measures = words.nums(ratio_texts(measure, m_scale))
    rates = words.nums(money_texts(table.rate.values[at], table.rate.scale, cur))
    # The unit of each row: h for time; below 2 a French noun is singular (1,5 unité).
    unit_of = [words("units"), words("unit_one"), words("unit_hours")]
    units = np.where(kind == TIME, 2, (np.abs(measure) < 2 * m_scale).astype(np.int8)).tolist()
    kinds = [words(f"kind_{name}") for name in KINDS]
    types = [words(f"type_{name}") for name in CLAIM_TYPES]
    labels: dict[int, str] = {}  # per activity shown, written once
    by_amount = words.row("amount", ("label", "kind", "value", "type"))
    no_rate = words.row("no_rate", ("label", "measure", "unit", "type"))
    by_rate_row = words.row("by_rate", ("label", "measure", "unit", "rate", "value", "type"))
    out = []
    for i, (activity, k, by_rate, rated, claim_type) in enumerate(
        zip(
            table.activity[at].tolist(),
            kind.tolist(),
            claims.by_rate[at].tolist(),
            table.rate.present[at].tolist(),
            claims.claim_type[at].tolist(),
            strict=True,
        )
    ):
        label = labels.get(activity)
        if label is None:
            name = table.activities[activity]
            label = labels[activity] = words("label", activity=name) if name else ""
        type_ = types[claim_type]
        if not by_rate:
            out.append(by_amount(label, kinds[k], values[i], type_))
        elif not rated:
            out.append(no_rate(label, measures[i], unit_of[units[i]], type_))
        else:
            out.append(
                by_rate_row(label, measures[i], unit_of[units[i]], rates[i], values[i], type_)
            )
    return out


class _Explainer:
    """Sentences a member reads, written when read: their claims, each bucket, the rounding."""

    def __init__(
        self,
        table: ContributionTable,
        claims: Claims,
        cur: Currency,
        words: Words,
        poured: list[Poured],
        names: tuple[str, ...],
        numerators: list[int],
        denominator: int,
        allocations: Mapping[str, int],
        owed: Mapping[str, Fraction],
    ) -> None:
        self.table, self.claims, self.cur, self.poured = table, claims, cur, poured
        self.words, self.separator = words, words("separator")
        self.total_row = words.row("total", ("exact", "paid"))
        self.shared_rows: dict[int, Callable[..., str]] = {}  # per bucket, filled row by row
        self.names, self.numerators, self.denominator = names, numerators, denominator
        self.allocations, self.owed = allocations, owed
        self._order: tuple[Rows, Rows] | None = None
        self._canonical = False
        self._texts: _Texts | None = None

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

    def texts(self) -> _Texts:
        """Every number of every sentence, written a column at a time the first time any
        explanation is read."""
        if self._texts is None:
            self._texts = _Texts.of(self)
        return self._texts

    def __call__(self, name: str) -> str:
        cur, recipients, t, words = self.cur, self.table.recipients, self.texts(), self.words
        at = bisect_left(recipients, name)
        who = at if at < len(recipients) and recipients[at] == name else None
        described: list[str] = []
        if who is not None:
            described = sorted(t.described[who])
            more = t.counts[who] - MAX_DESCRIBED
            if more > 0:
                described.append(
                    words("more_one" if more == 1 else "more", more=more, worth=t.worth[who])
                )
        lines = [line for i, b in enumerate(self.poured) if (line := self.line(i, b, name, who))]
        parts = []
        if described:
            parts.append(words("claims", claims=self.separator.join(described)))
        parts.append(". ".join(lines) + "." if lines else words("no_bucket"))
        row = bisect_left(self.names, name)
        parts.append(self.total_row(t.exact[row], t.paid[row]))
        if name in self.owed:
            parts.append(words("owed", owed=words.num(money_text(self.owed[name], cur))))
        return " ".join(parts)

    def line(self, index: int, bucket: Poured, name: str, who: int | None) -> str:
        words = self.words
        if bucket.recipient is not None:
            return words("whole", head=bucket.head, name=name) if bucket.recipient == name else ""
        if who is None or not bucket.includes(who):
            return ""
        if bucket.portion is None or bucket.values is None or bucket.special is None:
            return bucket.head
        special = bucket.special.get(who)
        if special:
            # Live debt or once claims add a fraction of their own: written one by one.
            value = Fraction(int(bucket.values[who]), self.claims.scale) + special
            worth = words.num(money_text(value, self.cur))
            got = words.num(money_text(value * bucket.portion, self.cur))
        elif bucket.values[who]:
            worth, got = self.texts().buckets[index][0][who], self.texts().buckets[index][1][who]
        else:
            worth = got = ""
        if worth:
            fill = self.shared_rows.get(index)
            if fill is None:
                fill = self.shared_rows[index] = words.row(
                    "shared", ("worth", "got"), head=bucket.head, rule=bucket.rule
                )
            return fill(worth, got)
        return words("shared_nothing", head=bucket.head, rule=bucket.rule)


@dataclass(frozen=True, slots=True)
class _Texts:
    """The numbers of the explanations, written for every recipient at once."""

    described: list[list[str]]  # per recipient: the claims shown one by one
    counts: list[int]  # per recipient: how many claims
    worth: list[str]  # per recipient: Σ claim values
    exact: list[str]  # per name (with fixed recipients): the exact total
    paid: list[str]  # per name: what was paid
    buckets: list[tuple[list[str], list[str]]]  # per bucket, per recipient: worth, got

    @staticmethod
    def of(explainer: _Explainer) -> _Texts:
        e, cur, words = explainer, explainer.cur, explainer.words
        size = len(e.table.recipients)
        if size:
            e.rows_of(0)  # sorts the rows once
        recipient = e.table.recipient
        if e._canonical and e._order is not None:
            # Each recipient's first claims in the canonical order, all at once.
            order, starts = e._order
            position = np.arange(len(order)) - np.repeat(starts[:-1], np.diff(starts))
            shown = order[position < MAX_DESCRIBED]
        else:
            picked: list[int] = []
            for who in range(size):
                rows = e.rows_of(who)
                picked.extend(rows if len(rows) <= MAX_DESCRIBED else e.largest(rows))
            shown = np.array(picked, dtype=np.intp)
        described: list[list[str]] = [[] for _ in range(size)]
        lines = describe(e.table, e.claims, shown, cur, words)
        for who, line in zip(recipient[shown].tolist(), lines, strict=True):
            described[who].append(line)
        counts = np.bincount(recipient, minlength=size).tolist()
        worth = money_texts(group_sum(recipient, e.claims.value, size), e.claims.scale, cur)
        buckets: list[tuple[list[str], list[str]]] = []
        for bucket in e.poured:
            if bucket.values is None or bucket.portion is None:
                buckets.append(([], []))
                continue
            p, q = bucket.portion.numerator, bucket.portion.denominator
            buckets.append(
                (
                    words.nums(money_texts(bucket.values, e.claims.scale, cur)),
                    words.nums(money_texts(multiply(bucket.values, p), e.claims.scale * q, cur)),
                )
            )
        return _Texts(
            described=described,
            counts=counts,
            worth=words.nums(worth),
            exact=words.nums(money_texts(e.numerators, e.denominator, cur)),
            paid=words.nums(money_texts([e.allocations[n] for n in e.names], 1, cur)),
            buckets=buckets,
        )


# ``unit_one`` (a quantity below 2) and ``more_one`` are the singulars French needs; English
# keeps its plural. Bucket heads and rules are written once per bucket and become part of the
# explanations.
PHRASES: Phrases = {
    "en": {
        "head_straight": "Bucket {number}: {percentage} % of the budget ({base}) = {amount}",
        "head_remaining": (
            "Bucket {number}: {percentage} % of what earlier buckets left ({base}) = {amount}"
        ),
        "nothing": "{head}, nothing shared",
        "nothing_left": "{head}, nothing shared (no claim of any value left)",
        "rule": ", shared over claims worth {claimed}, portion {portion}",
        "capped": (
            " (capped at 1: a claim gets at most its value; the {rest} the claims cannot take "
            "stays unallocated)"
        ),
        "whole": "{head}, the whole bucket to {name}",
        "shared": "{head}{rule}: claims worth {worth} get {got}",
        "shared_nothing": (
            "{head}{rule}: no claim of any value left (paid off, paid once, or worth 0), nothing"
        ),
        "label": "{activity}: ",
        "unit_hours": "h",
        "units": "units",
        "unit_one": "units",
        "by_rate": "{label}{measure} {unit} × {rate} = {value} ({type})",
        "no_rate": "{label}{measure} {unit} with no rate, worth 0 ({type})",
        "amount": "{label}{kind} {value} ({type})",
        "kind_time": "time",
        "kind_cash": "cash",
        "kind_non_cash": "non-cash",
        "kind_use": "use",
        "type_equity": "equity",
        "type_debt": "debt",
        "type_once": "once",
        "more": "and {more} more, {worth} of claims in all",
        "more_one": "and {more} more, {worth} of claims in all",
        "separator": "; ",
        "claims": "Claims: {claims}.",
        "no_bucket": "No bucket includes these claims.",
        "total": (
            "Exact total {exact}, paid {paid} (each exact total is rounded once, by largest "
            "remainder)."
        ),
        "owed": "Still owed on debt claims: {owed}.",
    },
    "fr": {
        "head_straight": "Tranche {number} : {percentage} % du budget ({base}) = {amount}",
        "head_remaining": (
            "Tranche {number} : {percentage} % de ce qu'ont laissé les tranches précédentes "
            "({base}) = {amount}"
        ),
        "nothing": "{head}, rien n'est réparti",
        "nothing_left": "{head}, rien n'est réparti (aucune créance n'a plus de valeur)",
        "rule": ", répartie au prorata de créances valant {claimed}, coefficient {portion}",
        "capped": (
            " (plafonné à 1 : une créance reçoit au plus sa valeur ; les {rest} que les créances "
            "ne peuvent pas recevoir restent non alloués)"
        ),
        "whole": "{head}, toute la tranche va à {name}",
        "shared": "{head}{rule} : les créances valant {worth} reçoivent {got}",
        "shared_nothing": (
            "{head}{rule} : aucune créance n'a plus de valeur (dette remboursée, créance "
            "ponctuelle déjà payée ou valeur nulle), donc rien à recevoir"
        ),
        "label": "{activity} : ",
        "unit_hours": "h",
        "units": "unités",
        "unit_one": "unité",
        "by_rate": "{label}{measure} {unit} × {rate} = {value} ({type})",
        "no_rate": "{label}{measure} {unit} sans tarif, valeur 0 ({type})",
        "amount": "{label}{kind} {value} ({type})",
        "kind_time": "temps",
        "kind_cash": "apport en argent",
        "kind_non_cash": "apport en nature",
        "kind_use": "mise à disposition",
        "type_equity": "permanente",
        "type_debt": "dette",
        "type_once": "ponctuelle",
        "more": "et {more} autres, soit {worth} de créances en tout",
        "more_one": "et {more} autre, soit {worth} de créances en tout",
        "separator": " ; ",
        "claims": "Créances : {claims}.",
        "no_bucket": "Aucune tranche ne porte sur ces créances.",
        "total": (
            "Total exact {exact}, versé {paid} (chaque total exact est arrondi une seule fois, "
            "par la méthode du plus fort reste)."
        ),
        "owed": "Reste dû sur les créances de dette : {owed}.",
    },
}
