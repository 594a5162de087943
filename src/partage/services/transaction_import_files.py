"""Reading a platform's export, streaming: CSV or JSON lines, a batch of rows at a time.

The file is never loaded whole: rows are read as they are needed, ``batch`` at a time, and
an import that resumes skips the rows already dealt with without keeping them.

CSV: a header line naming the columns. Required: ``reference``, ``occurred_at``,
``amount``, ``status``, ``payee``; optional: ``currency``, ``payer``, ``kind``,
``refund_of`` and any number of ``party:<role>`` columns. Any other column, a missing
required one, or a repeated one is refused before any row is read (``import.bad_header``).
JSON lines: one object per line with the same keys, ``parties`` an object (role → member).

Rows are numbered from 1, the first row after the header (CSV) or the first line (JSON
lines); blank lines of a JSON-lines file are counted, so that a row's number is its line.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, BinaryIO

import orjson

from partage.core.errors import InvalidInput

REQUIRED = ("reference", "occurred_at", "amount", "status", "payee")
OPTIONAL = ("currency", "payer", "kind", "refund_of")
JSON_KEYS = frozenset((*REQUIRED, *OPTIONAL, "parties"))
PARTY_PREFIX = "party:"
FORMATS = ("csv", "jsonl")


@dataclass(slots=True)  # not frozen: one per row, built a million times
class RawRow:
    """One row as read: its number in the file, and its fields (text, or JSON values), or
    why it could not be read at all."""

    number: int
    fields: dict[str, Any]
    unreadable: InvalidInput | None = None


def sha256_of(stream: BinaryIO) -> str:
    """The file's digest, read in blocks; the stream is left at its start.

    The same pass checks that the file is UTF-8 text, so that a file that is not is
    refused before any row is written (``import.unreadable``)."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    stream.seek(0)
    try:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
            decoder.decode(block)
            offset += len(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        where = offset + error.start
        raise _unreadable(f"it is not UTF-8 text ({error.reason} near byte {where})") from None
    stream.seek(0)
    return digest.hexdigest()


def format_of(name: str, given: str | None) -> str:
    """``given`` when set, else from the file's extension (``.jsonl``/``.ndjson`` → jsonl)."""
    if given is not None:
        if given not in FORMATS:
            raise InvalidInput(
                "import.bad_format", f"format is csv or jsonl, not '{given[:20]}'", "format"
            )
        return given
    lowered = name.lower()
    return "jsonl" if lowered.endswith((".jsonl", ".ndjson", ".json")) else "csv"


class CountingReader(io.RawIOBase):
    """A binary stream that counts the bytes read through it (for a progress bar)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


def _unreadable(detail: str) -> InvalidInput:
    return InvalidInput("import.unreadable", f"the file cannot be read: {detail}", field="file")


def _check_header(header: list[str]) -> list[str]:
    names = [name.strip() for name in header]
    if names and names[0].startswith("\ufeff"):
        names[0] = names[0][1:]
    allowed = set(REQUIRED) | set(OPTIONAL)
    unknown = [n for n in names if n not in allowed and not _is_party(n)]
    missing = [n for n in REQUIRED if n not in names]
    repeated = sorted({n for n in names if names.count(n) > 1})
    problems = []
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s): {', '.join(u[:40] for u in unknown[:5])}")
    if repeated:
        problems.append(f"repeated column(s): {', '.join(repeated[:5])}")
    if problems:
        raise InvalidInput(
            "import.bad_header",
            "the header line is wrong: "
            + "; ".join(problems)
            + f" (columns: {', '.join(REQUIRED)}, optionally {', '.join(OPTIONAL)} and "
            "party:<role>)",
            field="file",
        )
    return names


def _is_party(name: str) -> bool:
    role = name.removeprefix(PARTY_PREFIX)
    return name.startswith(PARTY_PREFIX) and bool(role) and role == role.strip()


def read_rows(stream: IO[bytes], *, format: str, skip: int = 0) -> Iterator[RawRow]:
    """Every row after the first ``skip``. The header is checked now, before any row is
    read, so that a wrong header is refused before anything is written."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    if format == "jsonl":
        return _json_rows(text, skip)
    reader = csv.reader(text)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise _unreadable(f"broken CSV ({error})") from None
    if header is None:
        raise InvalidInput("import.bad_header", "the file is empty: no header line", field="file")
    return _csv_rows(reader, _check_header(header), skip)


def _csv_rows(reader: Iterator[list[str]], names: list[str], skip: int) -> Iterator[RawRow]:
    width = len(names)
    parties = [(i, n.removeprefix(PARTY_PREFIX)) for i, n in enumerate(names) if _is_party(n)]
    plain = [(i, n) for i, n in enumerate(names) if not _is_party(n)]
    number = 0
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as error:
            raise _unreadable(f"broken CSV after row {number} ({error})") from None
        if cells is None:
            return
        number += 1
        if number <= skip or not cells:
            continue
        if len(cells) != width:
            yield RawRow(
                number,
                {},
                InvalidInput(
                    "import.bad_row",
                    f"row has {len(cells)} cell(s) where the header names {width}",
                    field="row",
                ),
            )
            continue
        fields: dict[str, Any] = {name: cells[i] for i, name in plain}
        if parties:
            fields["parties"] = {role: cells[i] for i, role in parties if cells[i].strip()}
        yield RawRow(number, fields)


def _json_rows(text: IO[str], skip: int) -> Iterator[RawRow]:
    for number, line in enumerate(text, start=1):
        if number <= skip or not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            yield RawRow(number, {}, InvalidInput("import.bad_row", f"not JSON: {error}", "row"))
            continue
        if not isinstance(value, dict):
            yield RawRow(
                number, {}, InvalidInput("import.bad_row", "each line is a JSON object", "row")
            )
            continue
        extra = sorted(set(value) - JSON_KEYS)
        if extra:
            yield RawRow(
                number,
                {},
                InvalidInput(
                    "import.bad_row",
                    f"unknown key(s): {', '.join(str(k)[:40] for k in extra[:5])}",
                    field=str(extra[0])[:100],
                ),
            )
            continue
        yield RawRow(number, value)
