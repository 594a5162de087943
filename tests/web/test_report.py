"""The closing report explains each claim's amount: scaled, served in order, waived, redirected,
debts settled first and claims carried — in the reader's language."""

from __future__ import annotations

from datetime import timedelta

from partage.core.claims import Disposition
from partage.core.closing import MissionSpec, Policy, UnspentRule
from partage.services import rounds
from partage.services.context import Actor
from tests.conftest import Community
from tests.web.conftest import Visitor


def open_with(
    c: Community,
    *,
    envelope: int,
    policy: Policy = Policy.PRO_RATA,
    missions: tuple[MissionSpec, ...] = (),
    name: str = "Printemps 2026",
) -> int:
    with c.uow() as u:
        return rounds.open_round(
            u,
            actor=c.admin,
            name=name,
            envelope=envelope,
            window=timedelta(days=7),
            policy=policy,
            unspent_rule=UnspentRule.RETURN,
            now=c.clock(),
            missions=missions,
        ).id


def claim(c: Community, who: Actor, round_id: int, amount: int, **extra: object) -> int:
    with c.uow() as u:
        return rounds.declare_claim(
            u,
            actor=who,
            round_id=round_id,
            amount=amount,
            justification="Ateliers du mois",
            now=c.clock(),
            **extra,  # type: ignore[arg-type]
        ).id


def close(c: Community, round_id: int) -> None:
    with c.uow() as u:
        rounds.close(u, actor=c.admin, round_id=round_id, now=c.clock())


def mission_id(c: Community, round_id: int) -> int:
    with c.uow(readonly=True) as u:
        view = rounds.view_round(u, actor=c.admin, round_id=round_id, now=c.clock())
    return view.missions[0].id


def test_a_scaled_claim_says_how_much_its_pot_covered(
    visitor: Visitor, community: Community
) -> None:
    c = community
    round_id = open_with(c, envelope=100_000, missions=(MissionSpec("Atelier vélo", 50_000),))
    velo = mission_id(c, round_id)
    claim(c, c.bruno, round_id, 40_000, mission_id=velo)
    claim(c, c.chloe, round_id, 40_000, mission_id=velo)
    claim(c, c.dario, round_id, 30_000)
    c.clock.advance(days=8)
    close(c, round_id)

    visitor.sign_in("bruno")
    page = visitor.get(f"/o/tiers-lieux/rounds/{round_id}").text
    assert (
        "Scaled pro rata: the €500.00 envelope of mission “Atelier vélo” covered 62.5% "
        "of the €800.00 claimed."
    ) in page
    assert "Granted in full." in page  # Dario, alone in the general pot
    assert f'href="/o/tiers-lieux/members/{c.bruno.member.id}">Bruno</a>' in page

    french = visitor.get(f"/o/tiers-lieux/rounds/{round_id}?lang=fr").text
    assert (
        "Réduite au prorata : l’enveloppe de 500,00\u00a0€ du chantier « Atelier vélo » "
        "couvrait 62,5\u00a0% des 800,00\u00a0€ demandés."
    ) in french
    assert "Attribuée en totalité." in french


def test_in_order_the_pot_runs_out_then_is_empty(visitor: Visitor, community: Community) -> None:
    c = community
    round_id = open_with(c, envelope=50_000, policy=Policy.IN_ORDER)
    claim(c, c.bruno, round_id, 30_000)
    c.clock.advance(hours=1)
    claim(c, c.chloe, round_id, 30_000)
    c.clock.advance(hours=1)
    claim(c, c.dario, round_id, 10_000)
    c.clock.advance(days=8)
    close(c, round_id)

    visitor.sign_in("aicha")
    page = visitor.get(f"/o/tiers-lieux/rounds/{round_id}").text
    assert (
        "Served in order of acceptance: the €500.00 envelope ran out during this claim, "
        "which got €200.00 of €300.00."
    ) in page
    assert (
        "Nothing granted: its turn, in order of acceptance, came when the €500.00 envelope "
        "was empty."
    ) in page


def test_waived_redirected_and_taken_are_shown_apart(
    visitor: Visitor, community: Community
) -> None:
    c = community
    round_id = open_with(c, envelope=200_000)
    claim(c, c.bruno, round_id, 30_000, disposition=Disposition.WAIVE)
    claim(
        c,
        c.chloe,
        round_id,
        40_000,
        disposition=Disposition.REDIRECT,
        redirect_to="project:jardin",
    )
    claim(
        c,
        c.dario,
        round_id,
        20_000,
        disposition=Disposition.REDIRECT,
        redirect_to=f"member:{c.bruno.member.id}",
    )
    claim(c, c.admin, round_id, 10_000, disposition=Disposition.REDIRECT, redirect_to="commons")
    c.clock.advance(days=8)
    close(c, round_id)

    visitor.sign_in("chloé")
    page = visitor.get(f"/o/tiers-lieux/rounds/{round_id}").text
    assert "Waived: nothing was taken, the amount stayed in the envelope." in page
    assert "Redirected: €400.00 went to project “jardin”." in page
    assert "Redirected: €200.00 went to Bruno." in page
    assert "Redirected: €100.00 went to the commons fund." in page
    figures = page.split('id="report"')[1].split("</dl>")[0]
    assert "<dt>Taken by members</dt><dd>€0.00</dd>" in figures
    assert "<dt>Waived</dt><dd>€300.00</dd>" in figures
    assert "<dt>Redirected</dt><dd>€700.00</dd>" in figures

    french = visitor.get(f"/o/tiers-lieux/rounds/{round_id}?lang=fr").text
    assert "Reversée : 400,00\u00a0€ sont allés au projet « jardin »." in french
    assert "Renoncée : rien n’a été pris, le montant est resté dans l’enveloppe." in french


def test_debts_are_settled_first_and_carried_claims_are_linked(
    visitor: Visitor, community: Community
) -> None:
    c = community
    winter = open_with(c, envelope=50_000, policy=Policy.DEBT, name="Hiver")
    claim(c, c.bruno, winter, 80_000)
    disputed = claim(c, c.chloe, winter, 5_000)
    with c.uow() as u:
        rounds.object_to_claim(u, actor=c.dario, claim_id=disputed, reason="?", now=c.clock())
    c.clock.advance(days=8)
    close(c, winter)
    spring = open_with(c, envelope=100_000, name="Printemps")
    c.clock.advance(days=8)
    close(c, spring)

    visitor.sign_in("dario")
    first = visitor.get(f"/o/tiers-lieux/rounds/{winter}").text
    assert "The remaining €300.00 is a debt of the collective" in first
    assert f'href="/o/tiers-lieux/claims/{disputed}">claim #{disputed}</a> — Chloé, €50.00' in (
        first
    )
    second = visitor.get(f"/o/tiers-lieux/rounds/{spring}").text
    settled = second.split("Debts settled first")[1].split("</table>")[0]
    assert "Bruno" in settled and "€300.00" in settled
