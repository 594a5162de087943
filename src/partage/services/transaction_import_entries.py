"""The ledger rows of an imported batch, as plain tuples, chained by hash.

:func:`chain` computes each entry's hash exactly as :func:`partage.core.ledger.entry_hash`
does — SHA-256 over the previous hash and the entry's canonical JSON (sorted keys, compact
separators, text as UTF-8) — but over plain values, serialised by orjson, without building
an :class:`Entry` per row: a test holds the two equal on the same entries.

Times are hashed in UTC, as the database gives them back, so that ``partage ledger check``
recomputes the same hash from the stored row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson


@dataclass(slots=True)  # not frozen: one per row, built a million times
class PlainEntry:
    """An entry's fields as the hash reads them; ``postings`` as [account, amount, currency]."""

    occurred_at: datetime
    cause: str
    memo: str
    postings: list[tuple[str, int, str]]


def plain_hash(prev_hash: str, seq: int, item: PlainEntry) -> str:
    # Keys in sorted order, as core.ledger.canonical sorts them: orjson keeps insertion order.
    body = orjson.dumps(
        {
            "cause": item.cause,
            "memo": item.memo,
            "occurred_at": item.occurred_at.astimezone(UTC).isoformat(),
            "postings": item.postings,
            "reverses": None,
            "seq": seq,
        }
    )
    return hashlib.sha256(prev_hash.encode() + body).hexdigest()


def chain(prev_hash: str, first_seq: int, entries: Sequence[PlainEntry]) -> list[str]:
    """The hash of each entry, numbered from ``first_seq`` after the entry ``prev_hash``."""
    hashes = []
    for offset, item in enumerate(entries):
        prev_hash = plain_hash(prev_hash, first_seq + offset, item)
        hashes.append(prev_hash)
    return hashes
