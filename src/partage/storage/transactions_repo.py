"""Split rule versions, transactions and refunds, one at a time (the API's and the CLI's path).

Bulk imports write through :mod:`partage.storage.transactions_bulk` instead.

``lock`` takes the organization's row ``FOR UPDATE`` on PostgreSQL; on SQLite a writing unit
of work already holds the database's write lock from its first statement (``BEGIN
IMMEDIATE``). Whatever is read after it — an idempotency key, a reference, what a
transaction has left to refund — cannot change until the unit of work ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, and_, func, insert, or_, select
from sqlalchemy.sql.elements import ColumnElement

from partage.storage import tables as t

_T = t.transactions.c


@dataclass(frozen=True, slots=True)
class RuleVersionRow:
    version: int
    effective_from: date
    rules: str  # the document, JSON
    note: str
    created_at: datetime
    created_by: int | None
    proposal_id: int | None


@dataclass(frozen=True, slots=True)
class TransactionRow:
    id: int
    reference: str
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    amount: int
    currency: str
    status: str
    payee_id: int
    payer: str
    parties: str  # JSON role → member id, "" when none
    rule_version: int
    commission: int
    entry_seq: int
    commission_line: int
    amount_line: int
    refund_of: int | None
    refund_of_reference: str | None
    idempotency_key: str | None
    request_hash: str | None
    import_id: int | None


@dataclass(frozen=True, slots=True)
class Taken:
    """What a new transaction's reference or idempotency key runs into."""

    id: int
    reference: str
    idempotency_key: str | None
    request_hash: str | None


class TransactionRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock(self, org_id: int) -> int:
        """Hold the organization's row until the unit of work ends (see the module's note);
        the number of the latest split rule version, read in the same statement (0 if none)."""
        c = t.split_rule_versions.c
        latest = (
            select(func.coalesce(func.max(c.version), 0))
            .where(c.organization_id == org_id)
            .scalar_subquery()
        )
        found = self.conn.execute(
            select(latest)
            .select_from(t.organizations)
            .where(t.organizations.c.id == org_id)
            .with_for_update(of=t.organizations)
        ).scalar()
        return int(found or 0)

    # -- rule versions ------------------------------------------------------------------
    def rule_versions(self, org_id: int) -> list[RuleVersionRow]:
        c = t.split_rule_versions.c
        rows = self.conn.execute(
            select(t.split_rule_versions).where(c.organization_id == org_id).order_by(c.version)
        ).all()
        return [
            RuleVersionRow(
                version=int(r.version),
                effective_from=r.effective_from,
                rules=r.rules,
                note=r.note,
                created_at=r.created_at,
                created_by=None if r.created_by is None else int(r.created_by),
                proposal_id=None if r.proposal_id is None else int(r.proposal_id),
            )
            for r in rows
        ]

    def add_rule_version(self, org_id: int, row: RuleVersionRow) -> None:
        self.conn.execute(
            insert(t.split_rule_versions).values(
                organization_id=org_id,
                version=row.version,
                effective_from=row.effective_from,
                rules=row.rules,
                note=row.note,
                created_at=row.created_at,
                created_by=row.created_by,
                proposal_id=row.proposal_id,
            )
        )

    def last_split_day(self, org_id: int) -> datetime | None:
        """When the latest transaction split by the rules (not a refund) occurred."""
        found = self.conn.execute(
            select(func.max(_T.occurred_at)).where(
                _T.organization_id == org_id, _T.refund_of.is_(None)
            )
        ).scalar()
        return found

    # -- transactions -------------------------------------------------------------------
    def add(self, org_id: int, row: TransactionRow) -> None:
        self.conn.execute(
            insert(t.transactions).values(
                organization_id=org_id,
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
                parties=row.parties,
                rule_version=row.rule_version,
                commission=row.commission,
                entry_seq=row.entry_seq,
                commission_line=row.commission_line,
                amount_line=row.amount_line,
                refund_of=row.refund_of,
                idempotency_key=row.idempotency_key,
                request_hash=row.request_hash,
                import_id=row.import_id,
            )
        )

    def by_reference(self, org_id: int, reference: str) -> TransactionRow | None:
        found = self._select(org_id, _T.reference == reference, limit=1)
        return found[0] if found else None

    def taken(self, org_id: int, *, reference: str, key: str | None) -> list[Taken]:
        """The transactions that already hold this reference or this idempotency key."""
        match = _T.reference == reference
        if key is not None:
            match = or_(match, _T.idempotency_key == key)
        rows = self.conn.execute(
            select(_T.id, _T.reference, _T.idempotency_key, _T.request_hash).where(
                _T.organization_id == org_id, match
            )
        ).all()
        return [Taken(int(r.id), r.reference, r.idempotency_key, r.request_hash) for r in rows]

    def by_id(self, org_id: int, transaction_id: int) -> TransactionRow | None:
        found = self._select(org_id, _T.id == transaction_id, limit=1)
        return found[0] if found else None

    def refunds_of(self, org_id: int, transaction_id: int) -> list[TransactionRow]:
        return self._select(org_id, _T.refund_of == transaction_id)

    def listed(
        self,
        org_id: int,
        *,
        since: datetime | None,
        until: datetime | None,
        member_id: int | None,
        limit: int,
        offset: int,
    ) -> list[TransactionRow]:
        """Newest first; ``until`` is exclusive. A member's are those that pay them or name
        them as a party (``parties`` is JSON role → id, so ``:7,`` or ``: 7}`` finds member 7)."""
        conditions: list[ColumnElement[bool]] = []
        if since is not None:
            conditions.append(_T.occurred_at >= since)
        if until is not None:
            conditions.append(_T.occurred_at < until)
        if member_id is not None:
            conditions.append(
                or_(
                    _T.payee_id == member_id,
                    *(
                        _T.parties.contains(f":{space}{member_id}{end}")
                        for space in ("", " ")
                        for end in (",", "}")
                    ),
                )
            )
        return self._select(org_id, *conditions, limit=limit, offset=offset, newest_first=True)

    def count(self, org_id: int) -> int:
        return int(
            self.conn.execute(
                select(func.count()).select_from(t.transactions).where(_T.organization_id == org_id)
            ).scalar_one()
        )

    def entry_lines(self, org_id: int, entry_seq: int) -> list[tuple[str, int]]:
        """The postings of a transaction's entry, in line order: (account, amount)."""
        p = t.ledger_postings.c
        rows = self.conn.execute(
            select(p.account, p.amount)
            .where(p.organization_id == org_id, p.entry_seq == entry_seq)
            .order_by(p.line)
        ).all()
        return [(r.account, int(r.amount)) for r in rows]

    def _select(
        self,
        org_id: int,
        *conditions: ColumnElement[bool],
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[TransactionRow]:
        original = t.transactions.alias("original")
        query = (
            select(t.transactions, original.c.reference.label("refund_of_reference"))
            .select_from(
                t.transactions.outerjoin(
                    original,
                    and_(
                        original.c.organization_id == _T.organization_id,
                        original.c.id == _T.refund_of,
                    ),
                )
            )
            .where(_T.organization_id == org_id, *conditions)
        )
        if newest_first:
            query = query.order_by(_T.occurred_at.desc(), _T.id.desc())
        else:
            query = query.order_by(_T.id)
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        return [_row(r) for r in self.conn.execute(query)]


def _row(r: object) -> TransactionRow:
    g = r._mapping  # type: ignore[attr-defined]
    return TransactionRow(
        id=int(g["id"]),
        reference=g["reference"],
        kind=g["kind"],
        occurred_at=g["occurred_at"],
        recorded_at=g["recorded_at"],
        amount=int(g["amount"]),
        currency=g["currency"],
        status=g["status"],
        payee_id=int(g["payee_id"]),
        payer=g["payer"],
        parties=g["parties"],
        rule_version=int(g["rule_version"]),
        commission=int(g["commission"]),
        entry_seq=int(g["entry_seq"]),
        commission_line=int(g["commission_line"]),
        amount_line=int(g["amount_line"]),
        refund_of=None if g["refund_of"] is None else int(g["refund_of"]),
        refund_of_reference=g["refund_of_reference"],
        idempotency_key=g["idempotency_key"],
        request_hash=g["request_hash"],
        import_id=None if g["import_id"] is None else int(g["import_id"]),
    )
