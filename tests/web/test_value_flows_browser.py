"""The money flows page in a real headless Chromium, in French and English: a delivery
cooperative's March — twelve deliveries by three producers, a referrer's share, two refunds —
recorded through the service; the drawing shows the month's real totals.
Screenshots go to test-artifacts/screenshots/flows-*.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Community, FakeClock
from tests.services.test_value_flows import DELIVERY, at, refund, sale, set_rules
from tests.web.conftest import CHROMIUM, serve, shoot
from tests.web.test_browser import member_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

RULES = {
    **DELIVERY,
    "splits": [*DELIVERY["splits"], {"of": "amount", "to": "party:referrer", "percent": "3"}],
}
# (seller, amount in cents, day): 12 deliveries, 1,248.88 € in all.
DELIVERIES = [
    ("bruno", 4_999, 2), ("chloe", 12_000, 3), ("bruno", 8_550, 4), ("dario", 3_200, 5),
    ("chloe", 15_000, 8), ("bruno", 6_275, 9), ("dario", 9_900, 11), ("chloe", 7_450, 15),
    ("bruno", 22_000, 17), ("dario", 4_500, 21), ("chloe", 18_999, 24), ("bruno", 12_015, 28),
]  # fmt: skip

TEXT = {
    "fr": {
        "title": "Flux d’argent",
        "sales": "Ventes 1 183,88 €",
        "net": "Versé aux parties",
        "reserve": "Réserve impartageable",
        "payees": "Membres payés (3)",
    },
    "en": {
        "title": "Money flows",
        "sales": "Sales €1,183.88",
        "net": "Paid to the parties",
        "reserve": "Impartible reserve",
        "payees": "Members paid (3)",
    },
}


@pytest.fixture
def live_url(db_url: str, clock: FakeClock, community: Community) -> Iterator[str]:
    c = community
    set_rules(c, RULES)
    referrer = f"member:{c.admin.member.id}"
    for n, (who, amount, day) in enumerate(DELIVERIES):
        sale(
            c,
            getattr(c, who),
            f"liv-{n + 1:03d}",
            amount,
            occurred_at=at(day),
            parties={"referrer": referrer},
        )
    refund(c, "liv-002", "rb-002", 2_000, day=6)  # a damaged parcel: 20 € back
    refund(c, "liv-010", "rb-010", None, day=22)  # a delivery cancelled: all of it
    with serve(db_url, clock) as url:
        yield url


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_month_s_flows_drawn_with_its_real_totals(
    chromium: object, live_url: str, lang: str
) -> None:
    t = TEXT[lang]
    page = member_page(chromium, live_url, lang, "dario")
    page.goto("/o/tiers-lieux/flows")  # type: ignore[attr-defined]
    assert page.text_content("h1").strip() == t["title"]  # type: ignore[attr-defined]
    texts = [
        " ".join(text.split()).replace("\u202f", " ")
        for text in page.locator("svg.sankey text").all_text_contents()  # type: ignore[attr-defined]
    ]
    # 1,248.88 € sold, 20.00 + 45.00 refunded: 1,183.88 € went somewhere.
    assert texts[0] == t["sales"]
    assert texts[1].startswith(t["net"])
    assert any(text.startswith(t["reserve"]) for text in texts)
    assert any(text.startswith(t["payees"]) for text in texts)
    assert page.locator("svg.sankey path.ribbon").count() >= 8  # type: ignore[attr-defined]
    box = page.locator("svg.sankey").bounding_box()  # type: ignore[attr-defined]
    assert box["width"] > 800 and box["height"] > 300
    shoot(page, f"flows-{lang}")


PAGES = {
    "fr": {"rules": "Règles de partage", "tx": "Transactions", "left": "Reste à rembourser"},
    "en": {"rules": "Split rules", "tx": "Transactions", "left": "Left to refund"},
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_rules_the_transactions_and_a_statement_in_a_browser(
    chromium: object, live_url: str, community: Community, lang: str
) -> None:
    t = PAGES[lang]
    page = member_page(chromium, live_url, lang, "aicha")
    page.goto("/o/tiers-lieux/rules")  # type: ignore[attr-defined]
    assert page.text_content("h1").strip() == t["rules"]  # type: ignore[attr-defined]
    shoot(page, f"flows-rules-{lang}")
    page.goto("/o/tiers-lieux/transactions")  # type: ignore[attr-defined]
    assert page.locator("tbody tr").count() == 14  # type: ignore[attr-defined]
    shoot(page, f"flows-transactions-{lang}")
    page.click("a:text-is('liv-002')")  # type: ignore[attr-defined]
    page.wait_for_url("**/transactions/liv-002")  # type: ignore[attr-defined]
    assert t["left"] in page.text_content("main")  # type: ignore[attr-defined]
    assert "Aïcha (referrer)" in page.text_content("main")  # type: ignore[attr-defined]
    shoot(page, f"flows-transaction-{lang}")
    page.goto(f"/o/tiers-lieux/members/{community.chloe.member.id}")  # type: ignore[attr-defined]
    assert page.locator("#transactions").count() == 1  # type: ignore[attr-defined]
    shoot(page, f"flows-statement-{lang}")
