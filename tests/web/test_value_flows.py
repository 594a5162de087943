"""The money flows page, its CSV exports and a member's transactions on their statement, in
English and French, on the March of tests/services/test_value_flows.py."""

from __future__ import annotations

import csv
import io
import re

import pytest

from partage.services import organizations
from tests.conftest import Community
from tests.services.test_value_flows import at, refund, sale, set_rules
from tests.web.conftest import Visitor

FLOWS = "/o/tiers-lieux/flows"


@pytest.fixture
def march(community: Community) -> Community:
    set_rules(community)
    sale(community, community.bruno, "cmd-1")
    sale(community, community.chloe, "cmd-2", occurred_at=at(3))
    refund(community, "cmd-2", "rb-2", 1000, day=5)
    return community


def svg_texts(html: str) -> list[str]:
    svg = html[html.index("<svg") : html.index("</svg>")]
    return [
        re.sub(r"<[^>]+>", "", text).replace("\u00a0", " ").replace("\u202f", " ").strip()
        for text in re.findall(r"<text[^>]*>(.*?)</text>", svg)
    ]


def test_the_flows_of_the_month_drawn_and_tabled(visitor: Visitor, march: Community) -> None:
    visitor.sign_in("dario")
    page = visitor.get(FLOWS)  # the clock is on March 2, 2026: this month is March
    assert page.status_code == 200
    assert 'aria-current="page">Money flows</a>' in page.text
    assert svg_texts(page.text) == [
        "Sales €89.98",
        "Paid to the parties €76.84",
        "Commission €11.34",
        "Shares of the amount €1.80",
        "Members paid (2) €76.84",
        "Operations €5.67",
        "Impartible reserve €3.40",
        "Project solidarite €2.27",
        "Pool contributeurs €1.80",
    ]
    # Five ribbons from the parts, three from the sales.
    assert page.text.count('class="ribbon"') == 8
    assert '<td>Bruno</td><td class="num">€42.69</td>' in page.text
    assert 'href="/o/tiers-lieux/flows.csv?since=2026-03-01&amp;until=2026-03-31"' in page.text


def test_in_french_with_another_period(visitor: Visitor, march: Community) -> None:
    visitor.sign_in("olga")
    page = visitor.get(f"{FLOWS}?since=2026-03-03&until=2026-04-30&lang=fr")
    texts = svg_texts(page.text)
    # From March 3 only Chloé's sale and its refund: 49.99 − 10.00.
    assert texts[:2] == ["Ventes 39,99 €", "Versé aux parties 34,15 €"]
    assert "Réserve impartageable 1,51 €" in texts
    assert "Membres payés (1) 34,15 €" in texts


def test_an_empty_period_and_a_bad_day(visitor: Visitor, march: Community) -> None:
    visitor.sign_in("bruno")
    empty = visitor.get(f"{FLOWS}?since=2025-01-01&until=2025-01-31")
    assert "No transaction in this period." in empty.text and "<svg" not in empty.text
    assert visitor.get(f"{FLOWS}?since=mars").status_code == 400
    assert visitor.get(f"{FLOWS}?since=2026-03-31&until=2026-03-01").status_code == 400


def test_csv_exports_for_members_only(visitor: Visitor, march: Community) -> None:
    signed_out = visitor.client.get(f"{FLOWS}.csv", follow_redirects=False)
    assert signed_out.status_code in (302, 303, 401), signed_out.status_code
    assert "text/csv" not in signed_out.headers.get("content-type", "")
    visitor.sign_in("bruno")
    totals = visitor.get(f"{FLOWS}.csv?since=2026-03-01&until=2026-03-31")
    assert totals.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(totals.text)))
    assert sum(int(r["amount"].replace(".", "")) for r in rows) == 8998
    lines = visitor.get(f"{FLOWS}.csv?since=2026-03-01&until=2026-03-31&detail=1")
    assert len(list(csv.DictReader(io.StringIO(lines.text)))) == 15
    chloe = march.chloe.member.id
    mine = visitor.get(f"/o/tiers-lieux/members/{chloe}/statement.csv")
    assert [r["net"] for r in csv.DictReader(io.StringIO(mine.text))] == ["42.69", "-8.54"]
    assert visitor.get("/o/tiers-lieux/members/999/statement.csv").status_code == 404


def test_a_member_s_statement_shows_their_transactions(visitor: Visitor, march: Community) -> None:
    visitor.sign_in("bruno")
    chloe = march.chloe.member.id
    page = visitor.get(f"/o/tiers-lieux/members/{chloe}")
    section = page.text[page.text.index('id="transactions"') :]
    # Her 49.99 € sale, 10 € refunded: 42.69 − 8.54 paid to her, 6.30 − 1.26 commission.
    for figure in ("€49.99", "€10.00", "€5.04", "€0.80", "€34.15"):
        assert figure in section
    assert 'href="/o/tiers-lieux/transactions/cmd-2"' in section
    assert "refund" in section
    # Dario sold nothing this month: no section, unless he asks for a period.
    dario = march.dario.member.id
    assert 'id="transactions"' not in visitor.get(f"/o/tiers-lieux/members/{dario}").text
    asked = visitor.get(f"/o/tiers-lieux/members/{dario}?since=2026-03-01&until=2026-03-31")
    assert "No transaction in this period." in asked.text


def test_the_public_page_shows_the_flows_and_their_totals_only(
    visitor: Visitor, march: Community
) -> None:
    with march.uow() as u:
        organizations.set_public_page(u, actor=march.admin, public=True)
    page = visitor.get("/p/tiers-lieux")
    assert svg_texts(page.text)[0] == "Sales €89.98"
    assert 'href="/p/tiers-lieux/flows.csv?since=2026-03-01&amp;until=2026-03-31"' in page.text
    assert "detail=1" not in page.text
    totals = visitor.get("/p/tiers-lieux/flows.csv?since=2026-03-01&until=2026-03-31")
    assert (
        sum(int(r["amount"].replace(".", "")) for r in csv.DictReader(io.StringIO(totals.text)))
        == 8998
    )
    with march.uow() as u:
        organizations.set_public_page(u, actor=march.admin, public=False)
    assert visitor.get("/p/tiers-lieux/flows.csv").status_code == 404
