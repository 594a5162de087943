"""Credits and the time bank in a real headless Chromium, in French and in English: an admin
has defined credits and hours; Chloé records two hours Bruno gave her, then tries more than
her limit allows and reads why; the admin validates a contribution for its credits.
Screenshots go to test-artifacts/screenshots/units-*.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from partage.services import contributions, units
from tests.conftest import Community, FakeClock
from tests.web.conftest import CHROMIUM, serve, shoot
from tests.web.test_browser import member_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

TEXT = {
    "fr": {
        "title": "Crédits et temps",
        "recorded": "L’échange est enregistré : une heure pour une heure.",
        "refused": "Pas assez : le solde est de -2,00 HOUR et peut descendre jusqu’à -10,00 HOUR.",
        "hours": "8,5",
        "validated": "La contribution est validée : ses unités sont versées.",
    },
    "en": {
        "title": "Credits and time",
        "recorded": "The exchange is recorded: hour for hour.",
        "refused": "Not enough: the balance is -2.00 HOUR and may go down to -10.00 HOUR.",
        "hours": "8.5",
        "validated": "The contribution is validated: its units are paid.",
    },
}


@pytest.fixture
def live_url(db_url: str, clock: FakeClock, community: Community) -> Iterator[str]:
    c = community
    with c.uow() as u:
        units.define_unit(u, actor=c.admin, code="CREDIT", name="Crédits", kind="credit",
                          price="0.50", now=c.clock())  # fmt: skip
        units.define_unit(u, actor=c.admin, code="HOUR", name="Heures", kind="time",
                          now=c.clock())  # fmt: skip
        units.set_earning(u, actor=c.admin, code="CREDIT", activity="entraide", amount="5")
    with c.uow() as u:
        units.buy(u, actor=c.admin, code="CREDIT", member_id=c.chloe.member.id, quantity="20",
                  now=c.clock())  # fmt: skip
    with c.uow() as u:
        contributions.record(u, actor=c.dario, activity="entraide", occurred_on="2026-03-01",
                             hours="2", description="Aide au déménagement de Chloé",
                             now=c.clock())  # fmt: skip
    with serve(db_url, clock) as url:
        yield url


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_time_exchange_a_refusal_and_a_validation(
    chromium: object, live_url: str, community: Community, lang: str
) -> None:
    t, c = TEXT[lang], community
    chloe = member_page(chromium, live_url, lang, "chloé")
    chloe.goto("/o/tiers-lieux/units")  # type: ignore[attr-defined]
    assert t["title"] in chloe.text_content("h1")  # type: ignore[attr-defined]
    shoot(chloe, f"units-{lang}-member")
    form = chloe.locator('form[action$="/units/exchange"]')  # type: ignore[attr-defined]
    form.locator('select[name="giver"]').select_option(str(c.bruno.member.id))
    form.locator('input[name="quantity"]').fill("2")
    form.locator('input[name="service"]').fill("jardinage")
    form.locator('button[type="submit"]').click()
    assert t["recorded"] in chloe.text_content("main")  # type: ignore[attr-defined]
    form = chloe.locator('form[action$="/units/exchange"]')  # type: ignore[attr-defined]
    form.locator('select[name="giver"]').select_option(str(c.dario.member.id))
    form.locator('input[name="quantity"]').fill(t["hours"])
    form.locator('input[name="service"]').fill("déménagement")
    form.locator('button[type="submit"]').click()
    refused = chloe.locator('form[action$="/units/exchange"]')  # type: ignore[attr-defined]
    assert t["refused"] in refused.text_content()
    assert refused.locator('input[name="service"]').input_value() == "déménagement"
    shoot(chloe, f"units-{lang}-refused")
    chloe.context.close()  # type: ignore[attr-defined]

    aicha = member_page(chromium, live_url, lang, "aicha")
    aicha.goto("/o/tiers-lieux/units")  # type: ignore[attr-defined]
    shoot(aicha, f"units-{lang}-admin")
    aicha.locator('form[action$="/units/earn"] button').first.click()  # type: ignore[attr-defined]
    assert t["validated"] in aicha.text_content("main")  # type: ignore[attr-defined]
    assert aicha.locator('form[action$="/units/earn"]').count() == 0  # type: ignore[attr-defined]
    aicha.context.close()  # type: ignore[attr-defined]
    with c.uow(readonly=True) as u:
        held = {b.unit.code: b.balance for b in units.balances(u, actor=c.dario)}
    assert held == {"CREDIT": 5, "HOUR": 0}
