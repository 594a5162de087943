"""How one transaction is split: the lines of its entry, exact to the minor unit.

For an amount ``A`` paid to a party of status ``s`` under a rule set:

1. the shares of the amount are ``allocate(A, [q₁ … qₘ, 1 − Σq])`` without the last part;
2. the commission ``C`` is the status's commission on ``A`` (rate rounded halves up, then
   fixed, floor and cap), and never more than what the shares of the amount leave;
3. the shares of the commission are ``allocate(C, [p₁ … pₖ, 1 − Σp])``: each within one
   minor unit of its exact share, the last weight being what goes to ``rest_to``;
4. the party paid gets what is left: ``A − C − Σ shares of the amount``.

Guarantees: the lines sum to ``A`` exactly (asserted); no line is negative. The shares of
the amount come first: a commission never takes more than what they leave (a fixed fee on a
tiny sale, or a rate rounded up on a one-cent one, is lowered to it), so the party paid is
never left owing money and no valid rule set refuses a transaction for its size. Lines are
kept per part — ``net`` (the party paid), ``commission``, ``amount`` — and, within a part,
one line per account in the order the rules name them, so that an entry's postings show
every split and a refund can reverse each one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from partage.core import chart
from partage.core.allocation import allocate
from partage.core.errors import InvalidInput
from partage.core.splits.rules import Destination, RuleSet, SplitLine

Part = Literal["net", "commission", "amount"]
PARTS: tuple[Part, ...] = ("net", "commission", "amount")
OPERATIONS = "fund:operations"
RESERVE = "fund:reserve"


@dataclass(frozen=True, slots=True)
class Line:
    """``amount`` minor units credited to ``account`` as part ``part`` of a transaction."""

    part: Part
    account: str
    amount: int


@dataclass(frozen=True, slots=True)
class Split:
    amount: int
    commission: int
    lines: tuple[Line, ...]

    @property
    def net(self) -> int:
        return sum(line.amount for line in self.lines if line.part == "net")


def destination_account(to: Destination, parties: Mapping[str, str]) -> str:
    """The ledger account a destination credits; ``party:<role>`` reads the transaction's
    parties (role → account), which the caller has resolved to members' accounts."""
    if to.kind == "operations":
        return OPERATIONS
    if to.kind == "reserve":
        return RESERVE
    if to.kind == "commons":
        return chart.COMMONS
    if to.kind == "project":
        return chart.project_account(to.key, field="to")
    if to.kind == "pool":
        return f"fund:pool:{to.key}"
    if to.kind == "member":
        return chart.member_account(int(to.key))
    account = parties.get(to.key)
    if account is None:
        raise InvalidInput(
            "transaction.missing_party",
            f"the rules send a share to the party '{to.key}', which this transaction does not name",
            field="parties",
            params={"role": to.key},
        )
    return account


def _shares(total: int, lines: tuple[SplitLine, ...]) -> list[int]:
    weights = [line.share for line in lines]
    rest = Fraction(1) - sum(weights, Fraction(0))
    return allocate(total, [*weights, rest])[: len(lines)]


def _merge(part: Part, pairs: list[tuple[str, int]]) -> list[Line]:
    """One line per account, in first-named order; zero lines are dropped."""
    totals: dict[str, int] = {}
    for account, amount in pairs:
        totals[account] = totals.get(account, 0) + amount
    return [Line(part, account, amount) for account, amount in totals.items() if amount]


def split_transaction(
    rules: RuleSet,
    *,
    amount: int,
    status: str,
    payee_account: str,
    parties: Mapping[str, str] | None = None,
) -> Split:
    """The lines crediting each destination for ``amount`` paid to ``payee_account``."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidInput("amount.zero", "a transaction's amount is greater than zero", "amount")
    roles = dict(parties or {})
    charged = rules.commission_for(status)
    on_amount = rules.lines_of("amount")
    amount_shares = _shares(amount, on_amount)
    commission = min(charged.on(amount), amount - sum(amount_shares))
    on_commission = rules.lines_of("commission")
    commission_shares = _shares(commission, on_commission)
    rest = commission - sum(commission_shares)
    net = amount - commission - sum(amount_shares)
    commission_pairs = [
        (destination_account(line.to, roles), share)
        for line, share in zip(on_commission, commission_shares, strict=True)
    ]
    commission_pairs.append((destination_account(rules.rest_to, roles), rest))
    amount_pairs = [
        (destination_account(line.to, roles), share)
        for line, share in zip(on_amount, amount_shares, strict=True)
    ]
    lines = (
        _merge("net", [(payee_account, net)])
        + _merge("commission", commission_pairs)
        + _merge("amount", amount_pairs)
    )
    assert sum(line.amount for line in lines) == amount, "a split must conserve the amount"
    return Split(amount=amount, commission=commission, lines=tuple(lines))


def part_starts(parts: Iterable[Part]) -> tuple[int, int]:
    """The posting lines where the commission's and the amount's lines start in the entry of
    a split whose lines have these ``parts`` (line 1 is the cash, then the net line)."""
    counted = list(parts)
    net, commission = counted.count("net"), counted.count("commission")
    return 2 + net, 2 + net + commission


def postings(
    split: Split, currency: str, *, cash_account: str = chart.BANK
) -> list[tuple[str, int, str]]:
    """The entry's postings: the cash received (debit), then each line (credits)."""
    return [(cash_account, split.amount, currency)] + [
        (line.account, -line.amount, currency) for line in split.lines
    ]
