"""Money in and out of the books: deposits, payouts, reversals, balances and the check."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from partage.core import chart
from partage.core.claims import clean_text
from partage.core.errors import Conflict, InvalidInput, NotFound
from partage.core.ledger import (
    GENESIS_HASH,
    BookCheck,
    BookProblem,
    RecordedEntry,
    check_books,
    entry,
    reversal,
    shown_balance,
)
from partage.core.money import Money, check_minor
from partage.core.roles import Role, require_admin
from partage.services.context import Actor, UnitOfWork

# A page checks the whole journal up to this many entries, and only its newest above.
FULL_CHECK_UP_TO = 10_000
LATEST_CHECKED = 1_000


@dataclass(frozen=True, slots=True)
class Balance:
    account: str
    amount: Money
    member_id: int | None


def balances(uow: UnitOfWork, *, actor: Actor) -> list[Balance]:
    """Every account's balance as members read it (money held by or owed to the account)."""
    currency = actor.organization.currency
    result = []
    for (account, code), debit in sorted(uow.ledger.balances(actor.org_id).items()):
        if code != currency.code:
            continue
        result.append(
            Balance(
                account,
                Money(shown_balance(account, debit), currency),
                chart.member_of_account(account),
            )
        )
    return result


def balance_of(uow: UnitOfWork, *, actor: Actor, account: str) -> Money:
    currency = actor.organization.currency
    debit = uow.ledger.balances(actor.org_id, prefix=account).get((account, currency.code), 0)
    return Money(shown_balance(account, debit), currency)


def deposit(
    uow: UnitOfWork,
    *,
    actor: Actor,
    amount: int,
    memo: str,
    now: datetime,
    fund: str = "commons",
    occurred_at: datetime | None = None,
) -> RecordedEntry:
    """Record money coming in (a grant, sales, gifts) into the commons fund or a project."""
    require_admin(actor.role)
    check_minor(amount)
    account = chart.parse_redirect(fund, field="fund")
    if account.startswith("member:"):
        raise InvalidInput("deposit.bad_fund", "deposit into 'commons' or 'project:<name>'", "fund")
    recorded = uow.ledger.append(
        actor.org_id,
        entry(
            occurred_at=occurred_at or now,
            cause="deposit",
            memo=clean_text(memo, field="memo", limit=500),
            postings=[
                (chart.BANK, amount, actor.organization.currency.code),
                (account, -amount, actor.organization.currency.code),
            ],
        ),
        now=now,
    )
    uow.commit()
    return recorded


def pay_member(
    uow: UnitOfWork, *, actor: Actor, member_id: int, amount: int, reference: str, now: datetime
) -> RecordedEntry:
    """Mark an amount owed to a member as paid out (bank transfer, cash…), with its reference."""
    require_admin(actor.role)
    check_minor(amount)
    if uow.community.member(actor.org_id, member_id) is None:
        raise NotFound("member.not_found", f"no member #{member_id}", field="member")
    ref = clean_text(reference, field="reference", limit=200)
    account = chart.member_account(member_id)
    owed = balance_of(uow, actor=actor, account=account)
    if amount > owed.minor:
        raise InvalidInput(
            "payout.exceeds_owed",
            f"member #{member_id} is owed {owed}, less than the payout",
            field="amount",
        )
    code = actor.organization.currency.code
    recorded = uow.ledger.append(
        actor.org_id,
        entry(
            occurred_at=now,
            cause=f"payout:{member_id}",
            memo=f"paid out: {ref}",
            postings=[(account, amount, code), (chart.BANK, -amount, code)],
        ),
        now=now,
    )
    uow.commit()
    return recorded


# Entries whose operation is also kept in a table of its own: undoing them here would leave
# that table saying the operation stands. Each has its own way back, which undoes both.
_UNIT_OPERATION = re.compile(r"unit_operation:(\d+)$")
_UNITS_EARNED = re.compile(r"contribution:\d+:units:")
_TRANSACTION = re.compile(r"transaction:(\d+)$")


def _refuse_kept_elsewhere(original: RecordedEntry) -> None:
    cause, seq = original.entry.cause, original.seq
    if found := _UNIT_OPERATION.match(cause):
        what, way = f"unit operation #{found.group(1)}", f"partage units reverse {found[1]}"
    elif _UNITS_EARNED.match(cause):
        what, way = "units earned for a contribution", "partage units reverse"
    elif found := _TRANSACTION.match(cause):
        what, way = f"transaction #{found.group(1)}", "a refund: partage transactions refund"
    else:
        return
    raise Conflict(
        "ledger.reverse_elsewhere",
        f"entry #{seq} records {what}: undo it with {way}, which keeps its own records and "
        "the books in step",
        field="seq",
        params={"entry": seq},
    )


def reverse_entry(
    uow: UnitOfWork, *, actor: Actor, seq: int, reason: str, now: datetime
) -> RecordedEntry:
    """Cancel an entry by posting its exact opposite; the original stays in the books.

    Refused for the entries of unit operations and transactions (``ledger.reverse_elsewhere``):
    ``units reverse`` and a refund undo those, and their own records with them."""
    require_admin(actor.role)
    why = clean_text(reason, field="reason", limit=500)
    # Under the ledger's lock, so that two reversals of one entry cannot both find it
    # unreversed; the entry and its reversal are read by number, whatever the journal's size.
    uow.ledger.lock(actor.org_id)
    original = uow.ledger.entry(actor.org_id, seq)
    if original is None:
        raise NotFound("ledger.entry_not_found", f"no entry #{seq}", field="seq")
    _refuse_kept_elsewhere(original)
    if uow.ledger.reversal_of(actor.org_id, seq) is not None:
        raise InvalidInput("ledger.already_reversed", f"entry #{seq} is already reversed", "seq")
    recorded = uow.ledger.append(
        actor.org_id,
        reversal(original, occurred_at=now, memo=f"reversal of #{seq}: {why}"),
        now=now,
    )
    uow.commit()
    return recorded


def journal(
    uow: UnitOfWork,
    *,
    actor: Actor,
    account: str | None = None,
    after: int = 0,
    limit: int | None = None,
) -> list[RecordedEntry]:
    """The entries numbered after ``after`` (at most ``limit``), in order; with ``account``,
    only those touching accounts so named."""
    return uow.ledger.journal(actor.org_id, account_prefix=account, after=after, limit=limit)


def payouts(uow: UnitOfWork, *, actor: Actor) -> list[RecordedEntry]:
    return uow.ledger.journal(actor.org_id, cause_prefix="payout:")


@dataclass(frozen=True, slots=True)
class JournalPage:
    """What a page shows of the journal: its newest entries, its size and its check."""

    newest: list[RecordedEntry]
    size: int
    check: BookCheck


def journal_page(
    uow: UnitOfWork, *, actor: Actor, shown: int, latest: int | None = None
) -> JournalPage:
    """The newest ``shown`` entries, in order, how many the journal holds, and the check a
    page shows on every view: the whole journal up to ``FULL_CHECK_UP_TO`` entries (well
    under a second), or up to ``latest`` (default ``LATEST_CHECKED``); above, the numbering
    of the whole journal and the balance, chain and hashes of its newest ``latest`` entries,
    linked to the stored hash of the entry before them. The journal's size is read once and
    the newest entries once, for both. The full check of a million entries takes a minute:
    it is :func:`check` (``partage ledger check``)."""
    _require_reader(actor)
    latest = LATEST_CHECKED if latest is None else latest
    size, highest = uow.ledger.size(actor.org_id)
    if size <= max(FULL_CHECK_UP_TO, latest):
        newest = uow.ledger.latest(actor.org_id, shown, highest)
        return JournalPage(newest, size, check(uow, actor=actor))
    read = uow.ledger.latest(actor.org_id, max(latest, shown), highest)
    checked = read[max(0, len(read) - latest) :]
    after = checked[0].seq - 1
    before = uow.ledger.entry(actor.org_id, after)
    books = check_books(
        checked, after=after, prev_hash=before.hash if before is not None else GENESIS_HASH
    )
    problems = books.problems
    if highest != size:
        problems += (
            BookProblem(
                None,
                "ledger.gap",
                f"{size} entries are numbered up to {highest}: numbers are missing",
            ),
        )
    return JournalPage(
        read[max(0, len(read) - shown) :],
        size,
        BookCheck(entries=books.entries, problems=problems, total=size),
    )


def _require_reader(actor: Actor) -> None:
    if actor.role not in (Role.ADMIN, Role.MEMBER, Role.OBSERVER):
        raise NotFound("organization.not_found", "no such organization")


def check(uow: UnitOfWork, *, actor: Actor) -> BookCheck:
    """Re-verify balance, numbering and the hash chain of the organization's whole journal."""
    _require_reader(actor)
    books = check_books(uow.ledger.journal_pages(actor.org_id))
    stray = [
        BookProblem(
            seq, "ledger.stray_postings", f"postings name entry {seq}, which does not exist"
        )
        for seq in uow.ledger.stray_postings(actor.org_id)
    ]
    return replace(books, problems=books.problems + tuple(stray)) if stray else books
