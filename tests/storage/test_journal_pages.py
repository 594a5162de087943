"""The journal read page by page is the journal: the check streams it."""

from __future__ import annotations

from partage.core.ledger import check_books
from partage.services import ledger
from tests.conftest import Community


def test_pages_of_any_size_read_the_same_entries_in_order(community: Community) -> None:
    c = community
    for amount in (1_000, 2_000, 3_000, 4_000, 5_000):
        with c.uow() as u:
            ledger.deposit(u, actor=c.admin, amount=amount, memo="don", now=c.clock())
    org = c.admin.org_id
    with c.uow(readonly=True) as u:
        whole = u.ledger.journal(org)
        assert len(whole) == 6  # the community's founding deposit, then five
        for page in (1, 2, 5, 6, 100):
            assert list(u.ledger.journal_pages(org, page=page)) == whole
        streamed = check_books(u.ledger.journal_pages(org, page=2))
    assert streamed.ok and streamed.entries == 6


def test_a_streamed_check_still_finds_an_entry_out_of_place(community: Community) -> None:
    c = community
    with c.uow() as u:
        ledger.deposit(u, actor=c.admin, amount=1_000, memo="don", now=c.clock())
    with c.uow(readonly=True) as u:
        first, second = u.ledger.journal(c.admin.org_id)
    found = check_books(iter([second, first]))
    assert {p.code for p in found.problems} >= {"ledger.gap", "ledger.chain_broken"}
