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
  nothing is written;
* a large file's rows are read, checked and split in a second process
  (:mod:`transaction_import_check`) while the batch before is written; the rows written
  are the same as when they are checked inline, and the process is stopped when the
  import stops, whatever stops it.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from partage.core.errors import Conflict, DomainError, InvalidInput, NotFound
from partage.core.roles import require_admin
from partage.core.splits.engine import Line
from partage.core.splits.refunds import refund_lines
from partage.services.context import Actor, UnitOfWork, UnitOfWorkFactory
from partage.services.transaction_import_check import (
    Checked,
    Record,
    RowError,
    Setup,
    entry_lines,
    entry_parts,
    error_row,
)
from partage.services.transaction_import_entries import chain
from partage.services.transaction_import_files import (
    CountingReader,
    format_of,
    read_rows,
    sha256_of,
)
from partage.services.transaction_import_process import PROCESS_FROM_BYTES, checked_batches
from partage.services.transaction_views import posted_lines, stored_versions
from partage.storage.transactions_bulk import Batch, ImportRow

__all__ = ["ImportReport", "RowError", "all_errors", "import_report", "import_transactions"]

DEFAULT_BATCH = 10_000
MAX_BATCH = 100_000
FIRST_ERRORS = 10
# Rows after which an import has the database read its tables' new size again.
ANALYZE_AFTER = 10_000
Progress = Callable[[int, int], None]  # (rows of the file dealt with, bytes read)


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
    lines: list[Line]
    refunded: list[Line]


@dataclass(slots=True)
class _Decided:
    """The rows of a batch that post, in file order, and where each refund's original is:
    its id when it was posted before this batch, its place in ``records`` when it is in it."""

    records: list[Record]
    refund_of: dict[int, tuple[int | None, int | None]]


class _Importer:
    """One run over one file: what it loaded once, and the batch it is at."""

    def __init__(self, uow: UnitOfWork, actor: Actor, setup: Setup, now: datetime) -> None:
        self.uow = uow
        self.org_id = actor.org_id
        self.code = actor.organization.currency.code
        self.now = now
        self.stamp = setup.stamp

    def batch(self, checked: Checked, import_id: int, *, after: int) -> tuple[int, list[RowError]]:
        """Write one checked batch, the rows after row ``after``; (rows posted, row errors)."""
        errors = checked.errors
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
        taken = repo.taken_references(self.org_id, [r.reference for r in checked.records])
        decided = self._decide(checked.records, taken, errors)
        records = decided.records
        ids = list(repo.reserve(self.org_id, "transaction", len(records)))
        causes = [f"transaction:{tx_id}" for tx_id in ids]
        hashes = chain(head_hash, head_seq + 1, causes, [r.tail for r in records])
        batch = self._rows(decided, ids, causes, hashes, head_seq, head_hash, import_id)
        refused = sorted(errors.values(), key=lambda e: e.row)
        batch.errors.extend(
            (self.org_id, import_id, e.row, e.field, e.code, e.message) for e in refused
        )
        last = (head_seq + len(records), hashes[-1] if hashes else head_hash)
        repo.write(self.org_id, batch, head=last)
        return len(records), refused

    def _decide(
        self, records: list[Record], taken: set[str], errors: dict[int, RowError]
    ) -> _Decided:
        """The rows that post, in file order: duplicates and bad refunds refused."""
        decided = _Decided([], {})
        posting = decided.records
        placed: dict[str, int] = {}  # this batch's sales a refund may take back from
        originals: dict[str, _Original] = {}
        used: set[str] = set(taken)
        refunds: set[str] = set()  # references of this batch's refunds
        for record in records:
            reference = record.reference
            if reference in used:
                errors[record.number] = RowError(
                    record.number,
                    "reference",
                    "transaction.duplicate_reference",
                    f"a transaction with reference '{reference[:80]}' is already recorded",
                )
                continue
            if record.refund_of is not None:
                try:
                    original = self._original(record.refund_of, posting, placed, originals, refunds)
                    refund = self._refund(record, original)
                except DomainError as error:
                    errors[record.number] = error_row(record.number, error)
                    continue
                decided.refund_of[len(posting)] = (original.id, original.index)
                refunds.add(reference)
                posting.append(refund)
            else:
                placed[reference] = len(posting)
                posting.append(record)
            used.add(reference)
        return decided

    def _original(
        self,
        of: str,
        posting: list[Record],
        placed: dict[str, int],
        originals: dict[str, _Original],
        refunds: set[str],
    ) -> _Original:
        """The transaction a refund row names, with what earlier refunds already took."""
        if of in refunds:
            raise InvalidInput(
                "refund.of_refund",
                f"'{of[:80]}' is itself a refund; refund the original transaction",
                field="refund_of",
            )
        original = originals.get(of)
        if original is None and of in placed:
            original = _in_batch(posting[placed[of]], placed[of])
        elif original is None:
            original = self._posted_original(of)
        if original is None:
            raise NotFound("transaction.not_found", f"no transaction '{of[:80]}'", "refund_of")
        originals[of] = original
        return original

    def _refund(self, record: Record, original: _Original) -> Record:
        """A refund row: what its original's lines still hold, taken back in proportion."""
        if datetime.fromisoformat(record.occurred_utc) < original.occurred_at:
            raise InvalidInput(
                "refund.before_original",
                "a refund cannot happen before the transaction it refunds "
                f"({original.occurred_at.isoformat()})",
                field="occurred_at",
            )
        taken = refund_lines(original.lines, original.refunded, record.amount)
        original.refunded.extend(taken)
        kind = "refund"
        parts = entry_parts(
            reference=record.reference,
            kind=kind,
            occurred_utc=record.occurred_utc,
            amount=record.amount,
            lines=[(x.part, x.account, x.amount) for x in taken],
            currency=self.code,
            refund=True,
        )
        return record._replace(
            kind=kind,
            status=original.status,
            payee_id=original.payee_id,
            payer=original.payer,
            parties=original.parties,
            version=original.version,
            commission=sum(x.amount for x in taken if x.part == "commission"),
            commission_line=parts.commission_line,
            amount_line=parts.amount_line,
            memo=parts.memo,
            tail=parts.tail,
            accounts=parts.accounts,
            amounts=parts.amounts,
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

    def _rows(
        self,
        decided: _Decided,
        ids: list[int],
        causes: list[str],
        hashes: list[str],
        head_seq: int,
        head_hash: str,
        import_id: int,
    ) -> Batch:
        org, code = self.org_id, self.code
        now = self.stamp(self.now)
        batch = Batch(entries=[], postings=[], transactions=[], errors=[])
        entries, lines, transactions = batch.entries, batch.postings, batch.transactions
        links = decided.refund_of
        prev = head_hash
        seq = head_seq
        for index, (r, tx_id, cause, digest) in enumerate(
            zip(decided.records, ids, causes, hashes, strict=True)
        ):
            seq += 1
            occurred = r.occurred
            entries.append((org, seq, occurred, now, cause, r.memo, None, prev, digest))
            lines.extend(
                (org, seq, line, account, code, amount)
                for line, (account, amount) in enumerate(
                    zip(r.accounts, r.amounts, strict=True), start=1
                )
            )
            refund_of = None
            if index in links:
                known, place = links[index]
                refund_of = known if place is None else ids[place]
            transactions.append(
                (
                    org, tx_id, r.reference, r.kind, occurred, now, r.amount, code, r.status,
                    r.payee_id, r.payer, r.parties, r.version, r.commission, seq,
                    r.commission_line, r.amount_line, refund_of, None, None, import_id,
                )
            )  # fmt: skip
            prev = digest
        return batch


def _in_batch(record: Record, index: int) -> _Original:
    """A sale of this batch as the original of a later refund row in it."""
    return _Original(
        id=None,
        index=index,
        occurred_at=datetime.fromisoformat(record.occurred_utc),
        status=record.status,
        payee_id=record.payee_id,
        payer=record.payer,
        parties=record.parties,
        version=record.version,
        lines=entry_lines(
            list(zip(record.accounts, record.amounts, strict=True)),
            record.commission_line,
            record.amount_line,
            refund=False,
        ),
        refunded=[],
    )


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


def _size(stream: BinaryIO) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


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
    check_in_process: bool | None = None,
) -> ImportReport:
    """Import the rows of ``stream``: each batch of ``batch`` rows commits on its own.

    Each batch is checked while the one before is written, in a second process, when
    ``check_in_process`` says so or, left ``None``, when the file holds at least
    ``PROCESS_FROM_BYTES``; either way the same rows are written.

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
        read_rows(io.BufferedReader(CountingReader(stream)), format=fmt)  # checks the header
        stream.seek(0)
        current = found or u.transaction_imports.start(
            actor.org_id, file_name=name, sha256=digest, format=fmt, by=actor.member.id, now=now
        )
        if not dry_run:
            u.commit()
        if on_start is not None:
            on_start(_report(current, dry_run=dry_run, resumed_at=start))
        setup = Setup(
            currency=actor.organization.currency,
            members=u.transaction_imports.member_ids(actor.org_id),
            aliases=u.transaction_imports.aliases(actor.org_id),
            versions=stored_versions(u, actor),
            stamp=u.transaction_imports.stamp,
        )
        importer = _Importer(u, actor, setup, now)
        position, posted, failed = current.position, current.posted, current.failed
        read = 0

        def advance(finished_at: datetime | None) -> None:
            u.transaction_imports.advance(
                actor.org_id,
                current.id,
                position=position,
                posted=posted,
                failed=failed,
                finished_at=finished_at,
            )

        if check_in_process is None:
            check_in_process = _size(stream) >= PROCESS_FROM_BYTES
        with closing(
            checked_batches(
                stream, setup, format=fmt, skip=start, size=batch, in_process=check_in_process
            )
        ) as batches:
            for checked in batches:
                done, errors = importer.batch(checked, current.id, after=position)
                read += checked.read
                position = checked.last
                posted += done
                failed += len(errors)
                advance(finished_at=None)
                if not dry_run:
                    u.commit()
                if on_errors is not None and errors:
                    on_errors(errors)
                if progress is not None:
                    progress(position, checked.offset)
        advance(finished_at=now)
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
