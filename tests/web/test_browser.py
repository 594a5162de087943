"""The whole life of a round in a real headless Chromium, in French and in English.

The app runs under uvicorn in a background thread on a free local port with a clock the test
moves; each member has their own browser context (their own cookies). Screenshots of the
main pages are kept in ``test-artifacts/screenshots/`` for review.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import PASSWORD, Community, FakeClock
from tests.web.conftest import CHROMIUM, open_round, serve, shoot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

# What each language's pages say at the steps the test checks.
TEXT = {
    "fr": {
        "signed_in": "Vous êtes connecté·e.",
        "declared": "Votre déclaration est faite.",
        "in_window": "En délai d’opposition",
        "objected": "Contestée",
        "amended": "levée par une modification",
        "accepted": "Acceptée",
        "report": "Rapport de clôture",
        "check": "Les comptes sont vérifiés",
        "public": "Les comptes ouverts de ce collectif",
        "amount": "350,00",
        "new_amount": "300,00",
        "shown_amount": "300,00\u00a0€",
    },
    "en": {
        "signed_in": "You are signed in.",
        "declared": "Your claim is declared.",
        "in_window": "In objection window",
        "objected": "Under objection",
        "amended": "resolved by an amendment",
        "accepted": "Accepted",
        "report": "Closing report",
        "check": "The books check out",
        "public": "The open books of this collective",
        "amount": "350.00",
        "new_amount": "300.00",
        "shown_amount": "€300.00",
    },
}


@pytest.fixture
def live_url(db_url: str, clock: FakeClock, community: Community) -> Iterator[str]:
    with serve(db_url, clock) as url:
        yield url


def member_page(browser: object, base: str, lang: str, who: str | None) -> object:
    """A fresh browser context for one person, in one language, signed in if ``who``."""
    context = browser.new_context(  # type: ignore[attr-defined]
        base_url=base, viewport={"width": 1100, "height": 900}, locale=lang
    )
    page = context.new_page()
    page.goto(f"/?lang={lang}")
    if who is not None:
        page.goto("/signin")
        page.fill('input[name="email"]', f"{who}@tiers-lieux.example")
        page.fill('input[name="password"]', PASSWORD)
        page.click('form[action="/signin"] button[type="submit"]')
        assert TEXT[lang]["signed_in"] in page.text_content("main")
    return page


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_round_from_claim_to_closing_report(
    chromium: object, live_url: str, community: Community, lang: str
) -> None:
    c, t = community, TEXT[lang]
    round_id = open_round(c, envelope=200_000, name="Printemps 2026")
    round_url = f"/o/tiers-lieux/rounds/{round_id}"

    home = member_page(chromium, live_url, lang, None)
    shoot(home, f"{lang}-home")

    bruno = member_page(chromium, live_url, lang, "bruno")
    bruno.goto(round_url)
    bruno.fill('input[name="amount"]', t["amount"])
    bruno.fill('input[name="hours"]', "14")
    bruno.fill('textarea[name="justification"]', "Deux jours d'atelier vélo et la permanence")
    bruno.click(f'form[action="{round_url}/claims"] button[type="submit"]')
    assert t["declared"] in bruno.text_content("main")
    assert t["in_window"] in bruno.text_content(".state")
    claim_url = bruno.url.removeprefix(live_url)

    chloe = member_page(chromium, live_url, lang, "chloé")
    chloe.goto(claim_url)
    chloe.fill('textarea[name="reason"]', "Peux-tu détailler la permanence ?")
    chloe.click(f'form[action="{claim_url}/object"] button[type="submit"]')
    assert t["objected"] in chloe.text_content(".state")
    chloe.goto(round_url)
    assert t["objected"] in chloe.text_content("table.claims")

    bruno.goto(claim_url)
    bruno.fill(f'form[action="{claim_url}/comment"] textarea[name="comment"]', "Une demi-journée")
    bruno.click(f'form[action="{claim_url}/comment"] button[type="submit"]')
    bruno.fill(f'form[action="{claim_url}/amend"] input[name="amount"]', t["new_amount"])
    bruno.click(f'form[action="{claim_url}/amend"] button[type="submit"]')
    assert t["amended"] in bruno.text_content("main")
    assert t["in_window"] in bruno.text_content(".state")
    shoot(bruno, f"{lang}-claim-thread")

    c.clock.advance(days=8)
    aicha = member_page(chromium, live_url, lang, "aicha")
    aicha.goto("/o/tiers-lieux")
    assert t["shown_amount"] in aicha.text_content("main")
    shoot(aicha, f"{lang}-dashboard")
    aicha.goto(round_url)
    assert t["accepted"] in aicha.text_content("table.claims")
    shoot(aicha, f"{lang}-round-open")
    aicha.click(f'form[action="{round_url}/close"] button[type="submit"]')
    report = aicha.text_content("#report")
    assert t["report"] in report
    assert t["shown_amount"] in report
    shoot(aicha, f"{lang}-round-closed")

    aicha.goto("/o/tiers-lieux/ledger")
    assert t["check"] in aicha.text_content("main")
    shoot(aicha, f"{lang}-ledger")
    aicha.goto("/o/tiers-lieux/settings")
    aicha.click('form[action="/o/tiers-lieux/settings/public"] button[type="submit"]')

    outsider = member_page(chromium, live_url, lang, None)
    outsider.goto("/p/tiers-lieux")
    assert t["public"] in outsider.text_content("main")
    assert t["shown_amount"] in outsider.text_content("main")
    shoot(outsider, f"{lang}-public")
    outsider.goto(f"/?lang={lang}")
    shoot(outsider, f"{lang}-home-with-public")

    for page in (home, bruno, chloe, aicha, outsider):
        page.context.close()  # type: ignore[attr-defined]


def test_pages_fit_a_phone_screen(chromium: object, live_url: str, community: Community) -> None:
    round_id = open_round(community)
    context = chromium.new_context(  # type: ignore[attr-defined]
        base_url=live_url, viewport={"width": 390, "height": 844}, locale="fr"
    )
    page = context.new_page()
    page.goto("/signin")
    page.fill('input[name="email"]', "bruno@tiers-lieux.example")
    page.fill('input[name="password"]', PASSWORD)
    page.click('form[action="/signin"] button[type="submit"]')
    page.goto(f"/o/tiers-lieux/rounds/{round_id}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing overflows sideways on a phone"
    shoot(page, "fr-round-phone")
    context.close()
