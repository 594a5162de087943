"""Balanced entries, reversals and the hash chain."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.errors import InvalidInput
from partage.core.ledger import (
    GENESIS_HASH,
    Entry,
    Posting,
    RecordedEntry,
    check_books,
    entry,
    entry_hash,
    reversal,
    transfer,
)

T0 = datetime(2026, 1, 5, tzinfo=UTC)


def chain(entries: list[Entry]) -> list[RecordedEntry]:
    journal, prev = [], GENESIS_HASH
    for seq, item in enumerate(entries, start=1):
        digest = entry_hash(prev, seq, item)
        journal.append(RecordedEntry(seq, item, prev, digest))
        prev = digest
    return journal


def deposit(amount: int) -> Entry:
    return transfer(
        source="bank",
        target="fund:commons",
        amount=amount,
        currency="EUR",
        occurred_at=T0,
        cause="deposit",
        memo="grant",
    )


def test_an_unbalanced_entry_cannot_be_built() -> None:
    with pytest.raises(InvalidInput) as err:
        entry(
            occurred_at=T0,
            cause="x",
            memo="",
            postings=[("bank", 100, "EUR"), ("fund:commons", -99, "EUR")],
        )
    assert err.value.code == "ledger.unbalanced"
    assert "EUR +1" in err.value.message


def test_balance_is_per_currency() -> None:
    with pytest.raises(InvalidInput):
        entry(
            occurred_at=T0,
            cause="x",
            memo="",
            postings=[("bank", 100, "EUR"), ("fund:commons", -100, "HOUR")],
        )


def test_an_entry_needs_two_postings_and_a_cause() -> None:
    with pytest.raises(InvalidInput):
        entry(occurred_at=T0, cause="x", memo="", postings=[("bank", 0, "EUR")])
    with pytest.raises(InvalidInput):
        deposit(0)
    with pytest.raises(InvalidInput):
        Entry(T0, "", "", (Posting("bank", 1, "EUR"), Posting("fund:commons", -1, "EUR")))


def test_reversal_cancels_exactly() -> None:
    [original] = chain([deposit(500)])
    undo = reversal(original, occurred_at=T0, memo="typo")
    assert undo.reverses == 1
    assert [(p.account, p.amount) for p in undo.postings] == [("bank", -500), ("fund:commons", 500)]


def test_sound_books_pass_the_check() -> None:
    result = check_books(chain([deposit(500), deposit(700)]))
    assert result.ok and result.entries == 2


def test_tampering_with_an_amount_shows() -> None:
    journal = chain([deposit(500), deposit(700), deposit(900)])
    forged = replace(journal[1], entry=deposit(7000))
    result = check_books([journal[0], forged, journal[2]])
    assert [(p.seq, p.code) for p in result.problems] == [(2, "ledger.tampered")]


def test_removing_an_entry_breaks_the_chain() -> None:
    journal = chain([deposit(500), deposit(700), deposit(900)])
    codes = {p.code for p in check_books([journal[0], journal[2]]).problems}
    assert codes == {"ledger.gap", "ledger.chain_broken"}


@given(st.lists(st.integers(min_value=1, max_value=10**12), min_size=1, max_size=20), st.data())
def test_any_single_change_is_detected(amounts: list[int], data: st.DataObject) -> None:
    journal = chain([deposit(a) for a in amounts])
    index = data.draw(st.integers(min_value=0, max_value=len(journal) - 1))
    new_amount = data.draw(
        st.integers(min_value=1, max_value=10**12).filter(lambda a: a != amounts[index])
    )
    forged = list(journal)
    forged[index] = replace(journal[index], entry=deposit(new_amount))
    assert not check_books(forged).ok


def test_the_latest_entries_are_checked_from_the_hash_before_them() -> None:
    """A page checks only the newest entries of a long journal, chained to the stored hash
    of the entry before them."""
    journal = chain([deposit(100 * n) for n in range(1, 6)])
    latest, before = journal[3:], journal[2]
    result = check_books(latest, after=3, prev_hash=before.hash)
    assert result.ok and result.entries == 2
    forged = replace(journal[4], entry=deposit(1))
    found = check_books([journal[3], forged], after=3, prev_hash=before.hash)
    assert [(p.seq, p.code) for p in found.problems] == [(5, "ledger.tampered")]
    broken = check_books(latest, after=3, prev_hash=journal[1].hash)
    assert [(p.seq, p.code) for p in broken.problems] == [(4, "ledger.chain_broken")]
    misplaced = check_books(latest, after=2, prev_hash=before.hash)
    assert {p.code for p in misplaced.problems} == {"ledger.gap"}


def test_a_reversal_of_an_entry_before_the_checked_ones_is_known() -> None:
    first = chain([deposit(500)])[0]
    journal = chain([deposit(500), deposit(700), reversal(first, occurred_at=T0, memo="typo")])
    assert check_books(journal[2:], after=2, prev_hash=journal[1].hash).ok
    assert check_books(journal[2:], after=0, prev_hash=journal[1].hash).problems
