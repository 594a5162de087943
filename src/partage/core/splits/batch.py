"""Many transactions split at once under one rule set: column-wise integer arithmetic.

:func:`split_batch` gives, for row ``i``, exactly what :func:`engine.split_transaction`
gives for that row alone — the same commission, the same lines in the same order, the same
merge of accounts within a part, the same refusal — but computes the amounts for all rows
together with numpy:

* the commission ``rate × A`` rounded halves up is ``(2·p·A + q) // 2q`` for ``rate = p/q``;
  fixed, floor, cap and the clamp to ``[0, A]`` follow as array operations;
* each ``allocate(total, [w₁ … wₖ, rest])`` is done over a column of totals: every share
  gets the floor of ``total · wᵢ / W``, then the units left over go to the largest
  remainders, ties to the earlier position — a stable sort of the negated remainders per
  row, the tie-break :func:`allocation.allocate` documents.

Guarantees: for every row, the lines sum to its amount (asserted over the whole batch);
rows whose products could overflow 64-bit integers (``amount × denominators ≥ 2⁶²``), and
rows whose ``party:<role>`` destinations name the same account as another destination of
their part (so that the merge differs from row to row), are split by the scalar engine
instead — the result is the same, only slower.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import numpy as np
import numpy.typing as npt

from partage.core.errors import InvalidInput
from partage.core.splits.engine import Line, Part, Split, destination_account, split_transaction
from partage.core.splits.rules import Destination, RuleSet, SplitLine

SAFE = 2**62  # a product below this fits a signed 64-bit integer with room to spare
Int64s = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class _Group:
    """One line of a part: the columns merged into it and where it goes."""

    part: Part
    columns: tuple[int, ...]
    account: str | None  # None: a party's account, read per row
    role: str = ""


@dataclass(frozen=True, slots=True)
class BatchSplit:
    """The splits of a batch: ``lines[i]`` as ``(part, account, amount)`` triples, or
    ``errors[i]`` for a row the rules refuse (its lines are empty)."""

    amounts: Int64s
    commissions: Int64s
    lines: list[list[tuple[Part, str, int]]]
    errors: dict[int, InvalidInput]

    def split(self, index: int) -> Split:
        """Row ``index`` as the scalar engine's value (raises the row's refusal)."""
        error = self.errors.get(index)
        if error is not None:
            raise error
        return Split(
            amount=int(self.amounts[index]),
            commission=int(self.commissions[index]),
            lines=tuple(Line(p, a, v) for p, a, v in self.lines[index]),
        )


def _integer_weights(lines: tuple[SplitLine, ...]) -> list[int]:
    """The weights ``[share₁ … shareₖ, rest]`` over their common denominator."""
    weights = [line.share for line in lines]
    weights.append(Fraction(1) - sum(weights, Fraction(0)))
    denominator = lcm(*(w.denominator for w in weights))
    return [w.numerator * (denominator // w.denominator) for w in weights]


def _allocate_columns(totals: Int64s, weights: list[int]) -> Int64s:
    """``allocate(total, weights)`` for each total, one row each (n × len(weights))."""
    w = np.asarray(weights, dtype=np.int64)
    weight_sum = int(w.sum())
    products = totals[:, None] * w[None, :]
    shares, remainders = np.divmod(products, weight_sum)
    left = totals - shares.sum(axis=1)
    if len(weights) > 1 and bool((left > 0).any()):
        # Rank of each column by remainder, largest first, the earlier column on ties.
        order = np.argsort(-remainders, axis=1, kind="stable")
        ranks = np.empty_like(order)
        positions = np.broadcast_to(np.arange(len(weights)), order.shape)
        np.put_along_axis(ranks, order, positions, axis=1)
        shares += ranks < left[:, None]
    elif len(weights) == 1:
        shares[:, 0] += left
    result: Int64s = shares
    return result


def _groups(rules: RuleSet) -> list[_Group]:
    """The lines of the commission and amount parts, static accounts merged in first-named
    order; a party destination keeps its own group (its account is the row's)."""
    found: list[_Group] = []

    def add(part: Part, destinations: list[Destination], first_column: int) -> None:
        static: dict[str, list[int]] = {}
        order: list[tuple[str, str]] = []  # (kind, key): ("static", account) or ("party", role)
        parties: dict[str, list[int]] = {}
        for offset, to in enumerate(destinations):
            column = first_column + offset
            if to.kind == "party":
                if to.key not in parties:
                    parties[to.key] = []
                    order.append(("party", to.key))
                parties[to.key].append(column)
            else:
                account = destination_account(to, {})
                if account not in static:
                    static[account] = []
                    order.append(("static", account))
                static[account].append(column)
        for kind, key in order:
            if kind == "static":
                found.append(_Group(part, tuple(static[key]), key))
            else:
                found.append(_Group(part, tuple(parties[key]), None, key))

    on_commission = rules.lines_of("commission")
    on_amount = rules.lines_of("amount")
    add("commission", [line.to for line in on_commission] + [rules.rest_to], 0)
    add("amount", [line.to for line in on_amount], len(on_commission) + 1)
    return found


def _commissions(rules: RuleSet, amounts: Int64s, statuses: Sequence[str]) -> Int64s:
    """Each row's charged commission before the shares of the amount cap it."""
    charged = np.zeros(len(amounts), dtype=np.int64)
    status_array = np.asarray(statuses, dtype=object)
    for status, commission in rules.commissions.items():
        mask = status_array == status
        if not mask.any():
            continue
        a = amounts[mask]
        p, q = commission.rate.numerator, commission.rate.denominator
        value = (a * (2 * p) + q) // (2 * q) + commission.fixed
        value = np.maximum(value, commission.floor)
        if commission.cap is not None:
            value = np.minimum(value, commission.cap)
        charged[mask] = np.maximum(0, np.minimum(value, a))
    return charged


def split_batch(
    rules: RuleSet,
    *,
    amounts: Sequence[int] | Int64s,
    statuses: Sequence[str],
    payees: Sequence[str],
    parties: Sequence[Mapping[str, str]] | None = None,
) -> BatchSplit:
    """Split every row ``i``: ``amounts[i]`` paid to ``payees[i]`` of ``statuses[i]``, with
    ``parties[i]`` (role → account) for the rules' ``party:<role>`` destinations."""
    n = len(statuses)
    values = np.asarray(amounts, dtype=np.int64).reshape(n)
    roles: Sequence[Mapping[str, str]] = parties if parties is not None else [{}] * n
    on_commission = rules.lines_of("commission")
    on_amount = rules.lines_of("amount")
    commission_weights = _integer_weights(on_commission)
    amount_weights = _integer_weights(on_amount)
    rates = [c.rate for c in rules.commissions.values()]
    widest = max(
        sum(commission_weights),
        sum(amount_weights),
        *(2 * r.numerator + 2 * r.denominator for r in rates),
    )
    errors: dict[int, InvalidInput] = {}
    scalar: set[int] = set()
    known = set(rules.commissions)
    needed_roles = {
        line.to.key for line in (*on_commission, *on_amount) if line.to.kind == "party"
    } | ({rules.rest_to.key} if rules.rest_to.kind == "party" else set())
    plain: list[int] = values.tolist()
    limit = SAFE // widest
    for i in range(n):
        unusual = plain[i] <= 0 or statuses[i] not in known or plain[i] >= limit
        if unusual or (needed_roles and not needed_roles <= roles[i].keys()):
            scalar.add(i)
    safe = values.copy()
    if scalar:
        safe[list(scalar)] = 0
    safe_statuses = [s if s in known else next(iter(known)) for s in statuses]
    amount_shares = _allocate_columns(safe, amount_weights)[:, : len(on_amount)]
    charged = _commissions(rules, safe, safe_statuses)
    commissions = np.minimum(charged, safe - amount_shares.sum(axis=1))
    commission_shares = _allocate_columns(commissions, commission_weights)
    net = safe - commissions - amount_shares.sum(axis=1)
    columns = np.concatenate([commission_shares, amount_shares], axis=1)
    assert bool((net + columns.sum(axis=1) == safe).all()), "a split must conserve the amount"
    groups = _groups(rules)
    merged = (
        np.stack([columns[:, list(g.columns)].sum(axis=1) for g in groups], axis=1)
        if groups
        else np.zeros((n, 0), dtype=np.int64)
    )
    merged_rows: list[list[int]] = merged.tolist()
    net_rows: list[int] = net.tolist()
    party_groups = [g for g in groups if g.account is None]
    lines: list[list[tuple[Part, str, int]]] = []
    for i in range(n):
        if i in scalar:
            try:
                split = split_transaction(
                    rules,
                    amount=plain[i],
                    status=statuses[i],
                    payee_account=payees[i],
                    parties=roles[i],
                )
            except InvalidInput as error:
                errors[i] = error
                lines.append([])
                continue
            commissions[i] = split.commission
            lines.append([(line.part, line.account, line.amount) for line in split.lines])
            continue
        row = merged_rows[i]
        if party_groups:
            accounts = [g.account or roles[i][g.role] for g in groups]
            if _collides(groups, accounts):
                split = split_transaction(
                    rules,
                    amount=plain[i],
                    status=statuses[i],
                    payee_account=payees[i],
                    parties=roles[i],
                )
                lines.append([(line.part, line.account, line.amount) for line in split.lines])
                continue
        else:
            accounts = [g.account or "" for g in groups]
        out: list[tuple[Part, str, int]] = []
        if net_rows[i]:
            out.append(("net", payees[i], net_rows[i]))
        out.extend(
            (g.part, account, value)
            for g, account, value in zip(groups, accounts, row, strict=True)
            if value
        )
        lines.append(out)
    return BatchSplit(amounts=values, commissions=commissions, lines=lines, errors=errors)


def _collides(groups: list[_Group], accounts: list[str]) -> bool:
    """Whether two lines of one part name the same account on this row."""
    seen: set[tuple[Part, str]] = set()
    for group, account in zip(groups, accounts, strict=True):
        key = (group.part, account)
        if key in seen:
            return True
        seen.add(key)
    return False
