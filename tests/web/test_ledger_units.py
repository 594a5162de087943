"""The journal names a member's account by what it holds: hours are a balance, not a debt."""

from __future__ import annotations

from partage.services import units
from tests.conftest import Community
from tests.web.conftest import Visitor


def test_an_exchange_of_hours_reads_as_balances_in_the_journal(
    visitor: Visitor, community: Community
) -> None:
    c = community
    with c.uow() as u:
        units.define_unit(
            u, actor=c.admin, code="HOUR", name="Time bank", kind="time", now=c.clock()
        )
    with c.uow() as u:
        units.exchange(
            u,
            actor=c.chloe,
            code="HOUR",
            giver_id=c.bruno.member.id,
            quantity="2",
            service="Réparation d'un vélo",
            now=c.clock(),
        )
    visitor.sign_in("bruno")
    page = visitor.get("/o/tiers-lieux/ledger").text
    entry = page[page.index("Réparation") :]
    entry = entry[: entry.index("</article>")]
    assert "Balance of Bruno" in entry and "Balance of Chloé" in entry
    assert "Owed to" not in entry
