"""One imported row made into a checked transaction: the same rules as a single one.

A row is read into a :class:`TransactionInput` and checked by
:func:`check_transaction`, exactly as the API and the CLI check one transaction, so that
the same mistake gets the same code wherever it is made. Then the payee and the parties
are resolved to members from maps loaded once per import.

How a row's text is read (decisions documented in docs/value-flows.md, "Bulk import"):

* ``amount`` is decimal text in the currency's unit (``49.99``); in JSON lines a number is
  read as the shortest decimal that writes it (``49.99``); negative only for a refund;
* ``occurred_at`` is ISO 8601 with a timezone (``2026-03-01T10:15:00+01:00``, ``…Z``), or
  a plain date (``2026-03-01``), read as noon UTC that day — the same day everywhere from
  UTC−12 to UTC+12;
* ``currency`` left empty means the organization's; ``kind`` left empty means ``sale``
  (``refund`` for a refund);
* a refund row (``refund_of`` set) may leave ``status`` and ``payee`` empty: a refund
  takes the original's, as :func:`services.transactions.refund` does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from partage.core.currency import Currency
from partage.core.errors import InvalidInput
from partage.core.money import parse_minor
from partage.core.splits.transactions import TransactionInput, check_transaction, member_number
from partage.services.transaction_import_files import RawRow

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NOON = time(12, tzinfo=UTC)
# Stand-ins for a refund row's empty status and payee, which the original's replace.
REFUND_STATUS = "refund"
REFUND_PAYEE = "-"


@dataclass(slots=True)  # not frozen: one per row, built a million times
class Prepared:
    """A row ready to split (or to refund): checked, its members resolved."""

    number: int
    tx: TransactionInput
    payee_id: int  # 0 for a refund: the original's applies
    parties: dict[str, int]
    day: date


def _text(fields: Mapping[str, Any], key: str) -> Any:
    value = fields.get(key)
    return "" if value is None else value


def amount_of(value: Any, decimals: int) -> int:
    """Minor units from decimal text (or a JSON number); zero and negatives pass through
    to :func:`check_transaction`, which says what is wrong with them."""
    if isinstance(value, bool):
        raise InvalidInput("amount.not_a_number", "amount is a decimal number", field="amount")
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(
            "amount.not_a_number", "amount is a decimal number such as 49.99", field="amount"
        )
    return parse_minor(value, decimals, allow_zero=True, allow_negative=True)


def moment_of(value: Any) -> datetime:
    """``occurred_at``: ISO 8601 with a timezone, or a date (noon UTC)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(
            "transaction.bad_occurred_at",
            "occurred_at is an ISO 8601 time with a timezone (2026-03-01T10:15:00Z) or a date",
            field="occurred_at",
        )
    text = value.strip()
    try:
        if _DATE.match(text):
            return datetime.combine(date.fromisoformat(text), NOON)
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            "transaction.bad_occurred_at",
            f"occurred_at '{text[:40]}' is not an ISO 8601 time (2026-03-01T10:15:00Z) or date",
            field="occurred_at",
        ) from None


def member_of(
    name: str, *, members: set[int], aliases: Mapping[str, int], field: str, code: str
) -> int:
    """``member:<id>``, ``<id>`` or an alias → the member's id (the one-at-a-time rule)."""
    text = name.strip()
    member_id = member_number(text)
    if member_id is None:
        member_id = aliases.get(text)
    if member_id is None or member_id not in members:
        raise InvalidInput(code, f"'{text[:80]}' is not a member of the organization", field=field)
    return member_id


def prepare(
    raw: RawRow, *, currency: Currency, members: set[int], aliases: Mapping[str, int]
) -> Prepared:
    """The row as a checked transaction, or the first rule it breaks."""
    if raw.unreadable is not None:
        raise raw.unreadable
    f = raw.fields
    refund_of = _text(f, "refund_of")
    is_refund = isinstance(refund_of, str) and bool(refund_of.strip())
    parties = f.get("parties") or {}
    kind = _text(f, "kind") or ("refund" if is_refund else "sale")
    tx = check_transaction(
        TransactionInput(
            reference=_text(f, "reference"),
            amount=amount_of(f.get("amount"), currency.decimals),
            currency=str(_text(f, "currency") or currency.code),
            status=_text(f, "status") or (REFUND_STATUS if is_refund else ""),
            payee=_text(f, "payee") or (REFUND_PAYEE if is_refund else ""),
            occurred_at=moment_of(f.get("occurred_at")),
            kind=kind,
            payer=_text(f, "payer"),
            parties=parties,
            refund_of=refund_of or None,
        ),
        currency=currency.code,
    )
    day = tx.occurred_at.astimezone(UTC).date()
    if tx.refund_of is not None:
        return Prepared(raw.number, tx, 0, {}, day)
    payee = member_of(
        tx.payee, members=members, aliases=aliases, field="payee", code="transaction.unknown_payee"
    )
    resolved = {
        role: member_of(
            who, members=members, aliases=aliases, field="parties", code="transaction.unknown_party"
        )
        for role, who in tx.parties.items()
    }
    return Prepared(raw.number, tx, payee, resolved, day)
