"""The cred page over HTTP: the chart, the members by cred, where a member's cred came from,
the weights form (admins, with its CSRF token), refusals shown on the form, the empty state."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from partage.services import contributions, org_cred
from tests.conftest import Community
from tests.web.conftest import Visitor

PAGE = "/o/tiers-lieux/cred"


def record(c: Community, who: int, activity: str, day: date, hours: str, what: str) -> None:
    with c.uow() as u:
        contributions.record(
            u,
            actor=c.admin,
            member_id=who,
            activity=activity,
            occurred_on=day,
            hours=hours,
            description=what,
            now=c.clock(),
        )


@pytest.fixture
def recorded(community: Community) -> Community:
    """Bruno hosts three workshops over two weeks, Chloé writes one guide."""
    c = community
    record(c, c.bruno.member.id, "animation", date(2026, 2, 2), "3", "Atelier vélo")
    record(c, c.bruno.member.id, "animation", date(2026, 2, 9), "2", "Atelier compost")
    record(c, c.bruno.member.id, "animation", date(2026, 2, 10), "2", "Atelier soudure")
    record(c, c.chloe.member.id, "writing", date(2026, 2, 3), "1", "Guide d'accueil")
    return c


def test_members_see_the_chart_the_ranking_and_where_their_cred_came_from(
    visitor: Visitor, recorded: Community
) -> None:
    visitor.sign_in("chloé")
    page = visitor.get(PAGE).text
    assert '<svg viewBox="0 0 960 300" role="img"' in page
    bars = re.findall(r"<rect [^>]*><title>([^<]+), week of ([^:]+): [0-9.,]+</title>", page)
    with recorded.uow(readonly=True) as u:
        found = org_cred.org_cred(u, actor=recorded.admin)
    expected = {
        (m.name, f"{week.day} Feb 2026")
        for m in found.members
        for week, cred in zip(found.weeks, m.per_week, strict=True)
        if cred > 0
    }
    # two weeks, a bar for each member with cred in it; Bruno in both, Chloé in the first
    assert set(bars) == expected and len(bars) == len(expected)
    assert {("Bruno", "1 Feb 2026"), ("Bruno", "8 Feb 2026"), ("Chloé", "1 Feb 2026")} <= expected
    ranking = page[page.index('id="ranking"') : page.index('id="sources"')]
    assert ranking.index("Bruno") < ranking.index("Chloé") < ranking.index("Aïcha")
    # the reader's own sources by default, in English
    sources = page[page.index('id="sources"') :]
    assert "Where your cred came from" in sources
    assert "Guide d&#39;accueil" in sources and "Atelier" not in sources.split("How activities")[0]
    # another member's, on asking
    bruno = visitor.get(f"{PAGE}?member={recorded.bruno.member.id}").text
    assert "Where Bruno’s cred came from" in bruno
    assert "Week of 8 Feb 2026" in bruno and "Atelier soudure" in bruno
    # members read the weights but get no form
    assert 'action="/o/tiers-lieux/cred/weights"' not in page
    assert "Only an admin changes the weights." in page


def test_the_page_reads_in_french_with_french_labels(visitor: Visitor, recorded: Community) -> None:
    visitor.sign_in("bruno")
    page = visitor.get(f"{PAGE}?lang=fr").text
    assert "Cred par semaine" in page and "D’où vient votre cred" in page
    assert "Semaine du 8 févr. 2026" in page
    # the sources' French labels: hours with a comma, French dates
    assert "animation, 2 h, 10 février 2026 : Atelier soudure" in page
    assert 'aria-current="page">Cred</a>' in page


def test_admins_set_the_weights_and_the_cred_follows(visitor: Visitor, recorded: Community) -> None:
    visitor.sign_in("aicha")
    page = visitor.get(PAGE).text
    assert 'action="/o/tiers-lieux/cred/weights"' in page
    # writing now weighs ten times animation: Chloé's one hour outweighs Bruno's seven
    done = visitor.post(
        f"{PAGE}/weights",
        {
            "activity": ["animation", "writing", ""],
            "weight": ["1", "10", ""],
            "default_activity": "1",
            "claim": "1",
            "gift": "1",
        },
    )
    assert done.status_code == 200 and "The weights are saved" in done.text
    ranking = done.text[done.text.index('id="ranking"') :]
    assert ranking.index("Chloé") < ranking.index("Bruno")
    with recorded.uow(readonly=True) as u:
        weights = org_cred.cred_weights(u, actor=recorded.admin)
    assert weights.activities == {"animation": Decimal(1), "writing": Decimal(10)}
    # emptying a weight gives the activity the default again; a new row adds one
    visitor.post(
        f"{PAGE}/weights",
        {"activity": ["animation", "writing", "design"], "weight": ["", "10", "2,5"]},
    )
    with recorded.uow(readonly=True) as u:
        weights = org_cred.cred_weights(u, actor=recorded.admin)
    assert weights.activities == {"writing": Decimal(10), "design": Decimal("2.5")}


def test_a_bad_weight_is_shown_next_to_its_field_and_nothing_is_saved(
    visitor: Visitor, recorded: Community
) -> None:
    visitor.sign_in("aicha")
    refused = visitor.post(
        f"{PAGE}/weights?lang=fr",
        {"activity": ["animation", "writing", ""], "weight": ["-3", "beaucoup", ""]},
    )
    assert refused.status_code == 400
    assert "Un poids est un nombre de 0 ou plus" in refused.text
    # what was typed is shown again, the field marked
    assert 'value="-3" aria-label' in refused.text
    assert re.search(r'value="-3"[^>]*aria-invalid="true"', refused.text)
    claim = visitor.post(f"{PAGE}/weights", {"activity": [], "weight": [], "claim": "x"})
    assert claim.status_code == 400 and 'value="x" aria-invalid="true"' in claim.text
    with recorded.uow(readonly=True) as u:
        assert org_cred.cred_weights(u, actor=recorded.admin).activities == {}


def test_only_admins_set_weights_and_only_with_the_forms_token(
    visitor: Visitor, recorded: Community
) -> None:
    visitor.sign_in("bruno")
    refused = visitor.post(f"{PAGE}/weights", {"activity": ["animation"], "weight": ["5"]})
    assert refused.status_code == 403
    assert "Only an admin of the organization can do this." in refused.text
    visitor.sign_in("aicha")
    forged = visitor.post(
        f"{PAGE}/weights", {"activity": ["animation"], "weight": ["5"]}, csrf=False
    )
    assert forged.status_code == 403
    with recorded.uow(readonly=True) as u:
        assert org_cred.cred_weights(u, actor=recorded.admin).activities == {}


def test_nothing_to_score_is_a_friendly_page(visitor: Visitor, community: Community) -> None:
    visitor.sign_in("bruno")
    page = visitor.get(PAGE)
    assert page.status_code == 200
    assert "Nothing to score yet" in page.text
    assert "partage import git PATH --org tiers-lieux" in page.text
    assert "<svg" not in page.text
    french = visitor.get(f"{PAGE}?lang=fr").text
    assert "Rien à mesurer pour l’instant" in french


def test_outsiders_and_signed_out_readers_do_not_see_it(
    visitor: Visitor, recorded: Community
) -> None:
    signed_out = visitor.client.get(PAGE, follow_redirects=False)
    assert signed_out.status_code == 303 and "/signin" in signed_out.headers["location"]
    visitor.sign_in("bruno")
    assert visitor.get("/o/nowhere/cred").status_code == 404


def test_many_members_are_grouped_as_everyone_else(visitor: Visitor, community: Community) -> None:
    from partage.core.roles import Role
    from partage.services.organizations import add_member

    c = community
    ids = []
    for n in range(12):
        with c.uow() as u:
            ids.append(
                add_member(u, actor=c.admin, name=f"Membre {n}", role=Role.MEMBER, now=c.clock()).id
            )
    for n, member_id in enumerate(ids):
        record(c, member_id, "animation", date(2026, 2, 2), str(n + 1), f"travail {n}")
    visitor.sign_in("bruno")
    page = visitor.get(PAGE).text
    legend = page[page.index('class="legend cred-legend"') : page.index("</figcaption>")]
    assert legend.count('class="swatch"') == 9  # eight members and everyone else
    assert "Everyone else" in legend and "Membre 11" in legend and "Membre 0" not in legend
    # Bruno has no cred: the sources shown are the first member's
    assert "Where Membre 11’s cred came from" in page


def test_the_chart_stays_legible_at_fifty_members_and_150_weeks() -> None:
    """Nine colours at most, one bar per week inside the frame, each as tall as its week's
    cred on the axis's scale."""
    from datetime import timedelta

    from partage.services.org_cred import MemberCred, OrgCred
    from partage.web import cred as page

    weeks = tuple(date(2023, 1, 1) + timedelta(weeks=w) for w in range(150))
    members = tuple(
        MemberCred(i, f"M{i}", 0.0, tuple(((i * 7 + w) % 11) / (i + 1) for w in range(150)), ())
        for i in range(50)
    )
    members = tuple(
        sorted(
            (MemberCred(m.member_id, m.name, sum(m.per_week), m.per_week, ()) for m in members),
            key=lambda m: -m.cred,
        )
    )
    found = OrgCred(weeks, members, sum(m.cred for m in members), 0.0)
    series = page.series_of(found, "others")
    assert len(series) == 9 and series[-1].member_id is None
    assert [s.member_id for s in series[:8]] == [m.member_id for m in members[:8]]
    chart = page.chart_of(
        found, series, number=str, day=date.isoformat, bar_title=lambda n, w, v: n
    )
    assert len(chart.x_ticks) == 6 and chart.y_ticks[0].label == "0.0"
    scale = (chart.bottom - page.TOP_MARGIN) / float(chart.y_ticks[-1].label)
    for w in (0, 77, 149):
        x = page.LEFT + w * (page.WIDTH - page.LEFT - page.RIGHT) / 150
        stack = [
            b for b in chart.bars if x <= b.x < x + (page.WIDTH - page.LEFT - page.RIGHT) / 150
        ]
        total = sum(m.per_week[w] for m in members)
        assert sum(b.height for b in stack) == pytest.approx(total * scale)
        assert min(b.y for b in stack) >= page.TOP_MARGIN - 1e-9
    assert all(b.x >= page.LEFT and b.x + b.width <= chart.right for b in chart.bars)


def test_a_period_shows_its_weeks_only_and_a_bad_one_is_said(
    visitor: Visitor, recorded: Community
) -> None:
    visitor.sign_in("bruno")
    page = visitor.get(f"{PAGE}?since=2026-02-08&until=2026-02-14").text
    weeks = set(re.findall(r"<title>[^<]+, week of ([^:]+):", page))
    assert weeks == {"8 Feb 2026"}
    # the member links keep the period
    assert (
        f'href="?since=2026-02-08&amp;until=2026-02-14&amp;member={recorded.bruno.member.id}#sources"'
        in page
    )

    nothing = visitor.get(f"{PAGE}?since=2026-06-01")
    assert nothing.status_code == 200
    assert "Nothing was recorded in these weeks that weighs anything." in nothing.text
    assert "Nothing to score yet" not in nothing.text

    backwards = visitor.get(f"{PAGE}?since=2026-02-14&until=2026-02-01&lang=fr")
    assert backwards.status_code == 400
    assert "Le début de la période est après sa fin." in backwards.text
    assert "<svg" in backwards.text  # every week instead
    bad = visitor.get(f"{PAGE}?since=someday&lang=en")
    assert bad.status_code == 400 and "Type a date such as 2026-03-14." in bad.text
    assert 'name="since" value="someday" aria-invalid="true"' in bad.text
