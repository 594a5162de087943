"""A claim's thread: objecting, discussing, amending, withdrawing, waiving and redirecting."""

from __future__ import annotations

from partage.core.claims import ClaimStatus, Disposition
from partage.services import rounds
from tests.conftest import Community
from tests.web.conftest import Visitor, declare, open_round


def detail(c: Community, claim_id: int) -> rounds.ClaimDetail:
    with c.uow(readonly=True) as u:
        return rounds.view_claim(u, actor=c.admin, claim_id=claim_id, now=c.clock())


def test_objection_discussion_and_amendment(visitor: Visitor, community: Community) -> None:
    c = community
    claim_id = declare(c, c.bruno, open_round(c), 100_000)
    url = f"/o/tiers-lieux/claims/{claim_id}"

    visitor.sign_in("chloé")
    page = visitor.get(url).text
    assert "Object to this claim" in page
    assert "Amend my claim" not in page
    page = visitor.post(f"{url}/object", {"reason": "C'est beaucoup pour deux jours"}).text
    assert "Your objection is recorded." in page
    assert "Under objection" in page
    assert "Withdraw my objection" in page
    assert detail(c, claim_id).status is ClaimStatus.UNDER_OBJECTION

    visitor.post("/signout")
    visitor.sign_in("bruno")
    page = visitor.get(url).text
    assert "Object to this claim" not in page  # never offered to the claimant
    visitor.post(f"{url}/comment", {"comment": "Trois jours en fait"})
    c.clock.advance(days=2)
    page = visitor.post(f"{url}/amend", {"amount": "600", "note": "d'accord"}).text
    assert "Your claim is amended" in page
    assert "resolved by an amendment" in page
    assert "7 days left" in page  # the window restarted

    found = detail(c, claim_id)
    assert found.record.claim.amount == 60_000
    assert found.status is ClaimStatus.IN_WINDOW
    kinds = [e.kind for e in found.events]
    assert kinds == ["declared", "objected", "comment", "amended"]
    for text in ("declared the claim", "objected", "commented", "amended the claim"):
        assert text in page


def test_the_objector_withdraws(visitor: Visitor, community: Community) -> None:
    c = community
    claim_id = declare(c, c.bruno, open_round(c), 100_000)
    with c.uow() as u:
        record = rounds.object_to_claim(
            u, actor=c.chloe, claim_id=claim_id, reason="?", now=c.clock()
        )
    objection_id = record.claim.objections[0].id
    visitor.sign_in("chloé")
    page = visitor.post(
        f"/o/tiers-lieux/claims/{claim_id}/objections/withdraw", {"objection": str(objection_id)}
    )
    assert "Your objection is withdrawn." in page.text
    assert "withdrawn by its author" in page.text
    assert detail(c, claim_id).status is ClaimStatus.IN_WINDOW


def test_objecting_to_ones_own_claim_or_too_late_is_refused(
    visitor: Visitor, community: Community
) -> None:
    c = community
    claim_id = declare(c, c.bruno, open_round(c), 100_000)
    visitor.sign_in("bruno")
    own = visitor.post(f"/o/tiers-lieux/claims/{claim_id}/object", {"reason": "moi"})
    assert own.status_code == 400
    assert "You cannot object to your own claim." in own.text
    visitor.post("/signout")
    visitor.sign_in("chloé")
    c.clock.advance(days=8)
    late = visitor.post(f"/o/tiers-lieux/claims/{claim_id}/object", {"reason": "trop tard"})
    assert late.status_code == 400
    assert "The objection window of this claim has passed." in late.text
    assert detail(c, claim_id).record.claim.objections == ()


def test_waive_redirect_and_withdraw(visitor: Visitor, community: Community) -> None:
    c = community
    claim_id = declare(c, c.bruno, open_round(c), 30_000)
    url = f"/o/tiers-lieux/claims/{claim_id}"
    visitor.sign_in("bruno")
    page = visitor.post(
        f"{url}/dispose", {"disposition": "redirect", "redirect_to": "project", "project": "jardin"}
    ).text
    assert "Redirected to project “jardin”" in page
    assert detail(c, claim_id).record.claim.redirect_to == "fund:project:jardin"
    visitor.post(f"{url}/dispose", {"disposition": "waive"})
    assert detail(c, claim_id).record.claim.disposition is Disposition.WAIVE
    to_self = visitor.post(
        f"{url}/dispose",
        {"disposition": "redirect", "redirect_to": f"member:{c.bruno.member.id}"},
    )
    assert to_self.status_code == 400
    assert "Redirecting to yourself is taking" in to_self.text
    page = visitor.post(f"{url}/withdraw").text
    assert "Your claim is withdrawn." in page
    assert detail(c, claim_id).status is ClaimStatus.WITHDRAWN


def test_only_the_claimant_amends(visitor: Visitor, community: Community) -> None:
    c = community
    claim_id = declare(c, c.bruno, open_round(c), 30_000)
    visitor.sign_in("chloé")
    page = visitor.post(f"/o/tiers-lieux/claims/{claim_id}/amend", {"amount": "1"})
    assert page.status_code == 403
    assert "Only the claimant can do this." in page.text
    assert detail(c, claim_id).record.claim.amount == 30_000


def test_a_malformed_objection_id_is_a_message(visitor: Visitor, community: Community) -> None:
    c = community
    claim_id = declare(c, c.bruno, open_round(c), 30_000)
    visitor.sign_in("chloé")
    page = visitor.post(f"/o/tiers-lieux/claims/{claim_id}/objections/withdraw", {"objection": "x"})
    assert page.status_code == 400
