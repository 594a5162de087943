"""The structured split-rules form in a real headless Chromium, in French and English: Aïcha
starts from the version in force, raises the producers' rate with a decimal comma, adds a
courier status and a referrer's share in the spare rows, removes a share by emptying it,
saves, and reads the new version among those to come. A share pushed over 100 % first is
refused with the box marked. Screenshots go to test-artifacts/screenshots/rules-form-*.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from partage.services import transactions as txs
from tests.conftest import Community, FakeClock
from tests.services.test_value_flows import set_rules
from tests.web.conftest import CHROMIUM, serve, shoot
from tests.web.test_browser import member_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

TEXT = {
    "fr": {
        "saved": "Les nouvelles règles sont enregistrées.",
        "coming": "Du 1 avr. 2026 : version 2",
        "over": "Les parts de la commission dépassent 100 %",
        "share": "3 % du montant → la partie « referrer »",
    },
    "en": {
        "saved": "The new rules are saved.",
        "coming": "From 1 Apr 2026: version 2",
        "over": "The shares of the commission add up to more than 100 %.",
        "share": "3 % of the amount → the party 'referrer'",
    },
}


@pytest.fixture
def live_url(db_url: str, clock: FakeClock, community: Community) -> Iterator[str]:
    set_rules(community)
    with serve(db_url, clock) as url:
        yield url


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_treasurer_fills_the_rows_and_reads_the_version_to_come(
    chromium: object, live_url: str, community: Community, lang: str
) -> None:
    t = TEXT[lang]
    page = member_page(chromium, live_url, lang, "aicha")
    page.goto("/o/tiers-lieux/rules")  # type: ignore[attr-defined]
    # The form starts from the version in force: producer at 12 %, three shares.
    assert page.input_value('input[name="c-0-status"]') == "producer"  # type: ignore[attr-defined]
    assert page.input_value('input[name="s-1-key"]') == "solidarite"  # type: ignore[attr-defined]
    assert page.locator("details.advanced").get_attribute("open") is None  # type: ignore[attr-defined]
    page.fill('input[name="c-0-rate"]', "12,5")  # type: ignore[attr-defined]
    page.fill('input[name="c-1-status"]', "courier")  # type: ignore[attr-defined]
    page.fill('input[name="c-1-rate"]', "8")  # type: ignore[attr-defined]
    page.fill('input[name="c-1-floor"]', "1")  # type: ignore[attr-defined]
    page.fill('input[name="s-0-percent"]', "85")  # type: ignore[attr-defined]
    page.fill('input[name="s-3-percent"]', "3")  # type: ignore[attr-defined]
    page.select_option('select[name="s-3-of"]', "amount")  # type: ignore[attr-defined]
    # A fund named by the choice alone needs no name: its box shows only for the others.
    page.select_option('select[name="s-3-to"]', "reserve")  # type: ignore[attr-defined]
    assert page.is_hidden('input[name="s-3-key"]')  # type: ignore[attr-defined]
    page.select_option('select[name="s-3-to"]', "party")  # type: ignore[attr-defined]
    assert page.is_visible('input[name="s-3-key"]')  # type: ignore[attr-defined]
    page.fill('input[name="s-3-key"]', "referrer")  # type: ignore[attr-defined]
    page.fill('input[name="s-3-label"]', "Parrainage")  # type: ignore[attr-defined]
    page.fill('input[name="effective_from"]', "2026-04-01")  # type: ignore[attr-defined]
    page.fill('input[name="note"]', "AG d'avril")  # type: ignore[attr-defined]
    page.click("form.rules-form button[type=submit]")  # type: ignore[attr-defined]

    # 85 % + 20 % of the commission: refused, the rows come back as typed, the boxes marked.
    assert t["over"] in page.text_content("form.rules-form")  # type: ignore[attr-defined]
    assert page.input_value('input[name="s-3-key"]') == "referrer"  # type: ignore[attr-defined]
    assert page.get_attribute('input[name="s-0-percent"]', "aria-invalid") == "true"  # type: ignore[attr-defined]
    shoot(page, f"rules-form-refused-{lang}")
    with community.uow(readonly=True) as u:
        assert len(txs.rule_versions(u, actor=community.admin)) == 1

    page.fill('input[name="s-0-percent"]', "30")  # type: ignore[attr-defined]
    page.fill('input[name="s-1-percent"]', "")  # type: ignore[attr-defined]
    page.fill('input[name="s-1-key"]', "")  # type: ignore[attr-defined]
    page.click("form.rules-form button[type=submit]")  # type: ignore[attr-defined]
    assert t["saved"] in page.text_content("main")  # type: ignore[attr-defined]
    coming = page.locator("section.card", has_text=t["coming"])  # type: ignore[attr-defined]
    assert coming.count() == 1
    said = " ".join(coming.text_content().split()).replace("\u202f", " ")
    assert t["share"] in said and "12.5 %" in said and "solidarite" not in said
    with community.uow(readonly=True) as u:
        newest = txs.rule_versions(u, actor=community.admin)[-1]
    assert newest.document["commissions"]["courier"] == {"rate": "8", "floor": "1.00"}
    # The form now starts from the version to come.
    assert page.input_value('input[name="c-0-status"]') == "courier"  # type: ignore[attr-defined]
    shoot(page, f"rules-form-{lang}")
