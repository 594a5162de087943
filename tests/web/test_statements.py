"""A member's statement, and the members list with the value that went through each."""

from __future__ import annotations

from datetime import timedelta

from partage.core.claims import Disposition
from partage.core.closing import Policy, UnspentRule
from partage.services import contributions, ledger, rounds
from tests.conftest import Community
from tests.web.conftest import Visitor, declare, open_round


def a_closed_round_paid_in_part(c: Community) -> int:
    """Bruno takes 500 € (300 € paid out), waives 100 €; Chloé redirects 200 € to Bruno."""
    round_id = open_round(c, envelope=200_000)
    declare(c, c.bruno, round_id, 50_000)
    with c.uow() as u:
        rounds.declare_claim(
            u,
            actor=c.bruno,
            round_id=round_id,
            amount=10_000,
            justification="Permanence du samedi",
            now=c.clock(),
            disposition=Disposition.WAIVE,
        )
    with c.uow() as u:
        rounds.declare_claim(
            u,
            actor=c.chloe,
            round_id=round_id,
            amount=20_000,
            justification="Accueil",
            now=c.clock(),
            disposition=Disposition.REDIRECT,
            redirect_to=f"member:{c.bruno.member.id}",
        )
    with c.uow() as u:
        contributions.record(
            u,
            actor=c.bruno,
            activity="Atelier vélo",
            occurred_on=c.clock().date(),
            hours="6",
            description="Réparations",
            now=c.clock(),
        )
    c.clock.advance(days=8)
    with c.uow() as u:
        rounds.close(u, actor=c.admin, round_id=round_id, now=c.clock())
    with c.uow() as u:
        ledger.pay_member(
            u,
            actor=c.admin,
            member_id=c.bruno.member.id,
            amount=30_000,
            reference="VIR-42",
            now=c.clock(),
        )
    return round_id


def test_a_statement_shows_value_taken_given_owed_and_paid(
    visitor: Visitor, community: Community
) -> None:
    c = community
    round_id = a_closed_round_paid_in_part(c)
    spring = open_round(c, envelope=10_000, name="Été 2026")
    declare(c, c.bruno, spring, 5_000)

    visitor.sign_in("dario")
    page = visitor.get(f"/o/tiers-lieux/members/{c.bruno.member.id}")
    assert page.status_code == 200
    text = page.text
    assert "<h1>Bruno" in text
    assert "college Contributeurs" in text
    assert "<dt>Taken</dt><dd>€500.00</dd>" in text
    assert "<dt>Waived</dt><dd>€100.00</dd>" in text
    assert "<dt>Paid out</dt><dd>€300.00</dd>" in text
    # 500 € taken + 200 € Chloé redirected to him − 300 € paid out.
    assert "<dt>Owed, not yet paid</dt><dd>€400.00</dd>" in text
    assert "VIR-42" in text
    assert f'href="/o/tiers-lieux/rounds/{round_id}">Printemps 2026</a>' in text
    assert f'href="/o/tiers-lieux/rounds/{spring}">Été 2026</a>' in text
    assert "Granted in full." in text
    assert "decided at the round's closing" in text
    assert "Atelier vélo" in text and "Réparations" in text
    assert "bruno@tiers-lieux.example" not in text  # Dario is not an admin

    chloe = visitor.get(f"/o/tiers-lieux/members/{c.chloe.member.id}").text
    assert "<dt>Redirected</dt><dd>€200.00</dd>" in chloe
    assert "Redirected: €200.00 went to Bruno." in chloe
    assert "Nothing paid out yet." in chloe

    french = visitor.get(f"/o/tiers-lieux/members/{c.bruno.member.id}?lang=fr").text
    assert "<dt>Pris</dt><dd>500,00\u00a0€</dd>" in french
    assert "<dt>Renoncé</dt><dd>100,00\u00a0€</dd>" in french


def test_the_members_list_shows_value_at_a_glance_and_links_statements(
    visitor: Visitor, community: Community
) -> None:
    c = community
    a_closed_round_paid_in_part(c)
    visitor.sign_in("olga")  # an observer reads it too
    page = visitor.get("/o/tiers-lieux/members").text
    row = page.split(f'href="/o/tiers-lieux/members/{c.bruno.member.id}">Bruno</a>')[1]
    row = row.split("</tr>")[0]
    cells = [cell.split("</td>")[0].strip() for cell in row.split('<td class="num">')[1:]]
    assert cells == ["€500.00", "€100.00", "—", "€400.00"]
    chloe = page.split(f'href="/o/tiers-lieux/members/{c.chloe.member.id}">Chloé</a>')[1]
    assert "€200.00" in chloe.split("</tr>")[0]
    assert "bruno@tiers-lieux.example" not in page  # emails are for admins


def test_a_debt_of_the_collective_shows_on_the_statement(
    visitor: Visitor, community: Community
) -> None:
    c = community
    with c.uow() as u:
        round_id = rounds.open_round(
            u,
            actor=c.admin,
            name="Hiver",
            envelope=10_000,
            window=timedelta(days=7),
            policy=Policy.DEBT,
            unspent_rule=UnspentRule.RETURN,
            now=c.clock(),
        ).id
    declare(c, c.dario, round_id, 25_000)
    c.clock.advance(days=8)
    with c.uow() as u:
        rounds.close(u, actor=c.admin, round_id=round_id, now=c.clock())
    visitor.sign_in("aicha")
    page = visitor.get(f"/o/tiers-lieux/members/{c.dario.member.id}").text
    assert "<dt>Debt of the collective to them</dt><dd>€150.00</dd>" in page
    assert "dario@tiers-lieux.example" in page  # an admin sees emails
