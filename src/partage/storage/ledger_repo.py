"""The journal: append an entry under the organization's lock, read it back, sum balances.

Appending takes the organization row ``FOR UPDATE`` (PostgreSQL) or the database write lock
(SQLite, ``BEGIN IMMEDIATE``), reads the head of the hash chain, and writes the entry with
the next number and its hash. The entry is checked for balance by the core type before, and
by PostgreSQL's statement guard when its postings are written: all of them in one statement,
whatever their number, as the guard requires.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, except_, func, insert, select, text, update

from partage.core.errors import NotFound
from partage.core.ledger import Entry, Posting, RecordedEntry, entry_hash, imbalance
from partage.storage import tables as t


class LedgerRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def append(self, org_id: int, item: Entry, *, now: datetime) -> RecordedEntry:
        why = imbalance(item.postings)
        assert why is None, why
        head = self.conn.execute(
            select(t.organizations.c.ledger_seq, t.organizations.c.ledger_head)
            .where(t.organizations.c.id == org_id)
            .with_for_update()
        ).first()
        if head is None:
            raise NotFound("organization.unknown", "no such organization")
        seq = int(head.ledger_seq) + 1
        digest = entry_hash(head.ledger_head, seq, item)
        self.conn.execute(
            insert(t.ledger_entries).values(
                organization_id=org_id,
                seq=seq,
                occurred_at=item.occurred_at,
                recorded_at=now,
                cause=item.cause,
                memo=item.memo,
                reverses=item.reverses,
                prev_hash=head.ledger_head,
                hash=digest,
            )
        )
        self._postings(org_id, seq, item)
        self.conn.execute(
            update(t.organizations)
            .where(t.organizations.c.id == org_id)
            .values(ledger_seq=seq, ledger_head=digest)
        )
        return RecordedEntry(seq=seq, entry=item, prev_hash=head.ledger_head, hash=digest)

    def _postings(self, org_id: int, seq: int, item: Entry) -> None:
        """The entry's postings in one statement (PostgreSQL's guard wants them together;
        an executemany could split a large entry over several)."""
        lines = range(1, len(item.postings) + 1)
        if self.conn.dialect.name == "postgresql":
            self.conn.execute(
                text(
                    "INSERT INTO ledger_postings (organization_id, entry_seq, line, account,"
                    " currency, amount) SELECT :org, :seq, line, account, currency, amount"
                    " FROM unnest(CAST(:lines AS integer[]), CAST(:accounts AS text[]),"
                    " CAST(:currencies AS text[]), CAST(:amounts AS bigint[]))"
                    " AS p(line, account, currency, amount)"
                ),
                {
                    "org": org_id,
                    "seq": seq,
                    "lines": list(lines),
                    "accounts": [p.account for p in item.postings],
                    "currencies": [p.currency for p in item.postings],
                    "amounts": [p.amount for p in item.postings],
                },
            )
            return
        self.conn.execute(
            insert(t.ledger_postings),
            [
                {
                    "organization_id": org_id,
                    "entry_seq": seq,
                    "line": line,
                    "account": p.account,
                    "currency": p.currency,
                    "amount": p.amount,
                }
                for line, p in zip(lines, item.postings, strict=True)
            ],
        )

    def stray_postings(self, org_id: int, *, limit: int = 10) -> list[int]:
        """Entry numbers that postings name but no entry has (nothing should ever write
        them: the guard refuses them on PostgreSQL; on SQLite, ``ledger check`` reports them)."""
        e, p = t.ledger_entries.c, t.ledger_postings.c
        # A set difference, not ``NOT EXISTS``: right after a bulk import PostgreSQL's
        # statistics still describe the tables before it, and an anti-join planned on them
        # ran as a nested loop (600,000 postings × 100,000 entries: stopped after 16
        # minutes). ``EXCEPT`` is a hash or a sort, linear whatever the statistics say.
        missing = (
            except_(
                select(p.entry_seq.label("seq")).where(p.organization_id == org_id),
                select(e.seq.label("seq")).where(e.organization_id == org_id),
            )
            .order_by("seq")
            .limit(limit)
        )
        return [int(seq) for seq in self.conn.execute(missing).scalars()]

    def lock(self, org_id: int) -> None:
        """Take the organization's ledger lock (its row, ``FOR UPDATE``) before reading what
        a write depends on; SQLite's write transactions are serialized already."""
        self.conn.execute(
            select(t.organizations.c.id).where(t.organizations.c.id == org_id).with_for_update()
        )

    def size(self, org_id: int) -> tuple[int, int]:
        """(how many entries, the highest number): equal when the numbering has no gap."""
        e = t.ledger_entries.c
        row = self.conn.execute(
            select(func.count(), func.coalesce(func.max(e.seq), 0)).where(
                e.organization_id == org_id
            )
        ).one()
        return int(row[0]), int(row[1])

    def entry(self, org_id: int, seq: int) -> RecordedEntry | None:
        found = self._entries(org_id, select_by=t.ledger_entries.c.seq == seq)
        return found[0] if found else None

    def latest(self, org_id: int, count: int, highest: int) -> list[RecordedEntry]:
        """The ``count`` entries numbered up to ``highest`` (the newest, as :meth:`size`
        gives it), in order, read by number (a page of a million)."""
        if count <= 0 or highest <= 0:
            return []
        first = max(1, highest - count + 1)
        return self._entries(org_id, select_by=t.ledger_entries.c.seq.between(first, highest))

    def reversal_of(self, org_id: int, seq: int) -> int | None:
        """The number of the entry that reverses entry ``seq``, if one does."""
        e = t.ledger_entries.c
        found = self.conn.execute(
            select(e.seq).where(e.organization_id == org_id, e.reverses == seq).limit(1)
        ).scalar()
        return None if found is None else int(found)

    def _entries(self, org_id: int, *, select_by: Any) -> list[RecordedEntry]:
        e = t.ledger_entries.c
        entries = self.conn.execute(
            select(t.ledger_entries).where(e.organization_id == org_id, select_by).order_by(e.seq)
        ).all()
        return self._with_postings(org_id, entries)

    def _with_postings(
        self, org_id: int, entries: Sequence[Any], *, scattered: bool = False
    ) -> list[RecordedEntry]:
        """``entries`` (rows, in order) with their postings, read raw — a broken entry is
        shown, not refused — over the numbers they span, or, ``scattered`` (a filtered
        journal), for their numbers alone."""
        if not entries:
            return []
        p = t.ledger_postings.c
        which = (
            p.entry_seq.in_([e.seq for e in entries])
            if scattered
            else p.entry_seq.between(entries[0].seq, entries[-1].seq)
        )
        postings: dict[int, list[Posting]] = defaultdict(list)
        for row in self.conn.execute(
            select(p.entry_seq, p.account, p.amount, p.currency)
            .where(p.organization_id == org_id, which)
            .order_by(p.entry_seq, p.line)
        ):
            postings[row.entry_seq].append(_raw_posting(row.account, row.amount, row.currency))
        return [_recorded(row, postings[row.seq]) for row in entries]

    def journal(
        self,
        org_id: int,
        *,
        cause_prefix: str | None = None,
        account_prefix: str | None = None,
        cause: str | None = None,
        after: int = 0,
        limit: int | None = None,
    ) -> list[RecordedEntry]:
        """Entries in order, those numbered after ``after``, at most ``limit`` of them. The
        postings are read raw: a broken entry is shown, not refused."""
        query = select(t.ledger_entries).where(
            t.ledger_entries.c.organization_id == org_id, t.ledger_entries.c.seq > after
        )
        if limit is not None:
            query = query.limit(limit)
        if cause is not None:
            query = query.where(t.ledger_entries.c.cause == cause)
        if cause_prefix:
            query = query.where(t.ledger_entries.c.cause.startswith(cause_prefix))
        if account_prefix:
            seqs = select(t.ledger_postings.c.entry_seq).where(
                t.ledger_postings.c.organization_id == org_id,
                t.ledger_postings.c.account.startswith(account_prefix),
            )
            query = query.where(t.ledger_entries.c.seq.in_(seqs))
        entries = self.conn.execute(query.order_by(t.ledger_entries.c.seq)).all()
        filtered = cause is not None or bool(cause_prefix) or bool(account_prefix)
        return self._with_postings(org_id, entries, scattered=filtered)

    def journal_pages(self, org_id: int, *, page: int = 5_000) -> Iterator[RecordedEntry]:
        """Every entry in order, read ``page`` entries at a time, so that checking a million
        entries holds one page in memory, not the whole journal."""
        after = 0
        while entries := self.journal(org_id, after=after, limit=page):
            yield from entries
            after = entries[-1].seq

    def balances(self, org_id: int, *, prefix: str | None = None) -> dict[tuple[str, str], int]:
        """Debit sums per (account, currency), computed by the database."""
        p = t.ledger_postings.c
        query = (
            select(p.account, p.currency, func.sum(p.amount))
            .where(p.organization_id == org_id)
            .group_by(p.account, p.currency)
        )
        if prefix:
            query = query.where(p.account.startswith(prefix))
        return {(r[0], r[1]): int(r[2]) for r in self.conn.execute(query)}

    def entries_for_cause(self, org_id: int, cause: str) -> list[RecordedEntry]:
        return self.journal(org_id, cause=cause)


def _recorded(row: Any, postings: list[Posting]) -> RecordedEntry:
    return RecordedEntry(
        seq=row.seq,
        entry=_raw_entry(row.occurred_at, row.cause, row.memo, tuple(postings), row.reverses),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def _raw_posting(account: str, amount: int, currency: str) -> Posting:
    # Bypass validation so that a zero or malformed stored posting is reported by the check.
    posting = object.__new__(Posting)
    object.__setattr__(posting, "account", account)
    object.__setattr__(posting, "amount", int(amount))
    object.__setattr__(posting, "currency", currency)
    return posting


def _raw_entry(
    occurred_at: datetime,
    cause: str,
    memo: str,
    postings: tuple[Posting, ...],
    reverses: int | None,
) -> Entry:
    item = object.__new__(Entry)
    object.__setattr__(item, "occurred_at", occurred_at)
    object.__setattr__(item, "cause", cause)
    object.__setattr__(item, "memo", memo)
    object.__setattr__(item, "postings", postings)
    object.__setattr__(item, "reverses", reverses)
    return item
