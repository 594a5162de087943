"""The ledger page with its admin forms, members, contributions and settings."""

from __future__ import annotations

from datetime import date

import pytest

from partage.core import chart
from partage.services import contributions, ledger, organizations
from tests.conftest import Community
from tests.web.conftest import Visitor, declare, open_round


def test_the_ledger_shows_entries_balances_and_the_check(
    visitor: Visitor, community: Community
) -> None:
    visitor.sign_in("bruno")
    page = visitor.get("/o/tiers-lieux/ledger").text
    assert "Subvention de la Région" in page
    assert "The books check out: 1 entries" in page
    assert "Commons fund" in page and "€10,000.00" in page
    assert "Record money coming in" not in page  # not an admin


def test_an_admin_deposits_and_pays_a_member(visitor: Visitor, community: Community) -> None:
    c = community
    round_id = open_round(c, envelope=100_000)
    declare(c, c.bruno, round_id, 50_000)
    c.clock.advance(days=8)
    visitor.sign_in("aicha")
    visitor.post(f"/o/tiers-lieux/rounds/{round_id}/close")
    page = visitor.post("/o/tiers-lieux/ledger/deposit", {"amount": "250,5", "memo": "Dons"})
    assert "The deposit is recorded." in page.text
    too_much = visitor.post(
        "/o/tiers-lieux/ledger/payout",
        {"member": str(c.bruno.member.id), "amount": "600", "reference": "VIR-1"},
    )
    assert too_much.status_code == 400
    assert "This member is owed less than this payout." in too_much.text
    paid = visitor.post(
        "/o/tiers-lieux/ledger/payout",
        {"member": str(c.bruno.member.id), "amount": "500,00", "reference": "VIR-1"},
    )
    assert "The payout is recorded." in paid.text
    assert "Paid out to Bruno (ref. VIR-1)" in paid.text
    with c.uow(readonly=True) as u:
        assert ledger.balance_of(u, actor=c.admin, account=chart.COMMONS).minor == 925_050
        owed = ledger.balance_of(u, actor=c.admin, account=chart.member_account(c.bruno.member.id))
        assert owed.minor == 0
        assert ledger.check(u, actor=c.admin).ok
    bad = visitor.post(
        "/o/tiers-lieux/ledger/payout", {"member": "abc", "amount": "1", "reference": "x"}
    )
    assert bad.status_code == 400


def test_members_page_and_adding_a_member_and_a_college(
    visitor: Visitor, community: Community
) -> None:
    visitor.sign_in("aicha")
    page = visitor.get("/o/tiers-lieux/members").text
    assert "Olga" in page and "observer" in page and "Contributeurs" in page
    visitor.post("/o/tiers-lieux/colleges", {"college": "Salariés", "weight": "30"})
    added = visitor.post(
        "/o/tiers-lieux/members",
        {
            "name": "Emma",
            "email": "emma@tiers-lieux.example",
            "password": "un mot de passe",
            "role": "member",
            "college": "Salariés",
            "kind": "person",
        },
    )
    assert "The member is added." in added.text
    assert "Emma" in added.text
    duplicate = visitor.post(
        "/o/tiers-lieux/members", {"name": "Emma bis", "email": "emma@tiers-lieux.example"}
    )
    assert duplicate.status_code == 409
    assert "This person is already a member." in duplicate.text
    visitor.post("/signout")
    assert "Your organizations" in visitor.sign_in("emma", password="un mot de passe").text
    with community.uow(readonly=True) as u:
        names = [v.member.name for v in organizations.members(u, actor=community.admin)]
    assert names.count("Emma") == 1 and "Emma bis" not in names


def test_recording_filtering_and_importing_contributions(
    visitor: Visitor, community: Community
) -> None:
    c = community
    visitor.sign_in("bruno")
    page = visitor.post(
        "/o/tiers-lieux/contributions",
        {"activity": "accueil", "date": "2026-03-01", "hours": "3,5", "description": "permanence"},
    )
    assert "The contribution is recorded." in page.text
    assert "permanence" in page.text
    future = visitor.post(
        "/o/tiers-lieux/contributions", {"activity": "accueil", "date": "2027-01-01", "hours": "1"}
    )
    assert future.status_code == 400
    assert "A contribution is recorded once it is done." in future.text

    bad_csv = b"member,activity,date,hours\nBruno,atelier,2026-02-01,2\nBruno,atelier,hier,2\n"
    report = visitor.post(
        "/o/tiers-lieux/contributions/import", {}, files={"file": ("c.csv", bad_csv, "text/csv")}
    )
    assert report.status_code == 400
    assert "Nothing was imported" in report.text
    assert "<td>3</td><td>date</td>" in report.text
    good_csv = b"member,activity,date,hours\nBruno,atelier,2026-02-01,2\n"
    imported = visitor.post(
        "/o/tiers-lieux/contributions/import", {}, files={"file": ("c.csv", good_csv, "text/csv")}
    )
    assert "The file is imported." in imported.text
    with c.uow(readonly=True) as u:
        found = contributions.find(u, actor=c.admin, member_id=c.bruno.member.id)
    assert sorted(x.occurred_on for x in found) == [date(2026, 2, 1), date(2026, 3, 1)]

    filtered = visitor.get("/o/tiers-lieux/contributions?since=2026-02-15").text
    assert (
        "permanence" in filtered
        and "atelier" not in filtered.split("<tbody>")[1].split("</tbody>")[0]
    )
    bad_filter = visitor.get("/o/tiers-lieux/contributions?since=demain&member=x")
    assert bad_filter.status_code == 400


def test_a_member_creates_an_api_token_shown_once(visitor: Visitor, community: Community) -> None:
    visitor.sign_in("olga")
    page = visitor.post("/o/tiers-lieux/settings/token", {"label": "script"})
    assert "copy it now" in page.text
    assert 'class="token">pt_' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "pt_" not in visitor.get("/o/tiers-lieux/settings").text


def test_refused_csv_rows_are_explained_in_the_readers_language(
    visitor: Visitor, community: Community
) -> None:
    visitor.sign_in("bruno")
    rows = (
        "member,activity,date,hours\n"
        "Personne,atelier,2026-02-01,2\n"
        "Bruno,atelier,2026-02-01,2,en trop\n"
        "Chloé,atelier,2026-02-01,2\n"
        "Bruno,atelier,hier,2\n"
        "Bruno,atelier,2026-02-01,beaucoup\n"
        "Bruno,atelier,2026-02-01,\n"
        "Bruno,atelier,2027-01-01,2\n"
    ).encode()

    def refused(lang: str) -> str:
        page = visitor.post(
            f"/o/tiers-lieux/contributions/import?lang={lang}",
            {},
            files={"file": ("c.csv", rows, "text/csv")},
        )
        assert page.status_code == 400
        return page.text

    french = refused("fr")
    for expected in (
        "<td>2</td><td>member</td><td>Aucun membre ne porte ce numéro ou ce nom exact.</td>",
        "<td>3</td><td></td><td>Cette ligne a plus de cellules que la première ligne",
        "<td>4</td><td>member</td><td>Seul·e un·e admin enregistre",
        "<td>5</td><td>date</td><td>Saisissez une date",
        "<td>6</td><td>hours</td><td>Saisissez un nombre",
        "<td>7</td>",
        "<td>8</td><td>date</td><td>Une contribution s’enregistre",
    ):
        assert expected in french, expected
    english = refused("en")
    assert "<td>2</td><td>member</td><td>There is no member with this number" in english
    assert "<td>7</td><td>hours</td><td>Give hours or a quantity.</td>" in english


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "3 entries numbered without gaps; the latest 2 balanced"),
        ("fr", "3 écritures numérotées sans trou ; les 2 dernières équilibrées"),
    ],
)
def test_a_long_journal_s_page_says_what_it_checked(
    visitor: Visitor, community: Community, monkeypatch: pytest.MonkeyPatch, lang: str, said: str
) -> None:
    with community.uow() as u:
        for n in range(2):
            ledger.deposit(
                u, actor=community.admin, amount=100, memo=f"gift {n}", now=community.clock()
            )
    monkeypatch.setattr(ledger, "FULL_CHECK_UP_TO", 0)
    monkeypatch.setattr(ledger, "LATEST_CHECKED", 2)
    visitor.sign_in("bruno")
    page = visitor.get(f"/o/tiers-lieux/ledger?lang={lang}").text
    assert said in page
    assert "partage ledger check" in page
