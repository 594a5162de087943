"""A SourceCred community's history in a real headless Chromium, in French and in English:
the sample instance imported, a member reads the list of distributions and one imported
distribution. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from partage.services.sourcecred_community import import_community
from tests.conftest import Community, FakeClock
from tests.web.conftest import CHROMIUM, serve, shoot
from tests.web.test_browser import member_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

INSTANCE = Path(__file__).parents[1] / "fixtures" / "sourcecred-test-instance"

TEXT = {
    "fr": {
        "listed": "importée de SourceCred · cred jusqu’au",
        "paid": "Versée dans SourceCred le",
        "why": "Reçu dans SourceCred (Équilibrée).",
        "amount": "477,82\u00a0€",
    },
    "en": {
        "listed": "imported from SourceCred · cred up to",
        "paid": "Paid in SourceCred on",
        "why": "Received in SourceCred (Balanced).",
        "amount": "€477.82",
    },
}


@pytest.fixture
def live_url(db_url: str, clock: FakeClock, community: Community) -> Iterator[str]:
    with community.uow() as u:
        import_community(u, actor=community.admin, path=INSTANCE, now=clock())
    with serve(db_url, clock) as url:
        yield url


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_member_reads_the_imported_history(
    chromium: object, live_url: str, community: Community, lang: str
) -> None:
    words = TEXT[lang]
    page = member_page(chromium, live_url, lang, "bruno")
    page.goto("/o/tiers-lieux/distributions")  # type: ignore[attr-defined]
    listed = page.text_content("main")  # type: ignore[attr-defined]
    assert listed.count(words["listed"]) == 6
    shoot(page, f"sourcecred-distributions-{lang}")

    # The third distribution: balanced, three recipients, one of them a project.
    page.click('a[href="/o/tiers-lieux/distributions/3"]')  # type: ignore[attr-defined]
    main = page.text_content("main")  # type: ignore[attr-defined]
    assert words["paid"] in main
    assert main.count(words["why"]) == 3
    assert words["amount"] in main
    shoot(page, f"sourcecred-distribution-{lang}")
