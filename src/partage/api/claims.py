"""A claim's consent process: object, withdraw an objection, discuss, amend, withdraw, dispose.

Every change answers with the claim as it now stands (status, objections, thread), read in
the same unit of work that made the change.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from partage.api.context import Now, OrgActor, PathId, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas import minor_units
from partage.api.schemas_claims import (
    AmendIn,
    ClaimDetailOut,
    CommentIn,
    DispositionIn,
    EventOut,
    ObjectionIn,
)
from partage.services import rounds
from partage.services.context import Actor, UnitOfWork

router = APIRouter(
    prefix="/orgs/{slug}/claims", tags=["claims"], route_class=ApiRoute, responses=ERROR_RESPONSES
)


def _detail(u: UnitOfWork, actor: Actor, claim_id: int, now: datetime) -> ClaimDetailOut:
    detail = rounds.view_claim(u, actor=actor, claim_id=claim_id, now=now)
    return ClaimDetailOut.of_detail(detail, actor.organization.currency)


@router.get("/{claim_id}", summary="A claim with its objections and thread")
def get_claim(claim_id: PathId, actor: OrgActor, uow: Units, now: Now) -> ClaimDetailOut:
    with uow(readonly=True) as u:
        return _detail(u, actor, claim_id, now)


@router.post("/{claim_id}/objections", status_code=201, summary="Object to a claim")
def object_to(
    claim_id: PathId, body: ObjectionIn, actor: OrgActor, uow: Units, now: Now
) -> ClaimDetailOut:
    with uow() as u:
        rounds.object_to_claim(u, actor=actor, claim_id=claim_id, reason=body.reason, now=now)
        return _detail(u, actor, claim_id, now)


@router.post("/{claim_id}/objections/{objection_id}/withdraw", summary="Withdraw one's objection")
def withdraw_objection(
    claim_id: PathId, objection_id: PathId, actor: OrgActor, uow: Units, now: Now
) -> ClaimDetailOut:
    with uow() as u:
        rounds.withdraw_objection(
            u, actor=actor, claim_id=claim_id, objection_id=objection_id, now=now
        )
        return _detail(u, actor, claim_id, now)


@router.post("/{claim_id}/comments", status_code=201, summary="Add to the claim's thread")
def comment(claim_id: PathId, body: CommentIn, actor: OrgActor, uow: Units, now: Now) -> EventOut:
    with uow() as u:
        event = rounds.comment(u, actor=actor, claim_id=claim_id, body=body.body, now=now)
    return EventOut.of(event, actor.organization.currency)


@router.post("/{claim_id}/amend", summary="Change the amount (resolves objections)")
def amend(claim_id: PathId, body: AmendIn, actor: OrgActor, uow: Units, now: Now) -> ClaimDetailOut:
    """The claimant's new amount resolves every standing objection and restarts the window."""
    currency = body.checked_currency(actor.organization.currency)
    amount = minor_units(body.amount, currency, field="amount")
    with uow() as u:
        rounds.amend_claim(
            u, actor=actor, claim_id=claim_id, amount=amount, note=body.note, now=now
        )
        return _detail(u, actor, claim_id, now)


@router.post("/{claim_id}/withdraw", summary="Withdraw one's claim")
def withdraw(claim_id: PathId, actor: OrgActor, uow: Units, now: Now) -> ClaimDetailOut:
    with uow() as u:
        rounds.withdraw_claim(u, actor=actor, claim_id=claim_id, now=now)
        return _detail(u, actor, claim_id, now)


@router.post("/{claim_id}/disposition", summary="Take, waive or redirect one's claim")
def dispose(
    claim_id: PathId, body: DispositionIn, actor: OrgActor, uow: Units, now: Now
) -> ClaimDetailOut:
    with uow() as u:
        rounds.dispose_claim(
            u,
            actor=actor,
            claim_id=claim_id,
            disposition=body.disposition,
            redirect_to=body.redirect_to,
            now=now,
        )
        return _detail(u, actor, claim_id, now)
