"""Bulk import of a platform's transactions: a file of rows, streamed, posted batch by batch.

Guarantees:

* only admins import; a file that cannot be read, or whose header is wrong, is refused
  before anything is written (``import.unreadable``, ``import.bad_header``);
* each row is checked as one transaction is (:func:`check_transaction`, the same codes);
  its payee and parties must be members; the rules applied are those in force on its UTC
  day; a reference already taken — by an earlier row of the file or by a transaction
  already recorded — is refused (``transaction.duplicate_reference``). A refused row is
  written to the import's error report (row, field, code, message) and the others go on;
* a row is never half-posted: each posted row is one balanced entry (cause
  ``transaction:<id>``, memo ``<kind> <reference>``) and its transaction row, split by
  :func:`split_batch`, which gives what the one-at-a-time path gives; a refund row takes
  back, in proportion, what its original's lines still hold, as
  :func:`services.transactions.refund` does — the original may be an earlier row of the
  same file;
* a batch commits whole: its entries, postings, transactions, errors, the ledger's head,
  the counters and the import's ``position`` (rows dealt with) together. A killed import
  leaves whole batches; importing the same file (same SHA-256) again resumes at
  ``position``; a file whose import is done is refused (``import.already_done``);
* ``dry_run`` reads, checks and splits every row exactly as a real run, then rolls back:
  nothing is written.
"""

from __future__ import annotations

import gc
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import BinaryIO

import numpy as np

from partage.core import chart
from partage.core.currency import Currency
from partage.core.errors import Conflict, DomainError, InvalidInput, NotFound
from partage.core.roles import require_admin
from partage.core.splits.batch import split_batch
from partage.core.splits.engine import Line, Part, part_starts
from partage.core.splits.refunds import refund_lines
from partage.core.splits.transactions import parties_text
from partage.core.splits.versions import RuleVersion, in_force
from partage.services.context import Actor, UnitOfWork, UnitOfWorkFactory
from partage.services.transaction_import_entries import chain, hash_tail
from partage.services.transaction_import_files import (
    CountingReader,
    RawRow,
    format_of,
    read_rows,
    sha256_of,
)
from partage.services.transaction_import_rows import PlainRows, Prepared, prepare
from partage.services.transaction_views import posted_lines, stored_versions
from partage.storage.transactions_bulk import Batch, ImportRow

DEFAULT_BATCH = 10_000
MAX_BATCH = 100_000
FIRST_ERRORS = 10
# Rows after which an import has the database read its tables' new size again.
ANALYZE_AFTER = 10_000
Progress = Callable[[int, int], None]  # (rows of the file dealt with, bytes read)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Where an import stands. ``rows`` counts the file's rows dealt with (posted or
    refused) so far; ``read`` those this run read; ``resumed_at`` the row it began after."""

    id: int | None
    file_name: str
    sha256: str
    format: str
    status: str  # running | done | dry_run
    rows: int
    posted: int
    failed: int
    read: int = 0
    resumed_at: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None


@dataclass(slots=True)
class _Ready:
    """What a posting row's entry and transaction row need that its number does not change:
    made while the batch before is written."""

    memo: str
    postings: list[tuple[str, int, str]]
    occurred: object  # the time as the database is given it
    tail: bytes  # the entry's canonical JSON but its cause and number
    commission_line: int
    amount_line: int


@dataclass(slots=True)
class _Posting:
    """A row that will post: what its entry and transaction row need."""

    row: Prepared
    kind: str
    status: str
    payee_id: int
    payer: str
    parties: str
    version: int
    commission: int
    lines: list[tuple[Part, str, int]]  # positive amounts, in the entry's order
    ready: _Ready
    refund_of: int | None = None  # the original's id, when it was posted before this batch
    refund_of_index: int | None = None  # its place in this batch, when it is in it


@dataclass(slots=True)
class _Original:
    """A transaction a later row may refund, as this batch knows it."""

    id: int | None
    index: int | None
    occurred_at: datetime
    status: str
    payee_id: int
    payer: str
    parties: str
    version: int
    lines: list[Line] | list[tuple[Part, str, int]]  # tuples until a refund reads them
    refunded: list[Line]


Splits = dict[int, tuple[int, int, list[tuple[Part, str, int]]]]


@dataclass(slots=True)
class _Checked:
    """A batch read, checked and split, ready to be written: ``last`` is the number of its
    last row, ``read`` how many rows it holds, ``offset`` the bytes of the file read."""

    last: int
    read: int
    prepared: list[Prepared]
    splits: Splits
    errors: dict[int, RowError]
    ready: dict[int, _Ready]
    offset: int = 0


# Messages quote what a row held; control characters (a NUL above all, which PostgreSQL
# refuses in text) are shown as "?" in the stored report.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _error(number: int, error: DomainError) -> RowError:
    field = _CONTROL.sub("?", error.field or "")[:100]
    return RowError(number, field, error.code[:100], _CONTROL.sub("?", error.message))


class _Importer:
    """One run over one file: what it loaded once, and the batch it is at."""

    def __init__(
        self, uow: UnitOfWork, actor: Actor, versions: list[RuleVersion], now: datetime
    ) -> None:
        self.uow = uow
        self.actor = actor
        self.org_id = actor.org_id
        self.currency: Currency = actor.organization.currency
        self.versions = versions
        self.now = now
        self.members = uow.transaction_imports.member_ids(self.org_id)
        self.aliases = uow.transaction_imports.aliases(self.org_id)
        self.stamp = uow.transaction_imports.stamp
        self.plain = PlainRows(currency=self.currency, members=self.members, aliases=self.aliases)

    def check(self, raws: list[RawRow]) -> _Checked:
        """Read, check and split one batch, and make what its rows need that does not depend
        on their numbers; nothing here touches the database."""
        errors: dict[int, RowError] = {}
        prepared: list[Prepared] = []
        take = self.plain.take
        for raw in raws:
            plain = take(raw)
            if plain is not None:
                prepared.append(plain)
                continue
            try:
                prepared.append(
                    prepare(raw, currency=self.currency, members=self.members, aliases=self.aliases)
                )
            except DomainError as error:
                errors[raw.number] = _error(raw.number, error)
        splits = self._split(prepared, errors)
        ready = {
            p.number: self._ready(p, p.tx.kind, splits[p.number][2], refund=False)
            for p in prepared
            if p.number in splits
        }
        return _Checked(raws[-1].number, len(raws), prepared, splits, errors, ready)

    def batch(self, checked: _Checked, import_id: int, *, after: int) -> tuple[int, list[RowError]]:
        """Write one checked batch, the rows after row ``after``; (rows posted, row errors)."""
        prepared, splits, errors = checked.prepared, checked.splits, checked.errors
        repo = self.uow.transaction_imports
        head_seq, head_hash = repo.lock_head(self.org_id)
        # Under the lock: another run of the same file that moved on since means two runs
        # at once; the later one stops rather than post the rows twice.
        current = repo.get(self.org_id, import_id)
        if current is None or current.position != after:
            raise Conflict(
                "import.concurrent",
                f"import #{import_id} is being run by another process; wait for it to end",
                field="file",
            )
        taken = repo.taken_references(self.org_id, [p.tx.reference for p in prepared])
        postings = self._decide(prepared, splits, checked.ready, taken, errors)
        ids = list(repo.reserve(self.org_id, "transaction", len(postings)))
        causes = [f"transaction:{tx_id}" for tx_id in ids]
        hashes = chain(head_hash, head_seq + 1, causes, [p.ready.tail for p in postings])
        batch = self._rows(postings, ids, causes, hashes, head_seq, head_hash, import_id)
        batch.errors.extend(
            (self.org_id, import_id, e.row, e.field, e.code, e.message)
            for e in sorted(errors.values(), key=lambda e: e.row)
        )
        last = (head_seq + len(postings), hashes[-1] if hashes else head_hash)
        repo.write(self.org_id, batch, head=last)
        return len(postings), sorted(errors.values(), key=lambda e: e.row)

    def _split(self, prepared: list[Prepared], errors: dict[int, RowError]) -> Splits:
        """Row number → (rule version, commission, lines), the rows of each version split
        together; a row no version covers, or the rules refuse, goes to ``errors``."""
        by_version: dict[int, list[Prepared]] = {}
        chosen: dict[int, RuleVersion] = {}
        for p in prepared:
            if p.tx.refund_of is not None:
                continue
            try:
                version = in_force(self.versions, p.day)
            except DomainError as error:
                errors[p.number] = _error(p.number, error)
                continue
            chosen[version.version] = version
            by_version.setdefault(version.version, []).append(p)
        result: Splits = {}
        for number, rows in by_version.items():
            split = split_batch(
                chosen[number].rules,
                amounts=np.fromiter((p.tx.amount for p in rows), dtype=np.int64, count=len(rows)),
                statuses=[p.tx.status for p in rows],
                payees=[chart.member_account(p.payee_id) for p in rows],
                parties=[
                    {role: chart.member_account(m) for role, m in p.parties.items()} for p in rows
                ],
            )
            commissions: list[int] = split.commissions.tolist()
            for i, p in enumerate(rows):
                failure = split.errors.get(i)
                if failure is not None:
                    errors[p.number] = _error(p.number, failure)
                else:
                    result[p.number] = (number, commissions[i], split.lines[i])
        return result

    def _decide(
        self,
        prepared: list[Prepared],
        splits: Splits,
        ready: dict[int, _Ready],
        taken: set[str],
        errors: dict[int, RowError],
    ) -> list[_Posting]:
        """The rows that post, in file order: duplicates and bad refunds refused."""
        postings: list[_Posting] = []
        originals: dict[str, _Original] = {}
        used: set[str] = set(taken)
        refunds: set[str] = set()  # references of this batch's refunds
        for p in prepared:
            if p.number in errors:
                continue
            reference = p.tx.reference
            if reference in used:
                errors[p.number] = RowError(
                    p.number,
                    "reference",
                    "transaction.duplicate_reference",
                    f"a transaction with reference '{reference[:80]}' is already recorded",
                )
                continue
            if p.tx.refund_of is not None:
                try:
                    posting = self._refund(p, originals, refunds)
                except DomainError as error:
                    errors[p.number] = _error(p.number, error)
                    continue
                refunds.add(reference)
            else:
                version, commission, lines = splits[p.number]
                posting = _Posting(
                    row=p,
                    kind=p.tx.kind,
                    status=p.tx.status,
                    payee_id=p.payee_id,
                    payer=p.tx.payer,
                    parties=parties_text(p.parties),
                    version=version,
                    commission=commission,
                    lines=lines,
                    ready=ready[p.number],
                )
                originals[reference] = _Original(
                    id=None,
                    index=len(postings),
                    occurred_at=p.tx.occurred_at,
                    status=posting.status,
                    payee_id=posting.payee_id,
                    payer=posting.payer,
                    parties=posting.parties,
                    version=version,
                    lines=lines,
                    refunded=[],
                )
            used.add(reference)
            postings.append(posting)
        return postings

    def _refund(self, p: Prepared, originals: dict[str, _Original], refunds: set[str]) -> _Posting:
        """A refund row: what its original's lines still hold, taken back in proportion."""
        of = p.tx.refund_of
        assert of is not None
        if of in refunds:
            raise InvalidInput(
                "refund.of_refund",
                f"'{of[:80]}' is itself a refund; refund the original transaction",
                field="refund_of",
            )
        original = originals.get(of) or self._posted_original(of)
        if original is None:
            raise NotFound("transaction.not_found", f"no transaction '{of[:80]}'", "refund_of")
        if p.tx.occurred_at < original.occurred_at:
            raise InvalidInput(
                "refund.before_original",
                "a refund cannot happen before the transaction it refunds "
                f"({original.occurred_at.isoformat()})",
                field="occurred_at",
            )
        posted = [x if isinstance(x, Line) else Line(*x) for x in original.lines]
        taken = refund_lines(posted, original.refunded, p.tx.amount)
        original.refunded.extend(taken)
        lines: list[tuple[Part, str, int]] = [(x.part, x.account, x.amount) for x in taken]
        originals[of] = original
        kind = "refund"
        return _Posting(
            row=p,
            kind=kind,
            status=original.status,
            payee_id=original.payee_id,
            payer=original.payer,
            parties=original.parties,
            version=original.version,
            commission=sum(x.amount for x in taken if x.part == "commission"),
            lines=lines,
            ready=self._ready(p, kind, lines, refund=True),
            refund_of=original.id,
            refund_of_index=original.index,
        )

    def _posted_original(self, reference: str) -> _Original | None:
        """An original written before this batch, with what its refunds already took."""
        found = self.uow.transactions.by_reference(self.org_id, reference)
        if found is None:
            return None
        if found.refund_of is not None:
            raise InvalidInput(
                "refund.of_refund",
                f"'{reference[:80]}' is itself a refund; refund the original transaction",
                field="refund_of",
            )
        refunded = [
            line
            for row in self.uow.transactions.refunds_of(self.org_id, found.id)
            for line in posted_lines(self.uow, self.org_id, row)
        ]
        return _Original(
            id=found.id,
            index=None,
            occurred_at=found.occurred_at,
            status=found.status,
            payee_id=found.payee_id,
            payer=found.payer,
            parties=found.parties,
            version=found.rule_version,
            lines=posted_lines(self.uow, self.org_id, found),
            refunded=refunded,
        )

    def _ready(
        self, p: Prepared, kind: str, lines: list[tuple[Part, str, int]], *, refund: bool
    ) -> _Ready:
        code = self.currency.code
        tx = p.tx
        # A transaction credits its lines and debits the cash; a refund the other way.
        if refund:
            postings = [(chart.BANK, -tx.amount, code)]
            postings += [(account, amount, code) for _, account, amount in lines]
        else:
            postings = [(chart.BANK, tx.amount, code)]
            postings += [(account, -amount, code) for _, account, amount in lines]
        memo = f"{kind} {tx.reference}"
        utc_time = tx.occurred_at.astimezone(UTC).isoformat()
        commission_line, amount_line = part_starts(part for part, _, _ in lines)
        return _Ready(
            memo,
            postings,
            self.stamp(tx.occurred_at),
            hash_tail(memo, utc_time, postings),
            commission_line,
            amount_line,
        )

    def _rows(
        self,
        postings: list[_Posting],
        ids: list[int],
        causes: list[str],
        hashes: list[str],
        head_seq: int,
        head_hash: str,
        import_id: int,
    ) -> Batch:
        org, code = self.org_id, self.currency.code
        now = self.stamp(self.now)
        batch = Batch(entries=[], postings=[], transactions=[], errors=[])
        entries, lines, transactions = batch.entries, batch.postings, batch.transactions
        prev = head_hash
        seq = head_seq
        for p, tx_id, cause, digest in zip(postings, ids, causes, hashes, strict=True):
            seq += 1
            ready = p.ready
            occurred = ready.occurred
            entries.append((org, seq, occurred, now, cause, ready.memo, None, prev, digest))
            lines.extend(
                (org, seq, line, account, currency, amount)
                for line, (account, amount, currency) in enumerate(ready.postings, start=1)
            )
            refund_of = p.refund_of if p.refund_of_index is None else ids[p.refund_of_index]
            tx = p.row.tx
            transactions.append(
                (
                    org,
                    tx_id,
                    tx.reference,
                    p.kind,
                    occurred,
                    now,
                    tx.amount,
                    code,
                    p.status,
                    p.payee_id,
                    p.payer,
                    p.parties,
                    p.version,
                    p.commission,
                    seq,
                    ready.commission_line,
                    ready.amount_line,
                    refund_of,
                    None,
                    None,
                    import_id,
                )
            )
            prev = digest
        return batch


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """A batch allocates millions of small objects, none in a cycle: the collector's full
    passes over them cost a quarter of an import's time and free nothing. Reference
    counting frees each batch once it is written."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _checked_batches(
    rows: Iterator[RawRow], size: int, importer: _Importer, counter: CountingReader
) -> Iterator[_Checked]:
    """The file's batches, each read, checked and split before it is written.

    Checking the next batch in a worker thread while this one is written was measured
    (docs/value-flows.md, "Performance"): no gain on two cores, the interpreter's lock being
    taken back and forth with SQLite's and psycopg's row binding, so it is done in turn."""
    while chunk := list(islice(rows, size)):
        checked = importer.check(chunk)
        checked.offset = counter.count
        yield checked


def _refuse_done(found: ImportRow) -> None:
    raise Conflict(
        "import.already_done",
        f"this file was already imported in full: import #{found.id} "
        f"({found.posted} posted, {found.failed} refused)",
        field="file",
        params={"import": found.id},
    )


def import_transactions(
    uow: UnitOfWorkFactory,
    *,
    actor: Actor,
    stream: BinaryIO,
    file_name: str,
    format: str | None = None,
    dry_run: bool = False,
    batch: int = DEFAULT_BATCH,
    now: datetime,
    progress: Progress | None = None,
    on_start: Callable[[ImportReport], None] | None = None,
    on_errors: Callable[[list[RowError]], None] | None = None,
) -> ImportReport:
    """Import the rows of ``stream``: each batch of ``batch`` rows commits on its own.

    ``on_start`` is told, before the first batch, which import runs and where it starts
    (``resumed_at`` > 0 when it resumes); ``progress`` and ``on_errors`` (the batch's
    refused rows) after each batch."""
    require_admin(actor.role)
    if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= MAX_BATCH:
        raise InvalidInput(
            "import.bad_batch", f"batch is a number of rows from 1 to {MAX_BATCH}", field="batch"
        )
    fmt = format_of(file_name, format)
    digest = sha256_of(stream)
    name = file_name[-500:]
    with uow() as u, _without_cycle_collection():
        u.transaction_imports.prepare_bulk()
        found = None if dry_run else u.transaction_imports.of_file(actor.org_id, digest)
        if found is not None and found.status == "done":
            _refuse_done(found)
        start = found.position if found is not None else 0
        counter = CountingReader(stream)
        rows = read_rows(io.BufferedReader(counter), format=fmt, skip=start)
        current = found or u.transaction_imports.start(
            actor.org_id, file_name=name, sha256=digest, format=fmt, by=actor.member.id, now=now
        )
        if not dry_run:
            u.commit()
        if on_start is not None:
            on_start(_report(current, dry_run=dry_run, resumed_at=start))
        importer = _Importer(u, actor, stored_versions(u, actor), now)
        position, posted, failed = current.position, current.posted, current.failed
        read = 0
        for checked in _checked_batches(rows, batch, importer, counter):
            done, errors = importer.batch(checked, current.id, after=position)
            read += checked.read
            position = checked.last
            posted += done
            failed += len(errors)
            u.transaction_imports.advance(
                actor.org_id,
                current.id,
                position=position,
                posted=posted,
                failed=failed,
                finished_at=None,
            )
            if not dry_run:
                u.commit()
            if on_errors is not None and errors:
                on_errors(errors)
            if progress is not None:
                progress(position, checked.offset)
        u.transaction_imports.advance(
            actor.org_id,
            current.id,
            position=position,
            posted=posted,
            failed=failed,
            finished_at=now,
        )
        if not dry_run and read >= ANALYZE_AFTER:
            u.transaction_imports.refresh_statistics()
        final = u.transaction_imports.get(actor.org_id, current.id)
        assert final is not None
        stored = u.transaction_imports.errors(actor.org_id, current.id, limit=FIRST_ERRORS)
        count = u.transaction_imports.error_count(actor.org_id, current.id)
        if not dry_run:
            u.commit()
    report = _report(final, dry_run=dry_run, resumed_at=start, read=read)
    shown = [RowError(e.row, e.field, e.code, e.message) for e in stored]
    return _with_errors(report, shown, count)


def _report(
    row: ImportRow, *, dry_run: bool = False, resumed_at: int = 0, read: int = 0
) -> ImportReport:
    return ImportReport(
        id=None if dry_run else row.id,
        file_name=row.file_name,
        sha256=row.file_sha256,
        format=row.format,
        status="dry_run" if dry_run else row.status,
        rows=row.position,
        posted=row.posted,
        failed=row.failed,
        read=read,
        resumed_at=resumed_at,
        dry_run=dry_run,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def _with_errors(report: ImportReport, errors: list[RowError], count: int) -> ImportReport:
    return ImportReport(
        **{
            **{f: getattr(report, f) for f in report.__dataclass_fields__},
            "errors": errors,
            "error_count": count,
        }
    )


def import_report(
    uow: UnitOfWork, *, actor: Actor, import_id: int, limit: int = 100, offset: int = 0
) -> ImportReport:
    """An import's report with a page of its row errors (``limit`` from ``offset``)."""
    require_admin(actor.role)
    found = uow.transaction_imports.get(actor.org_id, import_id)
    if found is None:
        raise NotFound("import.not_found", f"no import #{import_id}", field="import")
    limit = max(1, min(limit, 1000))
    errors = uow.transaction_imports.errors(
        actor.org_id, import_id, limit=limit, offset=max(0, offset)
    )
    return _with_errors(
        _report(found),
        [RowError(e.row, e.field, e.code, e.message) for e in errors],
        uow.transaction_imports.error_count(actor.org_id, import_id),
    )


def all_errors(uow: UnitOfWork, *, actor: Actor, import_id: int) -> Iterator[RowError]:
    """Every row error of an import, in row order (for a CSV report)."""
    require_admin(actor.role)
    offset = 0
    while page := uow.transaction_imports.errors(
        actor.org_id, import_id, limit=10_000, offset=offset
    ):
        yield from (RowError(e.row, e.field, e.code, e.message) for e in page)
        offset += len(page)
