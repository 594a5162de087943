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

Most rows of a platform's export are plain: a sale written the way machines write it
(``49.99``, ``2026-03-01T10:15:00Z``, ``member:12``). :class:`PlainRows` recognises such a
row with a few C-level string checks and builds what :func:`prepare` would; anything else —
spaces to strip, a comma, an unknown member, a refund — goes through :func:`prepare`, which
says what is wrong. A property test holds the two equal on every row the fast path takes.
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
from partage.core.splits.transactions import (
    MAX_PARTY,
    MAX_REFERENCE,
    TransactionInput,
    check_transaction,
    member_number,
)
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


class PlainRows:
    """The fast path for plain rows: ``take`` gives the row's :class:`Prepared`, exactly as
    :func:`prepare` would, or ``None`` when the row is not plain and needs :func:`prepare`.

    Names already resolved (payees, parties) are remembered: an export names the same
    members again and again."""

    def __init__(self, *, currency: Currency, members: set[int], aliases: Mapping[str, int]):
        self.code = currency.code
        digits = currency.decimals
        self.decimals = digits
        # No sign, no leading zero, no grouping, exactly the currency's decimals: the text
        # parse_minor reads the same way, and never too large for the books.
        self.amount = re.compile(
            rf"(?:0|[1-9][0-9]{{0,12}})\.[0-9]{{{digits}}}" if digits else r"[1-9][0-9]{0,14}"
        ).fullmatch
        self.members = members
        self.aliases = aliases
        self.names: dict[str, int] = {}

    def member(self, name: str) -> int | None:
        found = self.names.get(name)
        if found is not None:
            return found
        if not _clean(name, MAX_PARTY):
            return None
        member_id = member_number(name)
        if member_id is None:
            member_id = self.aliases.get(name)
        if member_id is None or member_id not in self.members:
            return None
        self.names[name] = member_id
        return member_id

    def take(self, raw: RawRow) -> Prepared | None:
        f = raw.fields
        if raw.unreadable is not None or f.get("refund_of"):
            return None
        reference, amount, status, payee = (
            f.get("reference"),
            f.get("amount"),
            f.get("status"),
            f.get("payee"),
        )
        currency, kind, payer = f.get("currency") or "", f.get("kind") or "", f.get("payer") or ""
        occurred = f.get("occurred_at")
        if not (
            isinstance(reference, str)
            and _clean(reference, MAX_REFERENCE)
            and isinstance(amount, str)
            and self.amount(amount)
            and (currency == "" or currency == self.code)
            and isinstance(status, str)
            and _PLAIN_NAME(status)
            and isinstance(payee, str)
            and isinstance(kind, str)
            and (kind == "" or (len(kind) <= 40 and _PLAIN_NAME(kind)))
            and isinstance(payer, str)
            and (payer == "" or _clean(payer, MAX_PARTY))
            and isinstance(occurred, str)
            and _PLAIN_MOMENT(occurred)
        ):
            return None
        minor = int(amount.replace(".", ""))
        payee_id = self.member(payee)
        if minor == 0 or payee_id is None:
            return None
        parties: dict[str, str] = {}
        resolved: dict[str, int] = {}
        given = f.get("parties") or {}
        if not isinstance(given, dict):
            return None
        for role, who in given.items():
            if not (isinstance(role, str) and isinstance(who, str) and _PLAIN_NAME(role)):
                return None
            member_id = self.member(who)
            if member_id is None:
                return None
            parties[role] = who
            resolved[role] = member_id
        try:
            moment = (
                datetime.combine(date.fromisoformat(occurred), NOON)
                if len(occurred) == 10
                else datetime.fromisoformat(occurred)
            )
        except ValueError:
            return None
        tx = TransactionInput(
            reference=reference,
            amount=minor,
            currency=self.code,
            status=status,
            payee=payee,
            occurred_at=moment,
            kind=kind or "sale",
            payer=payer,
            parties=parties,
            refund_of=None,
        )
        return Prepared(raw.number, tx, payee_id, resolved, moment.astimezone(UTC).date())


_PLAIN_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}").fullmatch
# A date, or a time with seconds and a timezone (Z or ±hh:mm); fromisoformat then decides.
_PLAIN_MOMENT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2}))?"
).fullmatch


def _clean(text: str, limit: int) -> bool:
    """Text :func:`check_transaction` keeps as it is: not empty, no surrounding space, no
    control character (nor any other unprintable one), within ``limit``."""
    return 0 < len(text) <= limit and text.isprintable() and text == text.strip()


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
