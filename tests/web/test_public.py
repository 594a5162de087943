"""The public page: shown without sign-in only when the organization turned it on."""

from __future__ import annotations

from partage.services import rounds
from tests.conftest import Community
from tests.web.conftest import Visitor, declare, open_round


def test_the_public_page_is_off_by_default_then_on(visitor: Visitor, community: Community) -> None:
    c = community
    round_id = open_round(c, envelope=100_000)
    claim_id = declare(c, c.bruno, round_id, 40_000)
    with c.uow() as u:
        record = rounds.object_to_claim(
            u, actor=c.chloe, claim_id=claim_id, reason="?", now=c.clock()
        )
    with c.uow() as u:
        rounds.withdraw_objection(
            u,
            actor=c.chloe,
            claim_id=claim_id,
            objection_id=record.claim.objections[0].id,
            now=c.clock(),
        )
    assert visitor.get("/p/tiers-lieux").status_code == 404
    assert "Réseau tiers-lieux" not in visitor.get("/").text

    visitor.sign_in("bruno")
    refused = visitor.post("/o/tiers-lieux/settings/public", {"public": "on"})
    assert refused.status_code == 403
    visitor.post("/signout")
    visitor.sign_in("aicha")
    page = visitor.post("/o/tiers-lieux/settings/public", {"public": "on"})
    assert "The public page setting is saved." in page.text
    visitor.post("/signout")

    home = visitor.get("/").text
    assert 'href="/p/tiers-lieux"' in home
    public = visitor.get("/p/tiers-lieux")
    assert public.status_code == 200
    assert "Printemps 2026" in public.text
    assert "Bruno" in public.text and "€400.00" in public.text
    assert "withdrawn by its author" in public.text
    assert "Commons fund" in public.text
    assert "@tiers-lieux.example" not in public.text  # no member's email
    assert "Sign out" not in public.text

    visitor.sign_in("aicha")
    visitor.post("/o/tiers-lieux/settings/public", {})
    assert visitor.get("/p/tiers-lieux").status_code == 404
