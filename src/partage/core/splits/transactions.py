"""A transaction the platform carries, as submitted: checked field by field before any write.

One shape for the API, the CLI and every row of a bulk import, so that all three refuse the
same things with the same codes:

* ``reference`` — the platform's own id for it, 1–200 characters, unique in the
  organization (the storage checks uniqueness);
* ``amount`` — minor units, greater than zero; a negative amount is accepted only as a
  refund (``refund_of`` names the original's reference), and is then read as its absolute
  value (``transaction.negative_amount`` otherwise);
* ``currency`` — the organization's (``currency.mismatch`` otherwise);
* ``status`` — the status of the party paid (producer, courier…), a lowercase name the
  rules must know (they check it when they split);
* ``payee`` — who is paid: a member, named as the caller knows them (``member:12``, ``12``
  or an alias such as ``platform:seller-881``), resolved by the service;
* ``parties`` — other members in a role (``referrer`` → ``member:7``), for shares the rules
  send to a party;
* ``kind`` (sale, delivery, service, booking…), ``payer`` (free text) and ``occurred_at``
  (timezone-aware).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from partage.core.claims import refuse_control_characters
from partage.core.errors import InvalidInput
from partage.core.money import check_minor

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
MAX_REFERENCE = 200
MAX_PARTY = 200


@dataclass(frozen=True, slots=True)
class TransactionInput:
    reference: str
    amount: int
    currency: str
    status: str
    payee: str
    occurred_at: datetime
    kind: str = "sale"
    payer: str = ""
    parties: Mapping[str, str] = field(default_factory=dict)
    refund_of: str | None = None


def _text(value: object, name: str, *, limit: int, required: bool = True) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"transaction.bad_{name}", f"{name} is text", field=name)
    text = value.strip()
    refuse_control_characters(text, field=name)
    if required and not text:
        raise InvalidInput(f"transaction.no_{name}", f"{name} is required", field=name)
    if len(text) > limit:
        raise InvalidInput(
            f"transaction.long_{name}", f"{name} is longer than {limit} characters", field=name
        )
    return text


def _name(value: object, name: str, *, limit: int = 63) -> str:
    text = _text(value, name, limit=limit).lower()
    if not _NAME.match(text):
        raise InvalidInput(
            f"transaction.bad_{name}",
            f"{name} is a lowercase name of letters, digits, - or _ (got '{text[:40]}')",
            field=name,
        )
    return text


def check_transaction(raw: TransactionInput, *, currency: str) -> TransactionInput:
    """The same transaction, cleaned, or the first rule it breaks (nothing is written)."""
    reference = _text(raw.reference, "reference", limit=MAX_REFERENCE)
    refund_of = (
        None
        if raw.refund_of is None or not str(raw.refund_of).strip()
        else _text(raw.refund_of, "refund_of", limit=MAX_REFERENCE)
    )
    amount = raw.amount
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidInput("amount.not_a_number", "amount is a number", field="amount")
    if amount < 0:
        if refund_of is None:
            raise InvalidInput(
                "transaction.negative_amount",
                "a negative amount is only accepted for a refund: name the refunded "
                "transaction in refund_of",
                field="amount",
            )
        amount = -amount
    check_minor(amount)
    if raw.currency.strip().upper() != currency:
        raise InvalidInput(
            "currency.mismatch",
            f"the transaction is in {raw.currency.strip()[:12]}, the organization's "
            f"transactions are in {currency}",
            field="currency",
            params={"currency": raw.currency.strip()[:12], "expected": currency},
        )
    if raw.occurred_at.tzinfo is None:
        raise InvalidInput(
            "transaction.naive_time", "occurred_at needs a timezone (e.g. Z)", "occurred_at"
        )
    parties: dict[str, str] = {}
    if not isinstance(raw.parties, Mapping):
        raise InvalidInput("transaction.bad_parties", "parties maps a role to a member", "parties")
    for role, who in raw.parties.items():
        parties[_name(role, "role")] = _text(who, "party", limit=MAX_PARTY)
    return TransactionInput(
        reference=reference,
        amount=amount,
        currency=currency,
        status=_name(raw.status, "status"),
        payee=_text(raw.payee, "payee", limit=MAX_PARTY),
        occurred_at=raw.occurred_at,
        kind=_name(raw.kind, "kind", limit=40) if raw.kind else "sale",
        payer=_text(raw.payer or "", "payer", limit=MAX_PARTY, required=False),
        parties=parties,
        refund_of=refund_of,
    )


def member_number(name: str) -> int | None:
    """The member a payee or party names by number (``member:12`` or ``12``), or None when
    it is some other name (an alias, which only the storage can resolve)."""
    number = name.strip().removeprefix("member:")
    return int(number) if number.isdigit() and len(number) < 19 else None


def parties_text(parties: Mapping[str, int]) -> str:
    """Role → member id as the transaction row keeps it: compact JSON with sorted keys, ""
    when there is none — the same text whether posted one at a time or imported."""
    if not parties:
        return ""
    return "{" + ",".join(f'"{role}":{who}' for role, who in sorted(parties.items())) + "}"
