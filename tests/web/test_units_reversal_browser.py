"""Reversing a unit operation in a real headless Chromium, in French and in English: a
purchase recorded twice is reversed by the admin with a reason; the page marks it, shows the
reversal, and the buyer's balance and the fund are back. A grant already spent is refused,
naming the member. Screenshots go to test-artifacts/screenshots/units-reversal-*.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from partage.services import ledger, units
from tests.conftest import Community, FakeClock
from tests.web.conftest import CHROMIUM, serve, shoot
from tests.web.test_browser import member_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

TEXT = {
    "fr": {
        "reverse": "Annuler",
        "done": "L’opération est annulée : son exact opposé est enregistré.",
        "marked": "Annulée",
        "refused": "Impossible d’annuler : le solde de Dario est de 1 CREDIT et passerait à "
        "-4 CREDIT, sous la limite de -0 CREDIT.",
    },
    "en": {
        "reverse": "Reverse",
        "done": "The operation is reversed: its exact opposite is recorded.",
        "marked": "Reversed",
        "refused": "This cannot be reversed: Dario's balance is 1 CREDIT and would go to "
        "-4 CREDIT, below the limit of -0 CREDIT.",
    },
}


@pytest.fixture
def live_url(db_url: str, clock: FakeClock, community: Community) -> Iterator[str]:
    c = community
    with c.uow() as u:
        units.define_unit(u, actor=c.admin, code="CREDIT", name="Crédits", kind="credit",
                          price="0.50", now=c.clock())  # fmt: skip
    for quantity in ("20", "20"):  # the same purchase, recorded twice
        with c.uow() as u:
            units.buy(u, actor=c.admin, code="CREDIT", member_id=c.chloe.member.id,
                      quantity=quantity, now=c.clock())  # fmt: skip
    with c.uow() as u:
        units.grant(u, actor=c.admin, code="CREDIT", member_id=c.dario.member.id, quantity="5",
                    reason="crédits de bienvenue", now=c.clock())  # fmt: skip
    with c.uow() as u:
        units.spend(u, actor=c.dario, code="CREDIT", quantity="4", purpose="publier une offre",
                    now=c.clock())  # fmt: skip
    with serve(db_url, clock) as url:
        yield url


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_purchase_recorded_twice_is_reversed(
    chromium: object, live_url: str, community: Community, lang: str
) -> None:
    t, c = TEXT[lang], community
    with c.uow(readonly=True) as u:
        moves = units.movements(u, actor=c.admin)
    second = next(op for op in moves if op.kind == "buy")  # the latest purchase
    grant = next(op for op in moves if op.kind == "grant")
    aicha = member_page(chromium, live_url, lang, "aicha")
    aicha.goto("/o/tiers-lieux/units")  # type: ignore[attr-defined]
    row = aicha.locator(f"#operation-{second.id}")  # type: ignore[attr-defined]
    row.locator("summary").click()
    row.locator('input[name="reason"]').fill("enregistré deux fois")
    row.locator('button[type="submit"]').click()
    assert t["done"] in aicha.text_content("main")  # type: ignore[attr-defined]
    marked = aicha.locator(f"#operation-{second.id}")  # type: ignore[attr-defined]
    assert t["marked"] in marked.text_content()
    assert marked.locator("summary").count() == 0
    assert marked.locator("del").count() == 1
    shoot(aicha, f"units-reversal-{lang}-reversed")
    # Dario spent 4 of his 5 welcome credits: the grant cannot be taken back.
    row = aicha.locator(f"#operation-{grant.id}")  # type: ignore[attr-defined]
    row.locator("summary").click()
    row.locator('input[name="reason"]').fill("erreur")
    row.locator('button[type="submit"]').click()
    assert t["refused"] in aicha.text_content("main")  # type: ignore[attr-defined]
    reopened = aicha.locator(f"#operation-{grant.id} details")  # type: ignore[attr-defined]
    assert reopened.get_attribute("open") is not None
    assert reopened.locator('input[name="reason"]').input_value() == "erreur"
    shoot(aicha, f"units-reversal-{lang}-refused")
    aicha.context.close()  # type: ignore[attr-defined]
    with c.uow(readonly=True) as u:
        held = {b.unit.code: b.balance for b in units.balances(u, actor=c.chloe)}
        fund = ledger.balance_of(u, actor=c.admin, account="fund:operations").minor
        assert ledger.check(u, actor=c.admin).ok
    assert held == {"CREDIT": 20} and fund == 1000
