"""The books of a long journal: a page reads the newest entries by number and checks them
(the whole journal up to a size); an entry is reversed once, found by its number."""

from __future__ import annotations

import pytest

from partage.core.errors import InvalidInput, NotFound
from partage.services import ledger
from tests.conftest import Community


def deposits(c: Community, count: int) -> None:
    with c.uow() as u:
        for n in range(count):
            ledger.deposit(u, actor=c.admin, amount=100 + n, memo=f"gift {n}", now=c.clock())


def test_a_small_journal_is_checked_whole(community: Community) -> None:
    c = community
    deposits(c, 4)
    with c.uow(readonly=True) as u:
        page = ledger.journal_page(u, actor=c.bruno, shown=3)
    check, newest, size = page.check, page.newest, page.size
    assert check.ok and not check.partial and check.entries == size
    assert [e.seq for e in newest] == list(range(size - 2, size + 1))
    assert [e.entry.memo for e in newest][-1] == "gift 3"


def test_a_long_journal_is_checked_from_its_latest_entries(
    community: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = community
    deposits(c, 6)
    monkeypatch.setattr(ledger, "FULL_CHECK_UP_TO", 3)
    with c.uow(readonly=True) as u:
        page = ledger.journal_page(u, actor=c.bruno, shown=4, latest=2)
        full = ledger.check(u, actor=c.bruno)
    check, size = page.check, page.size
    assert check.ok and check.partial
    assert (check.entries, check.total) == (2, size)
    # The page shows more entries than it checks, read once for both.
    assert [e.seq for e in page.newest] == list(range(size - 3, size + 1))
    assert full.ok and not full.partial and full.entries == size


def test_an_entry_is_reversed_once(community: Community) -> None:
    c = community
    deposits(c, 2)
    with c.uow(readonly=True) as u:
        newest = ledger.journal_page(u, actor=c.admin, shown=1).newest
    target = newest[0].seq
    with c.uow() as u:
        undone = ledger.reverse_entry(u, actor=c.admin, seq=target, reason="typo", now=c.clock())
    assert undone.entry.reverses == target
    assert [p.amount for p in undone.entry.postings] == [
        -p.amount for p in newest[0].entry.postings
    ]
    with pytest.raises(InvalidInput) as twice, c.uow() as u:
        ledger.reverse_entry(u, actor=c.admin, seq=target, reason="again", now=c.clock())
    assert twice.value.code == "ledger.already_reversed"
    with pytest.raises(NotFound), c.uow() as u:
        ledger.reverse_entry(u, actor=c.admin, seq=10_000, reason="none", now=c.clock())
    with c.uow(readonly=True) as u:
        assert ledger.check(u, actor=c.admin).ok
        size = ledger.journal_page(u, actor=c.admin, shown=0).size
    assert size == undone.seq
