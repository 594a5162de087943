"""Transactions the platform carries, one at a time: split rules, recording, refunds.

Guarantees:

* only admins set rules, record and refund (a platform's integration uses an admin's token);
  bad input is refused with a domain error naming the field, and nothing is written;
* a transaction posts ONE balanced entry (cause ``transaction:<id>``, memo ``<kind>
  <reference>``): the cash received on ``bank``, then the party paid, the commission's
  lines and the shares of the amount, split by the rule version in force on its UTC day,
  which is kept on the row;
* a refund posts the same layout with reversed signs, taken from what the original's lines
  still hold, in proportion: refunds adding up to the whole reverse it exactly; a refund
  never exceeds what is left (``refund.exceeds_paid``) and is never refunded itself;
* an idempotency key posts at most once: the same key with the same request returns the
  stored transaction (``replayed``), with another request it is refused
  (``idempotency.key_reused``). The key, the reference and what is left to refund are read
  while the organization's lock is held, so two concurrent requests cannot both post;
* a rule version never applies retroactively: it takes effect after the day of the latest
  transaction split by the rules.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from partage.core import chart
from partage.core.claims import clean_text, refuse_control_characters
from partage.core.errors import Conflict, InvalidInput, NotFound
from partage.core.ledger import entry
from partage.core.roles import require_admin
from partage.core.splits.engine import Split, part_starts, postings, split_transaction
from partage.core.splits.refunds import refund_lines, refund_postings, remaining
from partage.core.splits.rules import parse_rules, rules_document
from partage.core.splits.transactions import (
    MAX_REFERENCE,
    TransactionInput,
    check_transaction,
    member_number,
    parties_text,
)
from partage.core.splits.versions import RuleVersion, check_new_version, in_force
from partage.services.context import Actor, UnitOfWork
from partage.services.transaction_views import (
    RuleVersionView,
    TransactionDetail,
    TransactionView,
    posted_lines,
    rule_version,
    rule_versions,
    rules_in_force,
    stored_versions,
    transaction,
    transaction_view,
    transactions,
    version_view,
)
from partage.storage.transactions_repo import RuleVersionRow, TransactionRow

__all__ = [
    "Recorded",
    "RuleVersionView",
    "TransactionDetail",
    "TransactionInput",
    "TransactionView",
    "record_transaction",
    "refund",
    "rule_version",
    "rule_versions",
    "rules_in_force",
    "set_rules",
    "transaction",
    "transactions",
]

MAX_KEY = 200
MAX_NOTE = 2000


@dataclass(frozen=True, slots=True)
class Recorded:
    """A transaction as posted, or as it was posted the first time (``replayed``)."""

    transaction: TransactionView
    replayed: bool = False


# -- rules ------------------------------------------------------------------------------


def set_rules(
    uow: UnitOfWork,
    *,
    actor: Actor,
    document: Mapping[str, Any],
    effective_from: date,
    note: str = "",
    now: datetime,
    proposal_id: int | None = None,
) -> RuleVersionView:
    """A new version of the split rules, in force from ``effective_from`` (UTC day)."""
    require_admin(actor.role)
    currency = actor.organization.currency
    rules = parse_rules(document, currency=currency)
    text = clean_text(note, field="note", required=False, limit=MAX_NOTE)
    uow.transactions.lock(actor.org_id)
    last = uow.transactions.last_split_day(actor.org_id)
    version = check_new_version(
        stored_versions(uow, actor),
        effective_from,
        last_posted=None if last is None else last.astimezone(UTC).date(),
    )
    row = RuleVersionRow(
        version=version,
        effective_from=effective_from,
        rules=json.dumps(rules_document(rules, decimals=currency.decimals), ensure_ascii=False),
        note=text,
        created_at=now,
        created_by=actor.member.id,
        proposal_id=proposal_id,
    )
    uow.transactions.add_rule_version(actor.org_id, row)
    uow.commit()
    return version_view(row)


# -- recording --------------------------------------------------------------------------


def _key(idempotency_key: str | None) -> str | None:
    if idempotency_key is None:
        return None
    key = idempotency_key.strip()
    refuse_control_characters(key, field="idempotency_key")
    if not key or len(key) > MAX_KEY:
        raise InvalidInput(
            "idempotency.bad_key",
            f"an Idempotency-Key is 1 to {MAX_KEY} characters",
            field="idempotency_key",
        )
    return key


def _hash(request: Mapping[str, Any]) -> str:
    text = json.dumps(request, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _unused(
    uow: UnitOfWork, actor: Actor, *, reference: str, key: str | None, digest: str
) -> Recorded | None:
    """None when neither the reference nor the key is taken; the stored answer when the key
    was used for this very request; otherwise why the request cannot be posted."""
    taken = uow.transactions.taken(actor.org_id, reference=reference, key=key)
    same_key = next((x for x in taken if key is not None and x.idempotency_key == key), None)
    if same_key is not None:
        if same_key.request_hash != digest:
            raise Conflict(
                "idempotency.key_reused",
                "this Idempotency-Key was already used for another request "
                f"(transaction '{same_key.reference[:80]}')",
                field="idempotency_key",
            )
        stored = uow.transactions.by_id(actor.org_id, same_key.id)
        assert stored is not None, "a row just found is still there under the lock"
        return Recorded(transaction_view(stored), replayed=True)
    if taken:
        raise Conflict(
            "transaction.duplicate_reference",
            f"a transaction with reference '{reference[:80]}' is already recorded",
            field="reference",
        )
    return None


def _member(uow: UnitOfWork, actor: Actor, name: str, *, field: str, code: str) -> int:
    """``member:<id>``, ``<id>`` or one of the member's aliases → the member's id."""
    text = name.strip()
    member_id = member_number(text)
    if member_id is None:
        member_id = uow.aliases.member_of(actor.org_id, text)
    if member_id is None or uow.community.member(actor.org_id, member_id) is None:
        raise InvalidInput(code, f"'{text[:80]}' is not a member of the organization", field=field)
    return member_id


def _tx_request(tx: TransactionInput) -> dict[str, Any]:
    return {
        "reference": tx.reference,
        "amount": tx.amount,
        "currency": tx.currency,
        "status": tx.status,
        "payee": tx.payee,
        "occurred_at": tx.occurred_at.astimezone(UTC).isoformat(),
        "kind": tx.kind,
        "payer": tx.payer,
        "parties": dict(sorted(tx.parties.items())),
        "refund_of": tx.refund_of,
    }


def record_transaction(
    uow: UnitOfWork,
    *,
    actor: Actor,
    tx: TransactionInput,
    now: datetime,
    idempotency_key: str | None = None,
) -> Recorded:
    """Post a transaction split by the rules in force on its day (or, with ``refund_of``
    and an amount — negative or not — a refund of the named transaction)."""
    require_admin(actor.role)
    checked = check_transaction(tx, currency=actor.organization.currency.code)
    key = _key(idempotency_key)
    if checked.refund_of is not None:
        return _refund(
            uow,
            actor=actor,
            of_reference=checked.refund_of,
            reference=checked.reference,
            amount=checked.amount,
            occurred_at=checked.occurred_at.astimezone(UTC),
            now=now,
            key=key,
            digest=_hash(_tx_request(checked)),
        )
    payee = _member(uow, actor, checked.payee, field="payee", code="transaction.unknown_payee")
    parties = {
        role: _member(uow, actor, who, field="parties", code="transaction.unknown_party")
        for role, who in checked.parties.items()
    }
    digest = _hash(_tx_request(checked))
    day = checked.occurred_at.astimezone(UTC).date()

    def split_by(versions: list[RuleVersion]) -> tuple[RuleVersion, Split]:
        chosen = in_force(versions, day)
        return chosen, split_transaction(
            chosen.rules,
            amount=checked.amount,
            status=checked.status,
            payee_account=chart.member_account(payee),
            parties={role: chart.member_account(m) for role, m in parties.items()},
        )

    # The split is computed before the lock, which is then held only for the writes. The
    # key and the reference are read under it, so a concurrent request with the same key
    # waits for this one to commit and then finds it; a rule version added meanwhile (the
    # lock tells the latest) makes the split be computed again.
    versions = stored_versions(uow, actor)
    chosen, split = split_by(versions)
    latest = uow.transactions.lock(actor.org_id)
    replayed = _unused(uow, actor, reference=checked.reference, key=key, digest=digest)
    if replayed is not None:
        return replayed
    if latest != max((v.version for v in versions), default=0):
        chosen, split = split_by(stored_versions(uow, actor))
    code = actor.organization.currency.code
    tx_id = uow.community.next_id(actor.org_id, "transaction")
    recorded = uow.ledger.append(
        actor.org_id,
        entry(
            occurred_at=checked.occurred_at.astimezone(UTC),
            cause=f"transaction:{tx_id}",
            memo=f"{checked.kind} {checked.reference}",
            postings=postings(split, code),
        ),
        now=now,
    )
    commission_line, amount_line = part_starts(line.part for line in split.lines)
    row = TransactionRow(
        id=tx_id,
        reference=checked.reference,
        kind=checked.kind,
        occurred_at=checked.occurred_at.astimezone(UTC),
        recorded_at=now,
        amount=checked.amount,
        currency=code,
        status=checked.status,
        payee_id=payee,
        payer=checked.payer,
        parties=parties_text(parties),
        rule_version=chosen.version,
        commission=split.commission,
        entry_seq=recorded.seq,
        commission_line=commission_line,
        amount_line=amount_line,
        refund_of=None,
        refund_of_reference=None,
        idempotency_key=key,
        request_hash=None if key is None else digest,
        import_id=None,
    )
    uow.transactions.add(actor.org_id, row)
    uow.commit()
    return Recorded(transaction_view(row))


# -- refunds ----------------------------------------------------------------------------


def refund(
    uow: UnitOfWork,
    *,
    actor: Actor,
    of_reference: str,
    reference: str,
    amount: int | None,
    now: datetime,
    occurred_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> Recorded:
    """Give back ``amount`` (everything left when None) of a transaction, taken from each of
    its lines in proportion to what they still hold."""
    require_admin(actor.role)
    of = clean_text(of_reference, field="refund_of", limit=MAX_REFERENCE)
    ref = clean_text(reference, field="reference", limit=MAX_REFERENCE)
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
        raise InvalidInput("amount.not_a_number", "amount is a number", field="amount")
    if occurred_at is not None and occurred_at.tzinfo is None:
        raise InvalidInput(
            "transaction.naive_time", "occurred_at needs a timezone (e.g. Z)", "occurred_at"
        )
    request = {
        "refund_of": of,
        "reference": ref,
        "amount": amount,
        "occurred_at": None if occurred_at is None else occurred_at.astimezone(UTC).isoformat(),
    }
    return _refund(
        uow,
        actor=actor,
        of_reference=of,
        reference=ref,
        amount=amount,
        occurred_at=(occurred_at or now).astimezone(UTC),
        now=now,
        key=_key(idempotency_key),
        digest=_hash(request),
    )


def _refund(
    uow: UnitOfWork,
    *,
    actor: Actor,
    of_reference: str,
    reference: str,
    amount: int | None,
    occurred_at: datetime,
    now: datetime,
    key: str | None,
    digest: str,
) -> Recorded:
    # What is left to refund is read under the lock: two refunds cannot both take it.
    uow.transactions.lock(actor.org_id)
    replayed = _unused(uow, actor, reference=reference, key=key, digest=digest)
    if replayed is not None:
        return replayed
    original = uow.transactions.by_reference(actor.org_id, of_reference)
    if original is None:
        raise NotFound(
            "transaction.not_found", f"no transaction '{of_reference[:80]}'", field="refund_of"
        )
    if original.refund_of is not None:
        raise InvalidInput(
            "refund.of_refund",
            f"'{of_reference[:80]}' is itself a refund; refund the original transaction",
            field="refund_of",
        )
    if occurred_at < original.occurred_at:
        raise InvalidInput(
            "refund.before_original",
            f"a refund cannot happen before the transaction it refunds "
            f"({original.occurred_at.isoformat()})",
            field="occurred_at",
        )
    posted = posted_lines(uow, actor.org_id, original)
    earlier = [
        line
        for row in uow.transactions.refunds_of(actor.org_id, original.id)
        for line in posted_lines(uow, actor.org_id, row)
    ]
    left = sum(line.amount for line in remaining(posted, earlier))
    wanted = left if amount is None else amount
    if amount is None and left == 0:
        raise InvalidInput(
            "refund.exceeds_paid",
            f"transaction '{of_reference[:80]}' is already refunded in full",
            field="amount",
            params={"amount": 0, "available": 0},
        )
    lines = refund_lines(posted, earlier, wanted)
    code = actor.organization.currency.code
    tx_id = uow.community.next_id(actor.org_id, "transaction")
    recorded = uow.ledger.append(
        actor.org_id,
        entry(
            occurred_at=occurred_at,
            cause=f"transaction:{tx_id}",
            memo=f"refund {reference}",
            postings=refund_postings(lines, code, cash_account=chart.BANK),
        ),
        now=now,
    )
    commission_line, amount_line = part_starts(line.part for line in lines)
    row = replace(
        original,
        id=tx_id,
        reference=reference,
        kind="refund",
        occurred_at=occurred_at,
        recorded_at=now,
        amount=wanted,
        commission=sum(line.amount for line in lines if line.part == "commission"),
        entry_seq=recorded.seq,
        commission_line=commission_line,
        amount_line=amount_line,
        refund_of=original.id,
        refund_of_reference=original.reference,
        idempotency_key=key,
        request_hash=None if key is None else digest,
        import_id=None,
    )
    uow.transactions.add(actor.org_id, row)
    uow.commit()
    return Recorded(transaction_view(row))
