"""The part of a bulk import that needs no database: each batch read, checked and split.

Guarantees:

* :class:`Checker` turns a batch of raw rows into a :class:`Checked`: the rows refused
  (with the codes of one transaction's checks, :mod:`transaction_import_rows`) and, for
  every other row, a :class:`Record` of plain values — for a sale, everything its entry and
  transaction row hold but their numbers, ids and hashes; for a refund, the row as read,
  since what it takes back depends on the books;
* records are plain values only (text, numbers, bytes, tuples), so that a second process
  can check the batches (:mod:`transaction_import_process`) and send them as they are;
* :func:`entry_parts` and :func:`entry_lines` are the one way an import makes an entry's
  postings from a transaction's lines, and reads its lines back from them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import BinaryIO, NamedTuple

import numpy as np

from partage.core import chart
from partage.core.currency import Currency
from partage.core.errors import DomainError
from partage.core.splits.batch import split_batch
from partage.core.splits.engine import Line, Part, part_starts
from partage.core.splits.transactions import parties_text
from partage.core.splits.versions import RuleVersion, in_force
from partage.services.transaction_import_entries import hash_tail
from partage.services.transaction_import_files import CountingReader, RawRow, read_rows
from partage.services.transaction_import_rows import PlainRows, Prepared, prepare


class Record(NamedTuple):
    """One row that passed its checks, as plain values (a refund's are filled in once its
    original is known: until then its parts from ``status`` on are empty)."""

    number: int
    reference: str
    refund_of: str | None
    kind: str
    occurred: str  # the time as the database is given it
    occurred_utc: str  # ISO 8601 in UTC, as the entry's hash takes it
    amount: int
    status: str
    payee_id: int
    payer: str
    parties: str
    version: int
    commission: int
    commission_line: int
    amount_line: int
    memo: str
    tail: bytes  # the entry's canonical JSON but its cause and number
    accounts: tuple[str, ...]  # the entry's postings, line by line
    amounts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RowError:
    """A refused row of the file: its number, the field at fault, the code and message."""

    row: int
    field: str
    code: str
    message: str


@dataclass(slots=True)
class Checked:
    """A batch read and checked: ``last`` is the number of its last row, ``read`` how many
    rows it holds, ``offset`` the bytes of the file read; ``records`` in file order."""

    last: int
    read: int
    records: list[Record]
    errors: dict[int, RowError]
    offset: int = 0


# Messages quote what a row held; control characters (a NUL above all, which PostgreSQL
# refuses in text) are shown as "?" in the stored report.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def error_row(number: int, error: DomainError) -> RowError:
    field = _CONTROL.sub("?", error.field or "")[:100]
    return RowError(number, field, error.code[:100], _CONTROL.sub("?", error.message))


@dataclass(frozen=True, slots=True)
class EntryParts:
    memo: str
    tail: bytes
    accounts: tuple[str, ...]
    amounts: tuple[int, ...]
    commission_line: int
    amount_line: int


def entry_parts(
    *,
    reference: str,
    kind: str,
    occurred_utc: str,
    amount: int,
    lines: list[tuple[Part, str, int]],
    currency: str,
    refund: bool,
) -> EntryParts:
    """A transaction's entry but its numbers: it debits the cash and credits its lines (each
    amount positive, in the entry's order); a refund the other way."""
    sign = 1 if refund else -1
    accounts = (chart.BANK, *(account for _, account, _ in lines))
    amounts = (-sign * amount, *(sign * value for _, _, value in lines))
    memo = f"{kind} {reference}"
    postings = [(a, value, currency) for a, value in zip(accounts, amounts, strict=True)]
    commission_line, amount_line = part_starts(part for part, _, _ in lines)
    return EntryParts(
        memo,
        hash_tail(memo, occurred_utc, postings),
        accounts,
        amounts,
        commission_line,
        amount_line,
    )


def entry_lines(
    postings: list[tuple[str, int]], commission_line: int, amount_line: int, *, refund: bool
) -> list[Line]:
    """The lines of a transaction's (or a refund's) entry, positive, each with its part:
    line 1 is the cash, then the net, the commission's lines and the amount's."""
    sign = 1 if refund else -1
    lines = []
    for number, (account, amount) in enumerate(postings[1:], start=2):
        part: Part = (
            "net"
            if number < commission_line
            else "commission"
            if number < amount_line
            else "amount"
        )
        lines.append(Line(part, account, sign * amount))
    return lines


@dataclass(frozen=True, slots=True)
class Setup:
    """What checking needs from the books, read once per import (it crosses to the second
    process pickled)."""

    currency: Currency
    members: set[int]
    aliases: Mapping[str, int]
    versions: list[RuleVersion]
    stamp: Callable[[datetime], str]


class Checker:
    """Checks the batches of one import, with what :class:`Setup` read from the books."""

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.code = setup.currency.code
        self.plain = PlainRows(
            currency=setup.currency, members=setup.members, aliases=setup.aliases
        )

    def check(self, raws: list[RawRow]) -> Checked:
        """Read, check and split one batch; nothing here touches the database."""
        setup = self.setup
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
                    prepare(
                        raw,
                        currency=setup.currency,
                        members=setup.members,
                        aliases=setup.aliases,
                    )
                )
            except DomainError as error:
                errors[raw.number] = error_row(raw.number, error)
        splits = self._split(prepared, errors)
        records = [self._record(p, splits) for p in prepared if p.number not in errors]
        return Checked(raws[-1].number, len(raws), records, errors)

    def _record(
        self, p: Prepared, splits: dict[int, tuple[int, int, list[tuple[Part, str, int]]]]
    ) -> Record:
        tx = p.tx
        occurred = self.setup.stamp(tx.occurred_at)
        utc_time = tx.occurred_at.astimezone(UTC).isoformat()
        if tx.refund_of is not None:
            return Record(
                p.number, tx.reference, tx.refund_of, tx.kind, occurred, utc_time, tx.amount,
                "", 0, "", "", 0, 0, 0, 0, "", b"", (), (),
            )  # fmt: skip
        version, commission, lines = splits[p.number]
        parts = entry_parts(
            reference=tx.reference,
            kind=tx.kind,
            occurred_utc=utc_time,
            amount=tx.amount,
            lines=lines,
            currency=self.code,
            refund=False,
        )
        return Record(
            p.number, tx.reference, None, tx.kind, occurred, utc_time, tx.amount, tx.status,
            p.payee_id, tx.payer, parties_text(p.parties), version, commission,
            parts.commission_line, parts.amount_line, parts.memo, parts.tail, parts.accounts,
            parts.amounts,
        )  # fmt: skip

    def _split(
        self, prepared: list[Prepared], errors: dict[int, RowError]
    ) -> dict[int, tuple[int, int, list[tuple[Part, str, int]]]]:
        """Row number → (rule version, commission, lines), the rows of each version split
        together; a row no version covers, or the rules refuse, goes to ``errors``."""
        by_version: dict[int, list[Prepared]] = {}
        chosen: dict[int, RuleVersion] = {}
        for p in prepared:
            if p.tx.refund_of is not None:
                continue
            try:
                version = in_force(self.setup.versions, p.day)
            except DomainError as error:
                errors[p.number] = error_row(p.number, error)
                continue
            chosen[version.version] = version
            by_version.setdefault(version.version, []).append(p)
        result: dict[int, tuple[int, int, list[tuple[Part, str, int]]]] = {}
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
                    errors[p.number] = error_row(p.number, failure)
                else:
                    result[p.number] = (number, commissions[i], split.lines[i])
        return result


def inline_batches(
    stream: BinaryIO, setup: Setup, *, format: str, skip: int, size: int
) -> Iterator[Checked]:
    """The batches of ``size`` rows of ``stream`` (after its first ``skip`` rows), each
    checked in turn, with the bytes read so far."""
    counter = CountingReader(stream)
    rows = read_rows(io.BufferedReader(counter), format=format, skip=skip)
    checker = Checker(setup)
    while chunk := list(islice(rows, size)):
        checked = checker.check(chunk)
        checked.offset = counter.count
        yield checked
