"""A round's page: declaring, the gauge, opening and closing a round through the forms."""

from __future__ import annotations

from partage.core import chart
from partage.services import ledger, rounds
from tests.conftest import Community
from tests.web.conftest import Visitor, declare, open_round


def claims_of(c: Community, round_id: int) -> int:
    with c.uow(readonly=True) as u:
        return len(rounds.view_round(u, actor=c.admin, round_id=round_id, now=c.clock()).claims)


def test_declaring_a_claim_with_a_comma_amount(visitor: Visitor, community: Community) -> None:
    round_id = open_round(community)
    visitor.sign_in("bruno")
    page = visitor.post(
        f"/o/tiers-lieux/rounds/{round_id}/claims",
        {"amount": "1 200,50", "justification": "Trois jours de chantier", "hours": "21,5"},
    )
    assert page.status_code == 200
    assert page.url.path.startswith("/o/tiers-lieux/claims/")
    assert "€1,200.50" in page.text
    assert "Trois jours de chantier" in page.text
    assert "In objection window" in page.text
    with community.uow(readonly=True) as u:
        [record] = rounds.view_round(
            u, actor=community.admin, round_id=round_id, now=community.clock()
        ).claims
    assert record.claim.amount == 120_050
    assert str(record.hours) == "21.5"


def test_a_bad_amount_is_shown_next_to_the_field_and_nothing_is_written(
    visitor: Visitor, community: Community
) -> None:
    round_id = open_round(community)
    visitor.sign_in("bruno")
    for amount, message in (
        ("douze", "Type an amount such as 12.50 or 12,50."),
        ("12,505", "This amount has more decimals than the currency allows."),
        ("-3", "The amount must not be negative."),
        ("0", "The amount must be greater than zero."),
        ("1e3", "Type an amount such as 12.50 or 12,50."),
    ):
        page = visitor.post(
            f"/o/tiers-lieux/rounds/{round_id}/claims",
            {"amount": amount, "justification": "atelier vélo"},
        )
        assert page.status_code == 400, amount
        assert f'<p class="field-error" role="alert">{message}</p>' in page.text
        assert 'aria-invalid="true"' in page.text
        assert "atelier vélo</textarea>" in page.text  # what was typed is kept
    assert claims_of(community, round_id) == 0


def test_a_malformed_mission_id_is_a_message_not_a_crash(
    visitor: Visitor, community: Community
) -> None:
    round_id = open_round(community)
    visitor.sign_in("bruno")
    page = visitor.post(
        f"/o/tiers-lieux/rounds/{round_id}/claims",
        {"amount": "10", "justification": "x", "mission": "abc", "contribution": "zz"},
    )
    assert page.status_code == 400
    assert claims_of(community, round_id) == 0


def test_the_round_page_shows_the_gauge_and_each_claims_state(
    visitor: Visitor, community: Community
) -> None:
    c = community
    round_id = open_round(c, envelope=100_000)
    declare(c, c.bruno, round_id, 60_000)
    disputed = declare(c, c.chloe, round_id, 30_000)
    with c.uow() as u:
        rounds.object_to_claim(u, actor=c.dario, claim_id=disputed, reason="?", now=c.clock())
    c.clock.advance(days=3)
    visitor.sign_in("dario")
    page = visitor.get(f"/o/tiers-lieux/rounds/{round_id}").text
    assert "€900.00</strong> declared of an envelope of <strong>€1,000.00" in page
    assert 'class="seg pending" style="width: 60.0%"' in page
    assert 'class="seg objected" style="width: 30.0%"' in page
    assert "In objection window · 4 days left" in page
    assert "Under objection" in page


def test_an_admin_opens_a_round_with_missions_and_rates(
    visitor: Visitor, community: Community
) -> None:
    visitor.sign_in("aicha")
    form = {
        "name": "Été 2026",
        "envelope": "2000",
        "window_days": "5",
        "policy": "in_order",
        "unspent": "return",
        "mission_name": ["Accueil", "", ""],
        "mission_steward": [str(community.chloe.member.id), "", ""],
        "mission_envelope": ["500", "", ""],
        "rate_activity": ["Animation", "", ""],
        "rate_amount": ["25,00", "", ""],
        "rate_unit": ["hour", "hour", "hour"],
    }
    page = visitor.post("/o/tiers-lieux/rounds/new", form)
    assert page.status_code == 200, page.text
    assert "The round is open" in page.text
    assert "Été 2026" in page.text
    assert "Accueil" in page.text and "steward: Chloé" in page.text
    assert "€25.00 / hour" in page.text
    assert "in order of acceptance" in page.text


def test_opening_a_round_beyond_the_fund_keeps_the_form(
    visitor: Visitor, community: Community
) -> None:
    visitor.sign_in("aicha")
    form = {"name": "Trop", "envelope": "20000", "window_days": "7", "policy": "pro_rata"}
    page = visitor.post("/o/tiers-lieux/rounds/new", form)
    assert page.status_code == 400
    assert "The commons fund holds €10,000.00: not enough for €20,000.00." in page.text
    assert 'value="Trop"' in page.text
    bad_window = visitor.post(
        "/o/tiers-lieux/rounds/new", {**form, "envelope": "10", "window_days": "x"}
    )
    assert "The objection window is between 1 and 366 days." in bad_window.text
    with community.uow(readonly=True) as u:
        assert rounds.rounds(u, actor=community.admin) == []


def test_closing_shows_the_report(visitor: Visitor, community: Community) -> None:
    c = community
    round_id = open_round(c, envelope=100_000)
    declare(c, c.bruno, round_id, 80_000)
    declare(c, c.chloe, round_id, 40_000)
    disputed = declare(c, c.dario, round_id, 10_000)
    with c.uow() as u:
        rounds.object_to_claim(u, actor=c.bruno, claim_id=disputed, reason="?", now=c.clock())
    c.clock.advance(days=8)
    visitor.sign_in("aicha")
    page = visitor.post(f"/o/tiers-lieux/rounds/{round_id}/close")
    assert page.status_code == 200
    assert "Closing report" in page.text
    # pro rata: 1 000 € for 1 200 € of accepted claims → 5/6 each.
    assert "€666.67" in page.text and "€333.33" in page.text
    assert f'href="/o/tiers-lieux/claims/{disputed}">claim #{disputed}' in page.text
    assert "Close the round</button>" not in page.text
    with c.uow(readonly=True) as u:
        owed = ledger.balance_of(u, actor=c.admin, account=chart.member_account(c.bruno.member.id))
    assert owed.minor == 66_667
    again = visitor.post(f"/o/tiers-lieux/rounds/{round_id}/close")
    assert again.status_code == 409
