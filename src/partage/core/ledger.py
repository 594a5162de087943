"""Double-entry journal entries: balanced, append-only, chained by hash.

Guarantees of this module:

* an :class:`Entry` has at least two postings, no zero posting, and its postings sum to zero
  in each currency — checked when it is built, so an unbalanced entry cannot exist;
* a correction is a new entry, :func:`reversal`, that posts the exact opposite;
* :func:`entry_hash` chains each entry to the previous one of the same organization, so that
  changing, removing or reordering any past entry changes every later hash;
* :func:`check_books` re-verifies a whole journal and lists every problem it finds.

Sign convention: a positive amount is a debit, a negative amount a credit. Accounts whose
names start with ``bank`` or ``deficit`` hold debit balances (what the organization has, or
what it is short); every other account (funds, rounds, members, debts) holds a credit
balance and is shown as ``-Σ amounts``: the money set aside for it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from partage.core.errors import InvalidInput
from partage.core.money import MAX_MINOR

_ACCOUNT = re.compile(r"^[a-z]+(:[A-Za-z0-9_.-]+)*$")
GENESIS_HASH = "0" * 64
DEBIT_NORMAL_PREFIXES = ("bank", "deficit")


@dataclass(frozen=True, slots=True)
class Posting:
    account: str
    amount: int
    currency: str

    def __post_init__(self) -> None:
        if not _ACCOUNT.match(self.account):
            raise InvalidInput("ledger.bad_account", f"'{self.account}' is not an account name")
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise InvalidInput("ledger.inexact_amount", "a posting amount is an integer")
        if self.amount == 0:
            raise InvalidInput("ledger.zero_posting", f"zero posting on {self.account}")
        if abs(self.amount) > MAX_MINOR:
            raise InvalidInput("amount.too_large", f"posting on {self.account} is too large")


@dataclass(frozen=True, slots=True)
class Entry:
    """A balanced movement of value with its cause (``claim:12``, ``round:3``…)."""

    occurred_at: datetime
    cause: str
    memo: str
    postings: tuple[Posting, ...]
    reverses: int | None = None

    def __post_init__(self) -> None:
        problem = imbalance(self.postings)
        if problem:
            raise InvalidInput("ledger.unbalanced", problem)
        if not self.cause:
            raise InvalidInput("ledger.no_cause", "every entry names its cause")


@dataclass(frozen=True, slots=True)
class RecordedEntry:
    """An entry as stored: its place in the organization's journal and its hashes."""

    seq: int
    entry: Entry
    prev_hash: str
    hash: str


def imbalance(postings: Sequence[Posting]) -> str | None:
    """Why these postings do not form a balanced entry, or None when they do."""
    if len(postings) < 2:
        return "an entry needs at least two postings"
    totals: dict[str, int] = defaultdict(int)
    for posting in postings:
        totals[posting.currency] += posting.amount
    off = {code: total for code, total in sorted(totals.items()) if total != 0}
    if off:
        detail = ", ".join(f"{code} {total:+d}" for code, total in off.items())
        return f"postings do not sum to zero per currency ({detail})"
    return None


def entry(
    *,
    occurred_at: datetime,
    cause: str,
    memo: str,
    postings: Iterable[tuple[str, int, str]],
    reverses: int | None = None,
) -> Entry:
    """Build an entry from ``(account, amount, currency)`` triples, dropping zero lines."""
    lines = tuple(Posting(a, amt, cur) for a, amt, cur in postings if amt != 0)
    return Entry(occurred_at, cause, memo, lines, reverses)


def transfer(
    *,
    source: str,
    target: str,
    amount: int,
    currency: str,
    occurred_at: datetime,
    cause: str,
    memo: str,
) -> Entry:
    """Move ``amount`` set aside for ``source`` to ``target`` (debit source, credit target)."""
    return entry(
        occurred_at=occurred_at,
        cause=cause,
        memo=memo,
        postings=[(source, amount, currency), (target, -amount, currency)],
    )


def reversal(original: RecordedEntry, *, occurred_at: datetime, memo: str) -> Entry:
    """The entry that cancels ``original`` exactly."""
    return Entry(
        occurred_at=occurred_at,
        cause=original.entry.cause,
        memo=memo,
        postings=tuple(Posting(p.account, -p.amount, p.currency) for p in original.entry.postings),
        reverses=original.seq,
    )


def canonical(seq: int, item: Entry) -> bytes:
    """The bytes that are hashed: every field that gives the entry its meaning."""
    body = {
        "seq": seq,
        "occurred_at": item.occurred_at.isoformat(),
        "cause": item.cause,
        "memo": item.memo,
        "reverses": item.reverses,
        "postings": [[p.account, p.amount, p.currency] for p in item.postings],
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, seq: int, item: Entry) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(seq, item)).hexdigest()


def is_debit_normal(account: str) -> bool:
    return account.split(":", 1)[0] in DEBIT_NORMAL_PREFIXES


def shown_balance(account: str, debit_sum: int) -> int:
    """The balance as a member reads it: positive is money held, or owed to, the account."""
    return debit_sum if is_debit_normal(account) else -debit_sum


@dataclass(frozen=True, slots=True)
class BookProblem:
    seq: int | None
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class BookCheck:
    """``entries`` checked; ``total`` the journal's size when only its latest were."""

    entries: int
    problems: tuple[BookProblem, ...] = field(default_factory=tuple)
    total: int | None = None

    @property
    def partial(self) -> bool:
        return self.total is not None and self.total > self.entries

    @property
    def ok(self) -> bool:
        return not self.problems


def check_books(
    journal: Iterable[RecordedEntry], *, after: int = 0, prev_hash: str = GENESIS_HASH
) -> BookCheck:
    """Verify sequence, balance and hash chain of one organization's whole journal — or of
    its entries after entry ``after``, whose hash is ``prev_hash``.

    The journal is read once, in the order it is given — the order of its numbers, as the
    storage reads it — so that a million entries can be checked as a stream: an entry out of
    place is reported as a gap. Only the numbers seen are kept, to check reversals (an entry
    up to ``after`` is taken as known).
    """
    problems: list[BookProblem] = []
    prev = prev_hash
    seen: set[int] = set()
    count = 0
    for expected_seq, recorded in enumerate(journal, start=after + 1):
        count += 1
        if recorded.seq != expected_seq:
            problems.append(
                BookProblem(
                    recorded.seq,
                    "ledger.gap",
                    f"entry {recorded.seq} found where entry {expected_seq} was expected",
                )
            )
        why = imbalance(recorded.entry.postings)
        if why:
            problems.append(BookProblem(recorded.seq, "ledger.unbalanced", why))
        if recorded.prev_hash != prev:
            problems.append(
                BookProblem(
                    recorded.seq,
                    "ledger.chain_broken",
                    f"entry {recorded.seq} does not follow the hash of the entry before it",
                )
            )
        actual = entry_hash(recorded.prev_hash, recorded.seq, recorded.entry)
        if actual != recorded.hash:
            problems.append(
                BookProblem(
                    recorded.seq,
                    "ledger.tampered",
                    f"entry {recorded.seq} does not match its hash: it was changed after posting",
                )
            )
        reverses = recorded.entry.reverses
        if reverses is not None and reverses not in seen and not 0 < reverses <= after:
            problems.append(
                BookProblem(
                    recorded.seq, "ledger.bad_reversal", f"reverses unknown entry {reverses}"
                )
            )
        seen.add(recorded.seq)
        prev = recorded.hash
    return BookCheck(entries=count, problems=tuple(problems))


def balances(journal: Iterable[Entry]) -> dict[tuple[str, str], int]:
    """Debit sum per (account, currency) over the given entries."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for item in journal:
        for posting in item.postings:
            totals[(posting.account, posting.currency)] += posting.amount
    return dict(totals)
