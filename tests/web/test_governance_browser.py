"""A consent proposal that turns the public page on, in a real headless Chromium, in French and
in English: opened in the form, objected to, amended, passed once the fake clock passes its
closing time, the setting changed, and the decision log saying why. Screenshots are kept in
``test-artifacts/screenshots/governance-*.png`` for review."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from partage.services import governance
from tests.conftest import PASSWORD, Community, FakeClock
from tests.web.conftest import CHROMIUM, serve, shoot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

ORG = "/o/tiers-lieux"
TEXT = {
    "fr": {
        "signed_in": "Vous êtes connecté·e.",
        "opened": "Votre proposition est ouverte.",
        "consent": "Elle est adoptée à l’heure de clôture si aucune opposition ne tient encore.",
        "if": "Si elle est adoptée : Activer la page publique",
        "objected": "Votre opposition est enregistrée",
        "standing": "Maintenue",
        "amended": "Levée par une modification",
        "passed": "Adoptée",
        "why": "Aucune opposition ne tenait à l’heure de clôture.",
        "applied": "Appliquée",
        "public_on": "Elle est active :",
        "log": [
            "a ouvert la proposition : Ouvrir nos comptes",
            "a modifié la proposition ; les oppositions sont levées et le délai repart : "
            "les courriels restent privés",
            "La proposition est close : Adoptée",
            "La décision a pris effet : Activer la page publique",
        ],
        "public": "Ouvrir nos comptes au public",
        "now_agree": "Votre vote actuel : Pour.",
    },
    "en": {
        "signed_in": "You are signed in.",
        "opened": "Your proposal is open.",
        "consent": "It passes at the closing time unless an objection still stands.",
        "if": "If it passes: Turn the public page on",
        "objected": "Your objection is recorded",
        "standing": "Standing",
        "amended": "Resolved by an amendment",
        "passed": "Passed",
        "why": "No objection stood at the closing time.",
        "applied": "Applied",
        "public_on": "It is on:",
        "log": [
            "opened the proposal: Ouvrir nos comptes",
            "amended the proposal; the objections are resolved and the window restarts: "
            "les courriels restent privés",
            "The proposal closed: Passed",
            "The decision took effect: Turn the public page on",
        ],
        "public": "Ouvrir nos comptes au public",
        "now_agree": "Your vote now: Agree.",
    },
}


@pytest.fixture
def live_url(db_url: str, clock: FakeClock, community: Community) -> Iterator[str]:
    with serve(db_url, clock) as url:
        yield url


def signed_in(browser: object, base: str, lang: str, who: str) -> object:
    context = browser.new_context(  # type: ignore[attr-defined]
        base_url=base, viewport={"width": 1100, "height": 900}, locale=lang
    )
    page = context.new_page()
    page.goto(f"/signin?lang={lang}")
    page.fill('input[name="email"]', f"{who}@tiers-lieux.example")
    page.fill('input[name="password"]', PASSWORD)
    page.click('form[action="/signin"] button[type="submit"]')
    assert TEXT[lang]["signed_in"] in page.text_content("main")
    return page


def text(page: object, selector: str = "main") -> str:
    found = page.text_content(selector)  # type: ignore[attr-defined]
    assert isinstance(found, str)
    return " ".join(found.split())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_consent_proposal_changes_a_setting_after_an_objection_and_an_amendment(
    chromium: object, live_url: str, community: Community, lang: str
) -> None:
    c, t = community, TEXT[lang]

    bruno = signed_in(chromium, live_url, lang, "bruno")
    bruno.goto(f"{ORG}/proposals")  # type: ignore[attr-defined]
    bruno.click(f'nav.orgnav a[href="{ORG}/proposals"]')  # type: ignore[attr-defined]
    form = f'form[action="{ORG}/proposals"]'
    bruno.fill(f'{form} input[name="title"]', t["public"])  # type: ignore[attr-defined]
    bruno.fill(  # type: ignore[attr-defined]
        f'{form} textarea[name="text"]',
        "Publions nos budgets et nos comptes sur une page publique.",
    )
    bruno.fill(f'{form} input[name="days"]', "3")  # type: ignore[attr-defined]
    bruno.select_option(f'{form} select[name="action"]', "public_on")  # type: ignore[attr-defined]
    shoot(bruno, f"governance-{lang}-new-proposal")
    bruno.click(f"{form} button[type=submit]")  # type: ignore[attr-defined]
    assert t["opened"] in text(bruno)
    assert t["consent"] in text(bruno)
    assert t["if"] in text(bruno, ".action-box")
    url = bruno.url.removeprefix(live_url)  # type: ignore[attr-defined]

    chloe = signed_in(chromium, live_url, lang, "chloé")
    chloe.goto(url)  # type: ignore[attr-defined]
    chloe.fill(f'form[action="{url}/object"] textarea[name="reason"]', "Et les courriels ?")  # type: ignore[attr-defined]
    chloe.click(f'form[action="{url}/object"] button[type="submit"]')  # type: ignore[attr-defined]
    assert t["objected"] in text(chloe)
    assert t["standing"] in text(chloe, "ul.objections")
    shoot(chloe, f"governance-{lang}-objected")

    c.clock.advance(days=1)
    bruno.goto(url)  # type: ignore[attr-defined]
    amend = f'form[action="{url}/amend"]'
    bruno.fill(  # type: ignore[attr-defined]
        f"{amend} textarea[name=text]",
        "Publions nos budgets et nos comptes, sans les courriels des membres.",
    )
    bruno.fill(f"{amend} input[name=note]", "les courriels restent privés")  # type: ignore[attr-defined]
    bruno.click(f"{amend} button[type=submit]")  # type: ignore[attr-defined]
    assert t["amended"] in text(bruno, "ul.objections")
    shoot(bruno, f"governance-{lang}-amended")

    c.clock.advance(days=3, hours=1)
    aicha = signed_in(chromium, live_url, lang, "aicha")
    aicha.goto(f"{ORG}/proposals")  # type: ignore[attr-defined]
    assert t["passed"] in text(aicha, "table.proposals")
    shoot(aicha, f"governance-{lang}-proposals")
    aicha.goto(url)  # type: ignore[attr-defined]
    assert t["passed"] in text(aicha, ".state")
    assert t["why"] in text(aicha, "#outcome + p, section.outcome")
    assert t["applied"] in text(aicha, ".action-box")
    shoot(aicha, f"governance-{lang}-passed")

    aicha.goto(f"{ORG}/settings")  # type: ignore[attr-defined]
    assert t["public_on"] in text(aicha)
    aicha.goto(f"{ORG}/decisions")  # type: ignore[attr-defined]
    log = text(aicha, "ol.log")
    for said in t["log"]:
        assert said in log, said
    shoot(aicha, f"governance-{lang}-log")
    aicha.goto(f"{ORG}/governance")  # type: ignore[attr-defined]
    shoot(aicha, f"governance-{lang}-bodies")

    outsider = chromium.new_context(base_url=live_url, locale=lang).new_page()  # type: ignore[attr-defined]
    outsider.goto(f"/p/tiers-lieux?lang={lang}")
    assert t["public"] in text(outsider, "#decisions + div")
    shoot(outsider, f"governance-{lang}-public")

    for page in (bruno, chloe, aicha, outsider):
        page.context.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_vote_changed_until_closing_and_a_score(
    chromium: object, live_url: str, community: Community, lang: str
) -> None:
    c = community
    with c.uow() as u:
        assembly = governance.bodies(u, actor=c.admin)[0].id
        common = {"actor": c.admin, "body_id": assembly, "now": c.clock()}
        vote_id = governance.open_proposal(
            u,
            **common,  # type: ignore[arg-type]
            title="Ouvrir le samedi",
            text="Le tiers-lieu ouvre aussi le samedi matin.",
            method="vote",
            threshold="two_thirds",
            quorum="0.5",
            closes_at=c.clock() + timedelta(days=2),
        ).proposal.id
        score_id = governance.open_proposal(
            u,
            **common,  # type: ignore[arg-type]
            title="Jour de l’atelier vélo",
            text="Quel jour pour l’atelier ?",
            method="score",
            options=("Mardi", "Jeudi", "Samedi"),
            closes_at=c.clock() + timedelta(days=2),
        ).proposal.id
    dario = signed_in(chromium, live_url, lang, "dario")
    url = f"{ORG}/proposals/{vote_id}"
    dario.goto(url)  # type: ignore[attr-defined]
    dario.click(f'form[action="{url}/vote"] button[value="disagree"]')  # type: ignore[attr-defined]
    dario.click(f'form[action="{url}/vote"] button[value="agree"]')  # type: ignore[attr-defined]
    assert TEXT[lang]["now_agree"] in text(dario, "form.vote-form")
    shoot(dario, f"governance-{lang}-vote")

    url = f"{ORG}/proposals/{score_id}"
    dario.goto(url)  # type: ignore[attr-defined]
    for i, score in enumerate(("2", "5", "1")):
        dario.select_option(f'form[action="{url}/vote"] select[name="score_{i}"]', score)  # type: ignore[attr-defined]
    dario.click(f'form[action="{url}/vote"] button[type="submit"]')  # type: ignore[attr-defined]
    assert "Mardi 2/5, Jeudi 5/5, Samedi 1/5" in text(dario, "ul.votes")
    c.clock.advance(days=3)
    dario.goto(url)  # type: ignore[attr-defined]
    assert "« Jeudi »" in text(dario, "section.outcome") or "“Jeudi”" in text(
        dario, "section.outcome"
    )
    shoot(dario, f"governance-{lang}-score")
    dario.context.close()  # type: ignore[attr-defined]


def test_the_decisions_pages_fit_a_phone_screen(
    chromium: object, live_url: str, community: Community
) -> None:
    c = community
    with c.uow() as u:
        pid = governance.open_proposal(
            u,
            actor=c.bruno,
            body_id=governance.bodies(u, actor=c.bruno)[0].id,
            title="Ouvrir nos comptes au public",
            text="Publions nos budgets et nos comptes sur une page publique.",
            method="vote",
            closes_at=c.clock() + timedelta(days=2),
            now=c.clock(),
            action={"kind": "set_public_page", "public": True},
        ).proposal.id
    context = chromium.new_context(  # type: ignore[attr-defined]
        base_url=live_url, viewport={"width": 390, "height": 844}, locale="fr"
    )
    page = context.new_page()
    page.goto("/signin?lang=fr")
    page.fill('input[name="email"]', "chloé@tiers-lieux.example")
    page.fill('input[name="password"]', PASSWORD)
    page.click('form[action="/signin"] button[type="submit"]')
    for path in (f"{ORG}/proposals", f"{ORG}/proposals/{pid}", f"{ORG}/governance"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} overflows sideways on a phone ({width}px)"
    page.goto(f"{ORG}/proposals/{pid}")
    shoot(page, "governance-fr-proposal-phone")
    context.close()


def test_a_proposal_that_raises_a_rounds_envelope_opened_in_french(
    chromium: object, live_url: str, community: Community
) -> None:
    """The form with every kind of action, in French: each kind's fields folded under its
    own heading; a consent proposal raising a round's envelope, passed and applied."""
    from partage.services import ledger, rounds
    from tests.web.conftest import open_round

    c = community
    round_id = open_round(c, envelope=500_000)
    bruno = signed_in(chromium, live_url, "fr", "bruno")
    bruno.goto(f"{ORG}/proposals")  # type: ignore[attr-defined]
    form = f'form[action="{ORG}/proposals"]'
    bruno.fill(f'{form} input[name="title"]', "Plus pour le printemps")  # type: ignore[attr-defined]
    bruno.fill(f'{form} textarea[name="text"]', "Le jardin demande plus de temps.")  # type: ignore[attr-defined]
    bruno.select_option(f'{form} select[name="action"]', "set_round_envelope")  # type: ignore[attr-defined]
    bruno.click(f"{form} summary:has-text('Si elle change un budget ouvert')")  # type: ignore[attr-defined]
    bruno.select_option(f'{form} select[name="change_round"]', str(round_id))  # type: ignore[attr-defined]
    bruno.fill(f'{form} input[name="new_envelope"]', "6 000")  # type: ignore[attr-defined]
    bruno.click(f"{form} summary:has-text('Si elle fixe le poids des collèges')")  # type: ignore[attr-defined]
    shoot(bruno, "governance-fr-every-action")
    bruno.click(f"{form} button[type=submit]")  # type: ignore[attr-defined]
    assert "Votre proposition est ouverte." in text(bruno)
    said = text(bruno, ".action-box")
    assert "Porter l’enveloppe du budget « Printemps 2026 » à 6 000,00" in said, said

    c.clock.advance(days=7, hours=1)
    aicha = signed_in(chromium, live_url, "fr", "aicha")
    aicha.goto(bruno.url)  # type: ignore[attr-defined]
    assert "Appliquée" in text(aicha, ".action-box")
    shoot(aicha, "governance-fr-envelope-applied")
    with c.uow(readonly=True) as u:
        [round_] = rounds.rounds(u, actor=c.admin)
        assert ledger.check(u, actor=c.admin).ok
    assert round_.envelope == 600_000
    for page in (bruno, aicha):
        page.context.close()  # type: ignore[attr-defined]
