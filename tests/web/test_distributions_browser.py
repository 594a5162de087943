"""A distribution in a real headless Chromium, in French and in English: an admin compares
two models on the contributions of February, posts the rate grid, and lands on the posted
distribution with its bars and explanations. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from partage.services import contributions, ledger
from tests.conftest import Community, FakeClock
from tests.web.conftest import CHROMIUM, serve, shoot
from tests.web.test_browser import member_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

WORK = (
    ("bruno", "Animation", "12", "2026-02-03"),
    ("bruno", "Accueil", "4", "2026-02-17"),
    ("chloe", "Accueil", "9", "2026-02-10"),
    ("chloe", "Jardin", "3", "2026-02-21"),
    ("dario", "Animation", "6.5", "2026-02-12"),
    ("admin", "Jardin", "2", "2026-02-24"),
    ("dario", "Animation", "20", "2026-01-15"),  # before the period
)

TEXT = {
    "fr": {
        "budget": "1200",
        "rates": {"Animation": "30,00", "Accueil": "20,00", "Jardin": "15,00"},
        "compared": "Ce que chaque modèle donnerait",
        "hours": "Proportionnel aux heures",
        "grid": "Barème",
        "bruno_grid": "440,00\u00a0€",
        "posted": "La répartition est inscrite au journal",
        "title": "Répartition n°\u00a01",
    },
    "en": {
        "budget": "1200.00",
        "rates": {"Animation": "30.00", "Accueil": "20.00", "Jardin": "15.00"},
        "compared": "What each model would give",
        "hours": "Proportional to hours",
        "grid": "Rate grid",
        "bruno_grid": "€440.00",
        "posted": "The distribution is posted to the ledger",
        "title": "Distribution #1",
    },
}


@pytest.fixture
def live_url(db_url: str, clock: FakeClock, community: Community) -> Iterator[str]:
    c = community
    for who, activity, hours, day in WORK:
        with c.uow() as u:
            contributions.record(
                u,
                actor=getattr(c, who),
                activity=activity,
                occurred_on=day,
                hours=hours,
                now=c.clock(),
            )
    with serve(db_url, clock) as url:
        yield url


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_admin_compares_two_models_and_posts_one(
    chromium: object, live_url: str, community: Community, lang: str
) -> None:
    t = TEXT[lang]
    aicha = member_page(chromium, live_url, lang, "aicha")
    aicha.goto("/o/tiers-lieux/distributions")
    aicha.fill('input[name="budget"]', t["budget"])
    aicha.fill('input[name="since"]', "2026-02-01")
    aicha.fill('input[name="until"]', "2026-02-28")
    rows = aicha.locator("table.rates tbody tr")
    for i in range(rows.count()):
        activity = rows.nth(i).locator('input[name="rate_activity"]').input_value()
        if activity in t["rates"]:
            rows.nth(i).locator('input[name="rate_amount"]').fill(t["rates"][activity])
    assert aicha.is_checked('input[name="model"][value="hours"]')
    assert aicha.is_checked('input[name="model"][value="grid"]')
    shoot(aicha, f"distributions-{lang}-form")
    aicha.click('form[action="/o/tiers-lieux/distributions/preview"] button[type="submit"]')

    assert t["compared"] in aicha.text_content("h1")
    table = aicha.text_content("table.comparison")
    assert t["hours"] in table and t["grid"] in table
    assert "Bruno" in table and t["bruno_grid"] in table
    assert aicha.locator("figure.bars .bar-row").count() == 4
    aicha.locator("details.why").first.click()  # open one member's "why"
    shoot(aicha, f"distributions-{lang}-preview")
    preview = aicha.url
    aicha.set_viewport_size({"width": 390, "height": 844})
    width = aicha.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the comparison fits a phone screen"
    shoot(aicha, f"distributions-{lang}-preview-phone")
    aicha.set_viewport_size({"width": 1100, "height": 900})
    assert aicha.url == preview

    aicha.click(
        'form[action="/o/tiers-lieux/distributions"]:has(input[name="post_model"][value="grid"]) button'
    )
    assert t["posted"] in aicha.text_content("main")
    assert t["title"] in aicha.text_content("h1")
    assert t["bruno_grid"] in aicha.text_content("table.report")
    shoot(aicha, f"distributions-{lang}-posted")
    aicha.context.close()

    with community.uow(readonly=True) as u:
        assert ledger.check(u, actor=community.admin).ok
