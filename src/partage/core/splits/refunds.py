"""Refunds: a transaction's lines taken back, in proportion, until nothing is left.

A refund of ``R`` on a transaction whose lines still hold ``q₁ … qₙ`` (what was posted
minus what earlier refunds took back) takes ``allocate(R, [q₁ … qₙ])`` from them.

Guarantees:

* a refund never exceeds what is left of the transaction (``refund.exceeds_paid``), and is
  greater than zero;
* each line gives back at most what it still holds, and the refund's lines sum to ``R``;
* refunds that add up to the whole amount — one full refund or several partial ones —
  reverse exactly what was posted: every line ends at zero, to the minor unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from partage.core.allocation import allocate
from partage.core.errors import InvalidInput
from partage.core.splits.engine import Line, Part


def remaining(posted: Sequence[Line], refunded: Iterable[Line]) -> list[Line]:
    """What each posted line still holds after the refunds already made."""
    taken: dict[tuple[Part, str], int] = {}
    for line in refunded:
        key = (line.part, line.account)
        taken[key] = taken.get(key, 0) + line.amount
    left = []
    for line in posted:
        key = (line.part, line.account)
        back = min(taken.pop(key, 0), line.amount)
        left.append(Line(line.part, line.account, line.amount - back))
    if any(taken.values()):
        raise InvalidInput(
            "refund.inconsistent", "earlier refunds name lines the transaction does not have"
        )
    return left


def refund_lines(posted: Sequence[Line], refunded: Iterable[Line], amount: int) -> list[Line]:
    """The lines a refund of ``amount`` takes back (zero lines dropped)."""
    left = remaining(posted, refunded)
    available = sum(line.amount for line in left)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidInput("amount.zero", "a refund is greater than zero", field="amount")
    if amount > available:
        raise InvalidInput(
            "refund.exceeds_paid",
            f"a refund of {amount} is more than the {available} left of the transaction "
            "(in minor units)",
            field="amount",
            params={"amount": amount, "available": available},
        )
    shares = allocate(amount, [line.amount for line in left])
    taken = [
        Line(line.part, line.account, share)
        for line, share in zip(left, shares, strict=True)
        if share
    ]
    assert all(share <= line.amount for line, share in zip(left, shares, strict=True)), (
        "a refund never takes back more than a line holds"
    )
    return taken


def refund_postings(
    lines: Sequence[Line], currency: str, *, cash_account: str
) -> list[tuple[str, int, str]]:
    """The refund's entry, laid out as the transaction's: the cash paid back first (credit),
    then each line debited back, part by part."""
    total = sum(line.amount for line in lines)
    return [(cash_account, -total, currency)] + [
        (line.account, line.amount, currency) for line in lines
    ]
