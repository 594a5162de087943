"""A newcomer's first minute on the demo (what ``make run`` shows), in French and English.

The demo community is loaded into the test database, then a signed-out visitor and Camille,
its admin, walk through the pages a newcomer opens first. Each page is checked for a few
words in the reader's language and kept as a screenshot in ``test-artifacts/screenshots/``
(``demo-<lang>-<page>.png``) for review.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from partage.core.claims import ClaimStatus
from partage.services import accounts, demo, organizations, rounds
from partage.services.context import UnitOfWorkFactory, acting
from tests.conftest import FakeClock
from tests.web.conftest import CHROMIUM, serve, shoot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

SLUG = demo.DEMO_SLUG

# Words each page must show in each language: a heading or state, and an amount.
TEXT = {
    "fr": {
        "home": ("Organisations à livre ouvert", "Réseau des tiers-lieux de la Drôme"),
        "dashboard": ("Où est l’argent", "5\u202f200,00\u00a0€"),
        "round_open": ("Contestée", "Faire une déclaration"),
        "claim": ("Contestée", "peut-on voir le détail des heures"),
        "round_closed": ("Rapport de clôture", "Attribuée en totalité."),
        "ledger": ("Les comptes sont vérifiés", "Subvention Région"),
        "members": ("Pris", "1\u202f636,36\u00a0€"),
        "member": ("Versé", "VIR-2026-014"),
        "public": ("Les comptes ouverts de ce collectif", "Budget contributif — printemps 2026"),
    },
    "en": {
        "home": ("Organizations with open books", "Réseau des tiers-lieux de la Drôme"),
        "dashboard": ("Where the money is", "€5,200.00"),
        "round_open": ("Under objection", "Declare a claim"),
        "claim": ("Under objection", "peut-on voir le détail des heures"),
        "round_closed": ("Closing report", "Granted in full."),
        "ledger": ("The books check out", "Subvention Région"),
        "members": ("Taken", "€1,636.36"),
        "member": ("Paid out", "VIR-2026-014"),
        "public": ("The open books of this collective", "Budget contributif — printemps 2026"),
    },
}


@dataclass(frozen=True)
class Demo:
    url: str
    winter: int
    spring: int
    disputed: int
    theo: int


@pytest.fixture
def loaded_demo(db_url: str, uow: UnitOfWorkFactory, clock: FakeClock) -> Iterator[Demo]:
    report = demo.load(uow, now=clock())
    assert report.created
    with uow(readonly=True) as u:
        camille = accounts.sign_in(u, email=demo.DEMO_ADMIN, password=demo.DEMO_PASSWORD)
        admin = acting(u, slug=SLUG, user_id=camille.id)
        every = {r.name: r for r in rounds.rounds(u, actor=admin)}
        winter = every["Budget contributif — hiver 2026"]
        spring = every["Budget contributif — printemps 2026"]
        view = rounds.view_round(u, actor=admin, round_id=spring.id, now=clock())
        disputed = next(
            r.id for r in view.claims if view.statuses[r.id] is ClaimStatus.UNDER_OBJECTION
        )
        theo = next(
            v.member.id
            for v in organizations.members(u, actor=admin)
            if v.member.name == "Théo Garnier"
        )
    assert winter.closed_at is not None and spring.is_open
    with serve(db_url, clock) as url:
        yield Demo(url, winter.id, spring.id, disputed, theo)


def test_a_newcomers_first_minute_on_the_demo(chromium: object, loaded_demo: Demo) -> None:
    d = loaded_demo
    visitor = chromium.new_context(  # type: ignore[attr-defined]
        base_url=d.url, viewport={"width": 1200, "height": 900}
    )
    camille = chromium.new_context(  # type: ignore[attr-defined]
        base_url=d.url, viewport={"width": 1200, "height": 900}
    )
    outside, inside = visitor.new_page(), camille.new_page()
    inside.goto("/signin")
    inside.fill('input[name="email"]', demo.DEMO_ADMIN)
    inside.fill('input[name="password"]', demo.DEMO_PASSWORD)
    inside.click('form[action="/signin"] button[type="submit"]')

    org = f"/o/{SLUG}"
    pages = (
        ("dashboard", org),
        ("round_open", f"{org}/rounds/{d.spring}"),
        ("claim", f"{org}/claims/{d.disputed}"),
        ("round_closed", f"{org}/rounds/{d.winter}"),
        ("ledger", f"{org}/ledger"),
        ("members", f"{org}/members"),
        ("member", f"{org}/members/{d.theo}"),
    )
    for lang, words in TEXT.items():
        # The ?lang= choice is remembered in a cookie: each context switches once.
        outside.goto(f"/?lang={lang}")
        check(outside, words["home"])
        shoot(outside, f"demo-{lang}-home")
        outside.goto(f"/p/{SLUG}")
        check(outside, words["public"])
        shoot(outside, f"demo-{lang}-public")

        inside.goto(f"{org}?lang={lang}")
        for name, path in pages:
            inside.goto(path)
            check(inside, words[name])
            shoot(inside, f"demo-{lang}-{name.replace('_', '-')}")

    visitor.close()
    camille.close()


def check(page: object, words: tuple[str, ...]) -> None:
    text = page.text_content("main")  # type: ignore[attr-defined]
    for word in words:
        assert word in text, f"{word!r} not on {page.url}"  # type: ignore[attr-defined]
