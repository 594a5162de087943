"""Distributions imported from SourceCred, as the pages show them."""

from __future__ import annotations

from pathlib import Path

from partage.services.sourcecred_community import ImportReport, import_community
from tests.conftest import Community
from tests.web.conftest import Visitor

INSTANCE = Path(__file__).parents[1] / "fixtures" / "sourcecred-test-instance"


def imported(c: Community) -> ImportReport:
    with c.uow() as u:
        return import_community(u, actor=c.admin, path=INSTANCE, now=c.clock())


def test_the_list_and_an_imported_distribution_say_where_they_come_from(
    visitor: Visitor, community: Community
) -> None:
    report = imported(community)
    first = report.distribution_ids[0]
    visitor.sign_in("bruno")
    listed = visitor.get("/o/tiers-lieux/distributions?lang=en").text
    assert listed.count("imported from SourceCred · cred up to") == 6
    assert f'href="/o/tiers-lieux/distributions/{first}"' in listed

    page = visitor.get(f"/o/tiers-lieux/distributions/{first}?lang=en")
    assert page.status_code == 200
    text = page.text
    assert "Paid in SourceCred on" in text and "8CoHqZMDRQ7L1Up6yVqjxQ" in text
    assert "on the cred up to 10 Nov 2019), imported by Aïcha" in text
    assert "Balanced: a budget of 1,000 grain (€1,000.00)" in text
    assert "paid from SourceCred, outside partage&#39;s ledger" in text
    assert "€955.23" in text and "€44.76" in text
    assert text.count("Received in SourceCred (Balanced).") == 2
    assert "Lost to rounding (each receipt rounded down)" in text
    assert "Nothing was paid, so no ledger entry was written." not in text

    french = visitor.get(f"/o/tiers-lieux/distributions/{first}?lang=fr").text
    assert "Versée dans SourceCred le" in french
    assert "sur la cred jusqu’au 10 nov. 2019), importée par Aïcha" in french
    assert "Équilibrée : un budget de 1\u202f000 grain (1\u202f000,00\u00a0€)" in french
    assert french.count("Reçu dans SourceCred (Équilibrée).") == 2
    assert "il n’inscrit rien au journal de partage" in french
