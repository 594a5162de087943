"""The ledger rows of an imported batch, as plain values, chained by hash.

:func:`chain` computes each entry's hash exactly as :func:`partage.core.ledger.entry_hash`
does — SHA-256 over the previous hash and the entry's canonical JSON (sorted keys, compact
separators, text as UTF-8) — but over plain values, without building an :class:`Entry` per
row: a test holds the two equal on the same entries.

The canonical JSON is written in two parts: :func:`hash_tail`, everything but the entry's
cause and number, which only depend on the row and are made when its batch is checked,
before the ledger's lock is taken; and, once the batch's numbers are known, the cause and
the number around it (:func:`chain`). Keys sort as ``cause`` < ``memo`` < ``occurred_at``
< ``postings`` < ``reverses`` < ``seq``, so the parts join in that order.

Times are hashed in UTC, as the database gives them back, so that ``partage ledger check``
recomputes the same hash from the stored row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import orjson


def hash_tail(memo: str, utc_time: str, postings: list[tuple[str, int, str]]) -> bytes:
    """The canonical JSON of an entry from its memo up to its number (``utc_time`` is the
    UTC ISO 8601 text of when it occurred)."""
    return b"".join(
        (
            b',"memo":',
            orjson.dumps(memo),
            b',"occurred_at":',
            orjson.dumps(utc_time),
            b',"postings":',
            orjson.dumps(postings),
            b',"reverses":null,"seq":',
        )
    )


def _digest(prev_hash: str, cause: str, tail: bytes, seq: int) -> str:
    body = b'{"cause":' + orjson.dumps(cause) + tail + str(seq).encode() + b"}"
    return hashlib.sha256(prev_hash.encode() + body).hexdigest()


def chain(
    prev_hash: str, first_seq: int, causes: Sequence[str], tails: Sequence[bytes]
) -> list[str]:
    """The hash of each entry, numbered from ``first_seq`` after the entry ``prev_hash``."""
    hashes = []
    for offset, (cause, tail) in enumerate(zip(causes, tails, strict=True)):
        prev_hash = _digest(prev_hash, cause, tail, first_seq + offset)
        hashes.append(prev_hash)
    return hashes
