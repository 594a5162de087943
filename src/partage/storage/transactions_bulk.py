"""Bulk imports of transactions: many rows, their entries and postings, in few statements.

A batch is written in the caller's database transaction with the fastest path each
database offers — SQLite: the DBAPI cursor's ``executemany``; PostgreSQL: ``COPY … FROM
STDIN`` through psycopg 3 — inside the transaction SQLAlchemy opened, so that the batch,
the organization's new ledger head, the counters and the import's ``position`` commit
together or not at all.

Reading is set-based too: the members and aliases of an organization once per import, the
references of a batch already taken in one query.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ARRAY, Connection, String, cast, column, func, insert, select, update

from partage.core.errors import NotFound
from partage.storage import tables as t

_I = t.transaction_imports.c
_E = t.transaction_import_errors.c
_T = t.transactions.c

ENTRY_COLUMNS = (
    "organization_id",
    "seq",
    "occurred_at",
    "recorded_at",
    "cause",
    "memo",
    "reverses",
    "prev_hash",
    "hash",
)
POSTING_COLUMNS = ("organization_id", "entry_seq", "line", "account", "currency", "amount")
TRANSACTION_COLUMNS = (
    "organization_id",
    "id",
    "reference",
    "kind",
    "occurred_at",
    "recorded_at",
    "amount",
    "currency",
    "status",
    "payee_id",
    "payer",
    "parties",
    "rule_version",
    "commission",
    "entry_seq",
    "commission_line",
    "amount_line",
    "refund_of",
    "idempotency_key",
    "request_hash",
    "import_id",
)
ERROR_COLUMNS = ("organization_id", "import_id", "row", "field", "code", "message")


@dataclass(frozen=True, slots=True)
class ImportRow:
    id: int
    file_name: str
    file_sha256: str
    format: str
    status: str
    position: int
    posted: int
    failed: int
    started_at: datetime
    finished_at: datetime | None
    started_by: int | None


@dataclass(frozen=True, slots=True)
class ImportErrorRow:
    row: int
    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Batch:
    """Rows ready to insert, as plain tuples in the column orders above."""

    entries: list[tuple[Any, ...]]
    postings: list[tuple[Any, ...]]
    transactions: list[tuple[Any, ...]]
    errors: list[tuple[Any, ...]]


def _import(r: Any) -> ImportRow:
    return ImportRow(
        id=int(r.id),
        file_name=r.file_name,
        file_sha256=r.file_sha256,
        format=r.format,
        status=r.status,
        position=int(r.position),
        posted=int(r.posted),
        failed=int(r.failed),
        started_at=r.started_at,
        finished_at=r.finished_at,
        started_by=None if r.started_by is None else int(r.started_by),
    )


def sqlite_stamp(moment: datetime) -> str:
    """A time as SQLAlchemy's SQLite dialect stores it (naive UTC text), read back equal."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def postgres_stamp(moment: datetime) -> str:
    """A time as PostgreSQL's COPY reads it (ISO 8601 with its offset): text crosses
    between processes as it is, and COPY parses it faster than psycopg formats a datetime."""
    return moment.isoformat()


class TransactionImportRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @property
    def is_postgresql(self) -> bool:
        return self.conn.dialect.name == "postgresql"

    @property
    def stamp(self) -> Callable[[datetime], str]:
        """How a batch's times are written: ISO 8601 text with its offset for PostgreSQL's
        COPY, the text SQLAlchemy would write for SQLite."""
        return postgres_stamp if self.is_postgresql else sqlite_stamp

    def prepare_bulk(self) -> None:
        """SQLite: a page cache large enough for the indexes a million rows grow (128 MiB
        on this connection only; the default 2 MiB makes every insert read pages back)."""
        if not self.is_postgresql:
            self.conn.exec_driver_sql("PRAGMA cache_size = -131072")

    def refresh_statistics(self) -> None:
        """PostgreSQL: read the new size of the tables a bulk import grew, so that the next
        queries are planned on it rather than on what autovacuum last saw (a check planned
        on the statistics of an empty journal ran as a nested loop over the whole import)."""
        if self.is_postgresql:
            self.conn.exec_driver_sql("ANALYZE ledger_entries, ledger_postings, transactions")

    # -- imports ------------------------------------------------------------------------
    def reserve(self, org_id: int, kind: str, count: int) -> range:
        """``count`` new numbers of ``kind`` (transaction, transaction_import), one update."""
        if count == 0:
            return range(0)
        last = self.conn.execute(
            update(t.counters)
            .where(t.counters.c.organization_id == org_id, t.counters.c.kind == kind)
            .values(value=t.counters.c.value + count)
            .returning(t.counters.c.value)
        ).scalar_one()
        return range(int(last) - count + 1, int(last) + 1)

    def start(
        self, org_id: int, *, file_name: str, sha256: str, format: str, by: int, now: datetime
    ) -> ImportRow:
        (number,) = self.reserve(org_id, "transaction_import", 1)
        self.conn.execute(
            insert(t.transaction_imports).values(
                organization_id=org_id,
                id=number,
                file_name=file_name,
                file_sha256=sha256,
                format=format,
                status="running",
                position=0,
                posted=0,
                failed=0,
                started_at=now,
                finished_at=None,
                started_by=by,
            )
        )
        found = self.get(org_id, number)
        assert found is not None
        return found

    def get(self, org_id: int, import_id: int) -> ImportRow | None:
        row = self.conn.execute(
            select(t.transaction_imports).where(_I.organization_id == org_id, _I.id == import_id)
        ).first()
        return None if row is None else _import(row)

    def of_file(self, org_id: int, sha256: str) -> ImportRow | None:
        """The latest import of the file with this digest."""
        row = self.conn.execute(
            select(t.transaction_imports)
            .where(_I.organization_id == org_id, _I.file_sha256 == sha256)
            .order_by(_I.id.desc())
            .limit(1)
        ).first()
        return None if row is None else _import(row)

    def advance(
        self,
        org_id: int,
        import_id: int,
        *,
        position: int,
        posted: int,
        failed: int,
        finished_at: datetime | None,
    ) -> None:
        """Record where the import stands; ``finished_at`` marks it done."""
        values: dict[str, Any] = {"position": position, "posted": posted, "failed": failed}
        if finished_at is not None:
            values.update(status="done", finished_at=finished_at)
        done = self.conn.execute(
            update(t.transaction_imports)
            .where(_I.organization_id == org_id, _I.id == import_id)
            .values(**values)
        )
        if done.rowcount != 1:
            raise NotFound("import.not_found", f"no import #{import_id}", field="import")

    def errors(
        self, org_id: int, import_id: int, *, limit: int | None = None, offset: int = 0
    ) -> list[ImportErrorRow]:
        query = (
            select(_E.row, _E.field, _E.code, _E.message)
            .where(_E.organization_id == org_id, _E.import_id == import_id)
            .order_by(_E.row)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        return [
            ImportErrorRow(int(r.row), r.field, r.code, r.message) for r in self.conn.execute(query)
        ]

    def error_count(self, org_id: int, import_id: int) -> int:
        return int(
            self.conn.execute(
                select(func.count())
                .select_from(t.transaction_import_errors)
                .where(_E.organization_id == org_id, _E.import_id == import_id)
            ).scalar_one()
        )

    # -- what an import reads once ------------------------------------------------------
    def member_ids(self, org_id: int) -> set[int]:
        rows = self.conn.execute(
            select(t.members.c.id).where(t.members.c.organization_id == org_id)
        ).scalars()
        return {int(r) for r in rows}

    def aliases(self, org_id: int) -> dict[str, int]:
        rows = self.conn.execute(
            select(t.member_aliases.c.alias, t.member_aliases.c.member_id).where(
                t.member_aliases.c.organization_id == org_id
            )
        ).all()
        return {r.alias: int(r.member_id) for r in rows}

    def taken_references(self, org_id: int, references: Sequence[str]) -> set[str]:
        """Which of ``references`` the organization's transactions already use."""
        if self.is_postgresql:
            # One array parameter: a statement that does not grow with the batch, planned as
            # one probe of the reference index per element.
            rows = self.conn.execute(
                select(_T.reference).where(
                    _T.organization_id == org_id,
                    _T.reference == func.any(cast(list(references), ARRAY(String))),
                )
            ).scalars()
            return set(rows)
        # SQLite: one JSON array parameter too (``json_each``), searched in the reference
        # index; naming each reference in ``IN (…)`` cost more to compile than to run.
        rows = self.conn.execute(
            select(_T.reference).where(
                _T.organization_id == org_id,
                _T.reference.in_(
                    select(column("value")).select_from(
                        func.json_each(json.dumps(list(references)))
                    )
                ),
            )
        ).scalars()
        return set(rows)

    # -- writing a batch ----------------------------------------------------------------
    def lock_head(self, org_id: int) -> tuple[int, str]:
        """Take the organization's ledger lock; its last entry's number and hash."""
        head = self.conn.execute(
            select(t.organizations.c.ledger_seq, t.organizations.c.ledger_head)
            .where(t.organizations.c.id == org_id)
            .with_for_update()
        ).first()
        if head is None:
            raise NotFound("organization.unknown", "no such organization")
        return int(head.ledger_seq), head.ledger_head

    def write(self, org_id: int, batch: Batch, *, head: tuple[int, str]) -> None:
        """Insert the batch's rows and move the ledger head to ``head`` (seq, hash)."""
        self._insert("ledger_entries", ENTRY_COLUMNS, batch.entries)
        self._insert("ledger_postings", POSTING_COLUMNS, batch.postings)
        self._insert("transactions", TRANSACTION_COLUMNS, batch.transactions)
        self._insert("transaction_import_errors", ERROR_COLUMNS, batch.errors)
        if batch.entries:
            self.conn.execute(
                update(t.organizations)
                .where(t.organizations.c.id == org_id)
                .values(ledger_seq=head[0], ledger_head=head[1])
            )

    def _insert(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[tuple[Any, ...]],
    ) -> None:
        """Rows whose times are already as :attr:`stamp` writes them."""
        if not rows:
            return
        # The DBAPI connection SQLAlchemy's transaction already runs on: the rows commit,
        # or roll back, with everything else the unit of work wrote.
        raw: Any = self.conn.connection.dbapi_connection
        names = ", ".join(columns)
        if self.is_postgresql:
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" * len(columns))
        cursor = raw.cursor()
        try:
            # Table and column names are this module's constants, never input.
            statement = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(statement, rows)
        finally:
            cursor.close()
