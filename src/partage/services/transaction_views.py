"""Reading split rules and transactions: what a member of the organization sees.

Books are open inside the organization: every member, admin or observer reads every rule
version and every transaction with its lines (who was paid, what each destination got).
Nobody outside the organization sees anything (``acting`` refuses them before this).

A transaction's lines are read back from its ledger entry, not recomputed: the row's
``commission_line`` and ``amount_line`` say where each part starts among the postings, so
what is shown is exactly what was posted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from partage.core import chart
from partage.core.errors import InvalidInput, NotFound
from partage.core.splits.engine import Line, Part
from partage.core.splits.refunds import remaining
from partage.core.splits.rules import parse_rules
from partage.core.splits.versions import RuleVersion, in_force
from partage.services.context import Actor, UnitOfWork
from partage.services.transaction_import_check import entry_lines
from partage.storage.transactions_repo import RuleVersionRow, TransactionRow

MAX_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class RuleVersionView:
    version: int
    effective_from: date
    document: Mapping[str, Any]
    note: str
    created_at: datetime
    created_by: int | None
    proposal_id: int | None


@dataclass(frozen=True, slots=True)
class TransactionView:
    id: int
    reference: str
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    amount: int  # minor units, positive; for a refund, what it gives back
    currency: str
    status: str
    payee_id: int
    payer: str
    parties: Mapping[str, int]
    rule_version: int
    commission: int
    entry_seq: int
    refund_of: str | None  # the original's reference, for a refund
    import_id: int | None


@dataclass(frozen=True, slots=True)
class DetailLine:
    """One posting of the transaction's entry beyond the cash: a part, an account, an amount
    (positive, as credited — or, for a refund, as taken back) and words for it."""

    part: Part
    account: str
    amount: int
    label: str


@dataclass(frozen=True, slots=True)
class TransactionDetail:
    transaction: TransactionView
    lines: tuple[DetailLine, ...]
    refunds: tuple[TransactionView, ...]
    rules: RuleVersionView
    left_to_refund: int  # 0 for a refund itself


def version_view(row: RuleVersionRow) -> RuleVersionView:
    return RuleVersionView(
        version=row.version,
        effective_from=row.effective_from,
        document=json.loads(row.rules),
        note=row.note,
        created_at=row.created_at,
        created_by=row.created_by,
        proposal_id=row.proposal_id,
    )


def stored_versions(uow: UnitOfWork, actor: Actor) -> list[RuleVersion]:
    """The organization's versions as rule sets (each was valid when it was stored)."""
    currency = actor.organization.currency
    return [
        RuleVersion(
            row.version, row.effective_from, parse_rules(json.loads(row.rules), currency=currency)
        )
        for row in uow.transactions.rule_versions(actor.org_id)
    ]


def transaction_view(row: TransactionRow) -> TransactionView:
    parties = json.loads(row.parties) if row.parties else {}
    return TransactionView(
        id=row.id,
        reference=row.reference,
        kind=row.kind,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        amount=row.amount,
        currency=row.currency,
        status=row.status,
        payee_id=row.payee_id,
        payer=row.payer,
        parties={str(k): int(v) for k, v in parties.items()},
        rule_version=row.rule_version,
        commission=row.commission,
        entry_seq=row.entry_seq,
        refund_of=row.refund_of_reference,
        import_id=row.import_id,
    )


def posted_lines(uow: UnitOfWork, org_id: int, row: TransactionRow) -> list[Line]:
    """The lines of a transaction's (or a refund's) entry, positive, each with its part."""
    postings = uow.transactions.entry_lines(org_id, row.entry_seq)
    return entry_lines(
        postings, row.commission_line, row.amount_line, refund=row.refund_of is not None
    )


def rule_versions(uow: UnitOfWork, *, actor: Actor) -> list[RuleVersionView]:
    """Every version, oldest first."""
    return [version_view(row) for row in uow.transactions.rule_versions(actor.org_id)]


def rule_version(uow: UnitOfWork, *, actor: Actor, version: int) -> RuleVersionView:
    for row in uow.transactions.rule_versions(actor.org_id):
        if row.version == version:
            return version_view(row)
    raise NotFound("rules.version_not_found", f"no split rules version {version}", "version")


def rules_in_force(uow: UnitOfWork, *, actor: Actor, day: date) -> RuleVersionView:
    """The version that applies to a transaction of ``day`` (UTC)."""
    rows = uow.transactions.rule_versions(actor.org_id)
    chosen = in_force(stored_versions(uow, actor), day)
    return version_view(next(row for row in rows if row.version == chosen.version))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def transactions(
    uow: UnitOfWork,
    *,
    actor: Actor,
    since: date | None = None,
    until: date | None = None,
    member_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[TransactionView]:
    """Transactions and refunds, newest first, from ``since`` to ``until`` (UTC days, both
    included); with ``member_id``, those that pay that member or name them as a party."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("page.bad_limit", f"limit is between 1 and {MAX_LIMIT}", "limit")
    if offset < 0:
        raise InvalidInput("page.bad_offset", "offset is zero or more", "offset")
    if since is not None and until is not None and until < since:
        raise InvalidInput("period.reversed", "until comes before since", "until")
    rows = uow.transactions.listed(
        actor.org_id,
        since=None if since is None else _day_start(since),
        until=None if until is None else _day_start(until + timedelta(days=1)),
        member_id=member_id,
        limit=limit,
        offset=offset,
    )
    return [transaction_view(row) for row in rows]


def transaction(uow: UnitOfWork, *, actor: Actor, reference: str) -> TransactionDetail:
    """A transaction (or refund) with its lines, its refunds, its rules and what is left."""
    row = uow.transactions.by_reference(actor.org_id, reference.strip())
    if row is None:
        raise NotFound(
            "transaction.not_found", f"no transaction '{reference[:80]}'", field="reference"
        )
    return detail(uow, actor, row)


def detail(uow: UnitOfWork, actor: Actor, row: TransactionRow) -> TransactionDetail:
    lines = posted_lines(uow, actor.org_id, row)
    refund_rows = (
        [] if row.refund_of is not None else uow.transactions.refunds_of(actor.org_id, row.id)
    )
    left = 0
    if row.refund_of is None:
        taken = [line for r in refund_rows for line in posted_lines(uow, actor.org_id, r)]
        left = sum(line.amount for line in remaining(lines, taken))
    version = rule_version(uow, actor=actor, version=row.rule_version)
    names = {m.id: m.name for m in uow.community.members(actor.org_id)}
    labels = _labels(version.document)
    return TransactionDetail(
        transaction=transaction_view(row),
        lines=tuple(
            DetailLine(line.part, line.account, line.amount, _label(line, labels, names))
            for line in lines
        ),
        refunds=tuple(transaction_view(r) for r in refund_rows),
        rules=version,
        left_to_refund=left,
    )


def _labels(document: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """The labels the rules give their splits, by (base, destination as written)."""
    found: dict[tuple[str, str], str] = {}
    for item in document.get("splits", []):
        if item.get("label"):
            found.setdefault((item["of"], item["to"]), item["label"])
    return found


def _label(line: Line, labels: Mapping[tuple[str, str], str], names: Mapping[int, str]) -> str:
    member = chart.member_of_account(line.account)
    if line.part == "net":
        return f"paid to {names.get(member, line.account) if member else line.account}"
    destination = line.account.removeprefix("fund:")
    given = labels.get((line.part, destination))
    if given:
        return given
    if member is not None:
        return f"{line.part} share to {names.get(member, line.account)}"
    words = {"reserve": "impartible reserve", "operations": "operations", "commons": "commons fund"}
    name = words.get(destination, destination.replace(":", " "))
    return f"{line.part} share to {name}"
