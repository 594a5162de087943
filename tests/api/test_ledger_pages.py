"""The journal read a page at a time through the API: entries numbered after ``after``, at
most ``limit``, each with all its postings."""

from __future__ import annotations

from tests.api.conftest import ORG, Api


def test_the_journal_is_read_page_by_page(api: Api) -> None:
    for n in range(5):
        api.ok(
            "POST",
            f"{ORG}/ledger/deposits",
            status=201,
            json={"amount": f"1{n}.00", "memo": f"gift {n}"},
        )
    whole = api.ok("GET", f"{ORG}/ledger/journal")
    assert len(whole) >= 6
    pages, after = [], 0
    while page := api.ok("GET", f"{ORG}/ledger/journal", params={"after": after, "limit": 2}):
        assert len(page) <= 2
        pages.extend(page)
        after = page[-1]["seq"]
    assert pages == whole
    assert api.ok("GET", f"{ORG}/ledger/journal", params={"after": whole[-1]["seq"]}) == []
    refused = api.get(f"{ORG}/ledger/journal", params={"limit": 10_001})
    assert refused.status_code == 422
