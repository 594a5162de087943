"""An epoch and a funding call in a real headless Chromium, in French and in English: an
admin opens a blinded epoch, two members give their points, the admin closes it and lands on
its result; a member pledges in a funding call. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from partage.services import funding_calls, ledger
from tests.conftest import Community, FakeClock
from tests.web.conftest import CHROMIUM, serve, shoot
from tests.web.test_browser import member_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

TEXT = {
    "fr": {
        "budget": "600,00",
        "opened": "Le cycle est ouvert",
        "blinded": "Ce cycle est masqué",
        "given": "1 membre(s) ont donné",
        "closed": "Le cycle est clos",
        "chloe": "333,33\u00a0€",
        "amount": "12,50",
        "pledged": "Vos promesses de don sont enregistrées",
    },
    "en": {
        "budget": "600.00",
        "opened": "The epoch is open",
        "blinded": "This epoch is blinded",
        "given": "1 member(s) have given",
        "closed": "The epoch is closed",
        "chloe": "€333.33",
        "amount": "12.50",
        "pledged": "Your pledges are recorded",
    },
}


@pytest.fixture
def live_url(db_url: str, clock: FakeClock, community: Community) -> Iterator[str]:
    with serve(db_url, clock) as url:
        yield url


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_epoch_from_opening_to_its_result(
    chromium: object, live_url: str, community: Community, lang: str
) -> None:
    c, t = community, TEXT[lang]
    aicha = member_page(chromium, live_url, lang, "aicha")
    aicha.goto("/o/tiers-lieux/epochs")
    aicha.fill('input[name="name"]', "Printemps 2026")
    aicha.fill('input[name="budget"]', t["budget"])
    aicha.check('input[name="blinded"]')
    aicha.click('form[action="/o/tiers-lieux/epochs"] button[type="submit"]')
    assert t["opened"] in aicha.text_content("main")
    epoch_url = aicha.url.removeprefix(live_url)

    bruno = member_page(chromium, live_url, lang, "bruno")
    bruno.goto(epoch_url)
    bruno.fill(f'input[name="points-{c.chloe.member.id}"]', "100")
    bruno.click(f'form[action="{epoch_url}/gifts"] button[type="submit"]')
    chloe = member_page(chromium, live_url, lang, "chloé")
    chloe.goto(epoch_url)
    assert t["blinded"] in chloe.text_content("main")
    assert t["given"] in chloe.text_content("main")  # Bruno's gift, not what it is
    chloe.fill(f'input[name="points-{c.bruno.member.id}"]', "50")
    chloe.fill(f'input[name="points-{c.dario.member.id}"]', "30")
    chloe.click(f'form[action="{epoch_url}/gifts"] button[type="submit"]')
    shoot(chloe, f"epoch-{lang}-giving")

    aicha.goto(epoch_url)
    aicha.click(f'form[action="{epoch_url}/close"] button[type="submit"]')
    assert t["closed"] in aicha.text_content("main")
    shoot(aicha, f"epoch-{lang}-closed")
    aicha.click('main a[href^="/o/tiers-lieux/distributions/"]')
    assert t["chloe"] in aicha.text_content("table.report")
    for page in (aicha, bruno, chloe):
        page.context.close()
    with c.uow(readonly=True) as u:
        assert ledger.check(u, actor=c.admin).ok


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_member_pledges_in_a_funding_call(
    chromium: object, live_url: str, community: Community, lang: str
) -> None:
    c, t = community, TEXT[lang]
    with c.uow() as u:
        call = funding_calls.open_call(
            u,
            actor=c.admin,
            name="Projets du printemps",
            pool=50_000,
            projects=["jardin", "four-a-pain", "atelier-velo"],
            now=c.clock(),
        ).id
    for who, project, amount in ((c.chloe, "jardin", 1_000), (c.dario, "four-a-pain", 4_000)):
        with c.uow() as u:
            funding_calls.pledge(
                u, actor=who, call_id=call, pledges=[(project, amount)], now=c.clock()
            )
    bruno = member_page(chromium, live_url, lang, "bruno")
    bruno.goto(f"/o/tiers-lieux/funding/{call}")
    bruno.fill('input[name="amount-jardin"]', t["amount"])
    bruno.click(f'form[action="/o/tiers-lieux/funding/{call}/pledges"] button[type="submit"]')
    assert t["pledged"] in bruno.text_content("main")
    shoot(bruno, f"funding-{lang}-call")
    bruno.context.close()
