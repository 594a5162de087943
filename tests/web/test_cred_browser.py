"""The cred page in a real headless Chromium, in French and in English: a collective that
imported its website's git history and recorded some workshops; a member reads the chart,
the ranking and where cred came from; an admin changes a weight, a bad one first.
Screenshots go to test-artifacts/screenshots/cred-*.png."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from partage.services import contributions, demo, git_import
from partage.services.context import UnitOfWorkFactory
from tests.conftest import Community, FakeClock
from tests.services.git_repo import GitRepo
from tests.web.conftest import CHROMIUM, serve, shoot
from tests.web.test_browser import member_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

AUTHORS = (
    ("Bruno", "bruno@tiers-lieux.example", 9),
    ("Chloé", "chloe@tiers-lieux.example", 7),
    ("Dario", "dario@tiers-lieux.example", 3),
    ("Noémie Laurent", "noemie@example.org", 6),
    ("Yusuf Demir", "yusuf@example.org", 5),
    ("Inès Moreau", "ines@example.org", 4),
    ("Tomás Ruiz", "tomas@example.org", 4),
    ("Awa Diallo", "awa@example.org", 3),
    ("Léa Martin", "lea@example.org", 2),
    ("Karl Weber", "karl@example.org", 2),
    ("Sofia Rossi", "sofia@example.org", 1),
)
FILES = ("index.html", "style.css", "agenda.md", "atelier-velo.md", "compost.md", "plan.svg")

TEXT = {
    "fr": {
        "title": "Cred par semaine",
        "mine": "D’où vient votre cred",
        "others": "Tous les autres",
        "whose": "D’où vient la cred de Chloé",
        "bad": "Un poids est un nombre de 0 ou plus",
        "saved": "Les poids sont enregistrés",
        "bad_value": "deux",
        "value": "2,5",
    },
    "en": {
        "title": "Cred per week",
        "mine": "Where your cred came from",
        "others": "Everyone else",
        "whose": "Where Chloé’s cred came from",
        "bad": "A weight is a number of 0 or more",
        "saved": "The weights are saved",
        "bad_value": "two",
        "value": "2.5",
    },
}


def seeded_repository(path: Path) -> GitRepo:
    """Eleven people commit to the collective's website over fourteen weeks."""
    rng = random.Random(4)
    repo = GitRepo(path)
    commits = [(name, email) for name, email, count in AUTHORS for _ in range(count)]
    rng.shuffle(commits)
    start = date(2025, 11, 3)
    for n, (name, email) in enumerate(commits):
        day = start + timedelta(days=2 * n)
        touched = {f: f"{n} {name}\n" for f in rng.sample(FILES, rng.randint(1, 3))}
        message = f"Update the site ({n})"
        if n % 6 == 0:
            co = rng.choice([a for a in AUTHORS if a[0] != name])
            message += f"\n\nCo-authored-by: {co[0]} <{co[1]}>"
        repo.commit(name, email, f"{day.isoformat()}T10:00:00Z", message, touched)
    return repo


@pytest.fixture
def live_url(db_url: str, clock: FakeClock, community: Community, tmp_path: Path) -> Iterator[str]:
    c = community
    repo = seeded_repository(tmp_path / "site")
    with c.uow() as u:
        git_import.import_git(u, actor=c.admin, path=repo.path, now=c.clock())
    for who, day, hours in (("bruno", "2026-01-20", "3"), ("dario", "2026-02-10", "4")):
        with c.uow() as u:
            contributions.record(
                u,
                actor=getattr(c, who),
                activity="animation",
                occurred_on=day,
                hours=hours,
                description="Atelier vélo",
                now=c.clock(),
            )
    with serve(db_url, clock) as url:
        yield url


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_member_reads_the_chart_and_an_admin_sets_a_weight(
    chromium: object, live_url: str, lang: str
) -> None:
    t = TEXT[lang]
    bruno = member_page(chromium, live_url, lang, "bruno")
    bruno.goto("/o/tiers-lieux/cred")  # type: ignore[attr-defined]
    assert t["title"] in bruno.text_content("main")  # type: ignore[attr-defined]
    chart = bruno.locator("figure.cred-chart svg")  # type: ignore[attr-defined]
    assert chart.is_visible()
    bars = chart.locator("rect")
    assert bars.count() > 20
    box = bars.first.bounding_box()
    assert box is not None and box["height"] > 0 and box["width"] > 0
    # eight members in colour and the others together
    legend = bruno.locator(".cred-legend li")  # type: ignore[attr-defined]
    assert legend.count() == 9 and t["others"] in legend.last.text_content()
    assert t["mine"] in bruno.text_content("#sources").replace("\u2019", "’")  # type: ignore[attr-defined]
    shoot(bruno, f"cred-{lang}")

    bruno.click(".cred-legend a:text('Chloé')")  # type: ignore[attr-defined]
    assert t["whose"] in bruno.text_content("#sources")  # type: ignore[attr-defined]
    assert bruno.locator(".source-list li").count() > 0  # type: ignore[attr-defined]
    bruno.locator("section.cred-sources").screenshot(  # type: ignore[attr-defined]
        path=str(
            Path(__file__).resolve().parents[2]
            / "test-artifacts"
            / "screenshots"
            / f"cred-{lang}-sources.png"
        )
    )
    assert bruno.locator("form.weights-form").count() == 0  # type: ignore[attr-defined]

    aicha = member_page(chromium, live_url, lang, "aicha")
    aicha.goto("/o/tiers-lieux/cred#weights")  # type: ignore[attr-defined]
    form = aicha.locator("form.weights-form")  # type: ignore[attr-defined]
    form.locator('input[name="weight"]').first.fill(t["bad_value"])
    form.locator('button[type="submit"]').click()
    assert t["bad"] in aicha.text_content("form.weights-form")  # type: ignore[attr-defined]
    aicha.locator("form.weights-form").screenshot(  # type: ignore[attr-defined]
        path=str(
            Path(__file__).resolve().parents[2]
            / "test-artifacts"
            / "screenshots"
            / f"cred-{lang}-weights-refused.png"
        )
    )
    form = aicha.locator("form.weights-form")  # type: ignore[attr-defined]
    form.locator('input[name="weight"]').first.fill(t["value"])
    form.locator('button[type="submit"]').click()
    assert t["saved"] in aicha.text_content("main")  # type: ignore[attr-defined]
    assert aicha.locator("figure.cred-chart rect").count() > 20  # type: ignore[attr-defined]


def test_the_demo_has_a_season_of_cred(
    chromium: object, db_url: str, uow: UnitOfWorkFactory, clock: FakeClock
) -> None:
    """What `make run` shows a newcomer: weeks of work, the season's claims, a chart."""
    assert demo.load(uow, now=clock()).created
    with serve(db_url, clock) as url:
        camille = chromium.new_context(  # type: ignore[attr-defined]
            base_url=url, viewport={"width": 1100, "height": 900}
        )
        page = camille.new_page()
        page.goto("/signin")
        page.fill('input[name="email"]', demo.DEMO_ADMIN)
        page.fill('input[name="password"]', demo.DEMO_PASSWORD)
        page.click('form[action="/signin"] button[type="submit"]')
        for lang, title in (("fr", "Cred par semaine"), ("en", "Cred per week")):
            page.goto(f"/o/{demo.DEMO_SLUG}/cred?lang={lang}")
            assert title in page.text_content("main")
            weeks = {
                page.locator("figure.cred-chart rect").nth(i).get_attribute("x")
                for i in range(page.locator("figure.cred-chart rect").count())
            }
            assert len(weeks) >= 12  # a bar in each week of the season
            shoot(page, f"cred-demo-{lang}")
        camille.close()


@pytest.mark.parametrize(("lang", "words"), [("fr", "Rien à mesurer"), ("en", "Nothing to score")])
def test_an_organization_with_nothing_recorded_gets_a_friendly_page(
    chromium: object, db_url: str, clock: FakeClock, community: Community, lang: str, words: str
) -> None:
    with serve(db_url, clock) as url:
        reader = member_page(chromium, url, lang, "bruno")
        reader.goto("/o/tiers-lieux/cred")  # type: ignore[attr-defined]
        assert words in reader.text_content("main")  # type: ignore[attr-defined]
        assert reader.locator("svg").count() == 0  # type: ignore[attr-defined]
        shoot(reader, f"cred-{lang}-empty")
        reader.context.close()  # type: ignore[attr-defined]
