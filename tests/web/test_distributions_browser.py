"""A distribution in a real headless Chromium, in French and in English: an admin compares
two models on the contributions of February, posts the rate grid, and lands on the posted
distribution with its bars and explanations; then grain, from a file of scores, compared
with hours and posted. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from partage.services import contributions, ledger
from tests.conftest import Community, FakeClock
from tests.web.conftest import CHROMIUM, SHOTS, serve, shoot
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
    aicha.click('form[action^="/o/tiers-lieux/distributions/preview"] button[type="submit"]')

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


# A month of cred per week, as a contribution graph exports it: 4.5 + 25.5 + 18 + 8 = 56.
SCORES = """member,2026-02-02,2026-02-09,2026-02-16,2026-02-23
Aïcha,2,1.5,0,1
Bruno,8,6,4.5,7
Chloé,3,5,6,4
Dario,0,2,3.5,2.5
"""

GRAIN_TEXT = {
    "fr": {
        "grain": "Grain (scores)",
        "read": "4 membre(s) × 4 période(s)",
        "bruno": "255,00\u00a0€",
        "posted": "La répartition est inscrite au journal",
        "source": "scores de 4 membre(s) sur 4 période(s)",
        "typo": "Ligne 5 : aucun membre ne porte le numéro ou le nom exact « Daro ».",
    },
    "en": {
        "grain": "Grain (scores)",
        "read": "4 member(s) × 4 interval(s)",
        "bruno": "€255.00",
        "posted": "The distribution is posted to the ledger",
        "source": "scores of 4 member(s) over 4 interval(s)",
        "typo": "Line 5: there is no member with the number or exact name “Daro”.",
    },
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_admin_posts_grain_from_a_file_of_scores(
    chromium: object, live_url: str, community: Community, lang: str, tmp_path: Path
) -> None:
    t = GRAIN_TEXT[lang]
    cred = tmp_path / "cred.csv"
    cred.write_text(SCORES, encoding="utf-8")
    aicha = member_page(chromium, live_url, lang, "aicha")
    aicha.goto("/o/tiers-lieux/distributions")
    aicha.fill('input[name="budget"]', "560")
    aicha.fill('input[name="since"]', "2026-02-01")
    aicha.fill('input[name="until"]', "2026-02-28")
    aicha.uncheck('input[name="model"][value="grid"]')
    aicha.check('input[name="model"][value="grain"]')
    typo = tmp_path / "typo.csv"
    typo.write_text(SCORES.replace("Dario", "Daro"), encoding="utf-8")
    aicha.set_input_files('input[name="scores_file"]', str(typo))
    aicha.click('form[action^="/o/tiers-lieux/distributions/preview"] button[type="submit"]')
    assert t["typo"] in aicha.text_content(".scores .field-error")
    assert t["typo"] in aicha.text_content('a.form-error, .form-error a[href="#model-grain"]')
    assert "Daro,0,2" in aicha.input_value('textarea[name="scores"]')  # to correct it there
    assert aicha.is_checked('input[name="model"][value="grain"]')
    shoot(aicha, f"distributions-{lang}-grain-refused")
    aicha.set_viewport_size({"width": 390, "height": 844})
    assert aicha.evaluate("document.documentElement.scrollWidth") <= 390, "the form fits a phone"
    aicha.locator("#model-grain").screenshot(
        path=str(SHOTS / f"distributions-{lang}-grain-phone.png")
    )
    aicha.set_viewport_size({"width": 1100, "height": 900})

    aicha.set_input_files('input[name="scores_file"]', str(cred))  # a file wins over the box
    shoot(aicha, f"distributions-{lang}-grain-form")
    aicha.click('form[action^="/o/tiers-lieux/distributions/preview"] button[type="submit"]')

    assert aicha.url.endswith("/o/tiers-lieux/distributions/preview#compare")  # the post's answer
    assert t["read"] in aicha.text_content("dl.figures")
    table = aicha.text_content("table.comparison")
    assert t["grain"] in table and "Bruno" in table and t["bruno"] in table
    aicha.locator("details.why").nth(1).click()  # Bruno's "why"
    shoot(aicha, f"distributions-{lang}-grain-preview")
    aicha.set_viewport_size({"width": 390, "height": 844})
    width = aicha.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the comparison fits a phone screen"
    aicha.set_viewport_size({"width": 1100, "height": 900})

    aicha.click(
        'form[action="/o/tiers-lieux/distributions"]:has(input[name="post_model"][value="grain"]) button'
    )
    assert t["posted"] in aicha.text_content("main")
    assert t["source"] in aicha.text_content("header.page-head")
    assert t["bruno"] in aicha.text_content("table.report")
    shoot(aicha, f"distributions-{lang}-grain-posted")
    aicha.context.close()

    with community.uow(readonly=True) as u:
        assert ledger.check(u, actor=community.admin).ok
