"""The credits and time page: an admin defines units, validates a contribution, records a
purchase; members spend and record exchanges; refusals say why and write nothing."""

from __future__ import annotations

import pytest

from partage.services import contributions, units
from tests.conftest import Community, make_community
from tests.web.conftest import Visitor

ORG = "/o/tiers-lieux"


def written(c: Community) -> tuple[int, int]:
    with c.uow(readonly=True) as u:
        return len(u.ledger.journal(c.admin.org_id)), u.units.count_operations(c.admin.org_id)


def balance(c: Community, who: object, code: str) -> int:
    with c.uow(readonly=True) as u:
        found = units.balances(u, actor=who)  # type: ignore[arg-type]
    return next(b.balance for b in found if b.unit.code == code)


def test_an_admin_sets_up_credits_and_a_member_spends_them(
    visitor: Visitor, community: Community
) -> None:
    c = community
    visitor.sign_in("aicha")
    empty = visitor.get(f"{ORG}/units")
    assert empty.status_code == 200 and "No unit yet." in empty.text
    assert 'href="/o/tiers-lieux/units" aria-current="page"' in empty.text
    saved = visitor.post(f"{ORG}/units", {"code": "credit", "name": "Crédits", "kind": "credit",
                                          "price": "0,50", "purchase_account": "operations"})  # fmt: skip
    assert "The unit is saved." in saved.text
    assert "€0.50 each" in saved.text
    visitor.post(f"{ORG}/units/earning", {"unit": "CREDIT", "activity": "entraide",
                                          "amount": "5", "per": "contribution"})  # fmt: skip
    bought = visitor.post(f"{ORG}/units/buy", {"unit": "CREDIT", "member": str(c.bruno.member.id),
                                               "quantity": "20"})  # fmt: skip
    assert "The purchase is recorded." in bought.text
    assert "Bruno bought" in bought.text and "€10.00" in bought.text
    # In the journal the credits are counted as credits, the money as money.
    books = visitor.get(f"{ORG}/ledger").text
    assert books.count("20\u00a0CREDIT") == 2 and "€10.00" in books
    assert "CREDIT issued (in circulation)" in books
    with c.uow() as u:
        helped = contributions.record(u, actor=c.bruno, activity="entraide",
                                      occurred_on="2026-03-01", hours="1", now=c.clock())  # fmt: skip
    waiting = visitor.get(f"{ORG}/units")
    assert "Contributions to validate" in waiting.text and f"#{helped.id}" in waiting.text
    validated = visitor.post(f"{ORG}/units/earn", {"unit": "CREDIT",
                                                   "contribution": str(helped.id)})  # fmt: skip
    assert "The contribution is validated" in validated.text
    assert "Contributions to validate" not in validated.text
    assert balance(c, c.bruno, "CREDIT") == 25
    # Bruno spends 12 to publish an offer, then tries 14 more: refused, nothing written.
    visitor.get("/signout")
    visitor.client.cookies.clear()
    visitor.sign_in("bruno")
    page = visitor.get(f"{ORG}/units")
    assert "My balances" in page.text and "Define or change a unit" not in page.text
    spent = visitor.post(f"{ORG}/units/spend", {"unit": "CREDIT", "quantity": "12",
                                                "purpose": "publish an offer", "to": ""})  # fmt: skip
    assert "The units are spent." in spent.text
    before = written(c)
    refused = visitor.post(f"{ORG}/units/spend", {"unit": "CREDIT", "quantity": "14",
                                                  "purpose": "book a service", "to": ""})  # fmt: skip
    assert refused.status_code == 400
    assert "Not enough: the balance is 13 CREDIT and may go down to -0 CREDIT." in refused.text
    assert 'value="book a service"' in refused.text  # what was typed comes back
    assert written(c) == before
    assert balance(c, c.bruno, "CREDIT") == 13
    # Buying is for admins: the form is not there and a forged post is refused.
    forged = visitor.post(f"{ORG}/units/buy", {"unit": "CREDIT", "member": str(c.bruno.member.id),
                                               "quantity": "2"})  # fmt: skip
    assert forged.status_code == 403 and written(c) == before


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ("Record a time exchange", "The exchange is recorded: hour for hour.",
                "Not enough: the balance is -2.00 HOUR and may go down to -10.00 HOUR.")),
        ("fr", ("Enregistrer un échange de temps", "L’échange est enregistré : une heure pour une heure.",
                "Pas assez : le solde est de -2,00 HOUR et peut descendre jusqu’à -10,00 HOUR.")),
    ],
)  # fmt: skip
def test_the_time_bank_page(
    visitor: Visitor, community: Community, lang: str, words: tuple[str, str, str]
) -> None:
    c = community
    with c.uow() as u:
        units.define_unit(u, actor=c.admin, code="HOUR", name="Heures", kind="time",
                          now=c.clock())  # fmt: skip
    visitor.get(f"/?lang={lang}")
    visitor.sign_in("chloé")
    page = visitor.get(f"{ORG}/units")
    assert words[0] in page.text
    gave = visitor.post(f"{ORG}/units/exchange", {"unit": "HOUR", "giver": str(c.bruno.member.id),
                                                  "quantity": "2", "service": "jardinage"})  # fmt: skip
    assert words[1] in gave.text
    assert balance(c, c.chloe, "HOUR") == -200 and balance(c, c.bruno, "HOUR") == 200
    before = written(c)
    beyond = visitor.post(f"{ORG}/units/exchange", {"unit": "HOUR",
                                                    "giver": str(c.dario.member.id),
                                                    "quantity": "8,5", "service": "déménagement"})  # fmt: skip
    assert beyond.status_code == 400
    assert words[2] in beyond.text
    assert written(c) == before


def test_an_observer_reads_and_has_no_form(visitor: Visitor, community: Community) -> None:
    c = community
    with c.uow() as u:
        units.define_unit(u, actor=c.admin, code="HOUR", name="Heures", kind="time",
                          now=c.clock())  # fmt: skip
    visitor.sign_in("olga")
    page = visitor.get(f"{ORG}/units")
    assert page.status_code == 200 and "Heures" in page.text
    assert "Record a time exchange" not in page.text and "My balances" not in page.text
    before = written(c)
    refused = visitor.post(f"{ORG}/units/exchange", {"unit": "HOUR",
                                                     "giver": str(c.bruno.member.id),
                                                     "quantity": "1", "service": "x"})  # fmt: skip
    assert refused.status_code == 403
    assert "Observers can read but not act" in refused.text
    assert written(c) == before


def test_another_organizations_units_and_a_forged_form(
    visitor: Visitor, community: Community
) -> None:
    c = community
    other = make_community(c.uow, c.clock, slug="autre")
    with other.uow() as u:
        units.define_unit(u, actor=other.admin, code="SECRET", name="Jetons secrets",
                          now=other.clock())  # fmt: skip
    anonymous = visitor.client.get(f"{ORG}/units", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/signin" in anonymous.headers["location"]
    visitor.sign_in("bruno")
    page = visitor.get("/o/autre/units")
    assert page.status_code == 404 and "Jetons secrets" not in page.text
    before = written(c)
    forged = visitor.post(f"{ORG}/units/spend", {"unit": "CREDIT", "quantity": "1",
                                                 "purpose": "x"}, csrf=False)  # fmt: skip
    assert forged.status_code in (400, 403) and written(c) == before
