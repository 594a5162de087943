"""Governance: bodies, roles, proposals and what members do on them, and the decision log.

Every change answers with the proposal as it now stands (status, votes or counts, objections,
advice, outcome, its log), read in the same unit of work that made the change. Reading never
closes anything: a proposal past its closing time reads ``due`` until someone posts
``/close`` (see docs/governance.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Query

from partage.api.context import Now, OrgActor, PathId, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas_governance import (
    AdviceIn,
    AmendmentIn,
    BodyOut,
    CircleIn,
    CommentIn,
    ContributionPowerIn,
    ContributionPowerOut,
    DecisionIn,
    LogEntryOut,
    ObjectionIn,
    ProposalIn,
    ProposalViewOut,
    RoleOut,
    VoteIn,
)
from partage.core.errors import InvalidInput
from partage.services import governance
from partage.services.governance import ContributionPower, ProposalView

router = APIRouter(
    prefix="/orgs/{slug}", tags=["governance"], route_class=ApiRoute, responses=ERROR_RESPONSES
)

DEFAULT_OPEN = timedelta(days=7)


def _out(view: ProposalView) -> ProposalViewOut:
    return ProposalViewOut.model_validate(view)


def _closing(body: ProposalIn, now: datetime) -> datetime:
    if body.closes_at is not None and body.closes_in_hours is not None:
        raise InvalidInput(
            "proposal.two_closings",
            "give closes_at or closes_in_hours, not both",
            field="closes_at",
        )
    if body.closes_at is not None:
        return body.closes_at
    if body.closes_in_hours is not None:
        return now + timedelta(hours=body.closes_in_hours)
    return now + DEFAULT_OPEN


@router.get("/bodies", summary="The decision bodies: the assembly, the admins, the circles")
def list_bodies(actor: OrgActor, uow: Units) -> list[BodyOut]:
    with uow(readonly=True) as u:
        return [BodyOut.model_validate(b) for b in governance.bodies(u, actor=actor)]


@router.post("/bodies", status_code=201, summary="Create a circle with named members (admin)")
def create_circle(body: CircleIn, actor: OrgActor, uow: Units, now: Now) -> BodyOut:
    with uow() as u:
        created = governance.create_circle(
            u,
            actor=actor,
            name=body.name,
            member_ids=tuple(body.members),
            now=now,
            allows_blocks=body.allows_blocks,
        )
    return BodyOut.model_validate(created)


@router.get("/roles", summary="Who holds what, since when and until when")
def list_roles(
    actor: OrgActor,
    uow: Units,
    now: Now,
    active: bool = Query(False, description="only the roles held now"),
) -> list[RoleOut]:
    with uow(readonly=True) as u:
        found = governance.roles(u, actor=actor, now=now, active_only=active)
    return [RoleOut.model_validate(r) for r in found]


@router.get("/proposals", summary="The proposals, newest first")
def list_proposals(
    actor: OrgActor,
    uow: Units,
    now: Now,
    status: str | None = Query(None, description="open, due or closed", max_length=10),
) -> list[ProposalViewOut]:
    with uow(readonly=True) as u:
        return [_out(v) for v in governance.proposals(u, actor=actor, now=now, status=status)]


@router.post("/proposals", status_code=201, summary="Open a proposal in a body")
def open_proposal(body: ProposalIn, actor: OrgActor, uow: Units, now: Now) -> ProposalViewOut:
    """Its rules and its action are checked now: an invalid one is refused, nothing written."""
    closes_at = _closing(body, now)
    with uow() as u:
        body_id = body.body if body.body is not None else governance.bodies(u, actor=actor)[0].id
        view = governance.open_proposal(
            u,
            actor=actor,
            body_id=body_id,
            title=body.title,
            text=body.text,
            method=body.method,
            closes_at=closes_at,
            now=now,
            threshold=body.threshold,
            quorum=body.quorum,
            quorum_per_college=body.quorum_per_college,
            secret=body.secret,
            options=tuple(body.options),
            action=body.action,
            decider_id=body.decider,
        )
        return _out(view)


@router.get("/proposals/{proposal_id}", summary="A proposal with its votes, objections and log")
def get_proposal(proposal_id: PathId, actor: OrgActor, uow: Units, now: Now) -> ProposalViewOut:
    with uow(readonly=True) as u:
        return _out(governance.view_proposal(u, actor=actor, proposal_id=proposal_id, now=now))


@router.post("/proposals/{proposal_id}/votes", summary="Vote, or change one's open vote")
def vote(
    proposal_id: PathId, body: VoteIn, actor: OrgActor, uow: Units, now: Now
) -> ProposalViewOut:
    with uow() as u:
        view = governance.vote(
            u,
            actor=actor,
            proposal_id=proposal_id,
            now=now,
            choice=body.choice,
            scores=body.scores,
        )
        return _out(view)


@router.post(
    "/proposals/{proposal_id}/objections", status_code=201, summary="Object to a consent proposal"
)
def object_to(
    proposal_id: PathId, body: ObjectionIn, actor: OrgActor, uow: Units, now: Now
) -> ProposalViewOut:
    with uow() as u:
        view = governance.raise_objection(
            u, actor=actor, proposal_id=proposal_id, reason=body.reason, now=now
        )
        return _out(view)


@router.post(
    "/proposals/{proposal_id}/objections/{objection_id}/withdraw",
    summary="Withdraw one's objection",
)
def withdraw_objection(
    proposal_id: PathId, objection_id: PathId, actor: OrgActor, uow: Units, now: Now
) -> ProposalViewOut:
    with uow() as u:
        view = governance.withdraw_objection(
            u, actor=actor, proposal_id=proposal_id, objection_id=objection_id, now=now
        )
        return _out(view)


@router.post(
    "/proposals/{proposal_id}/amendments",
    summary="Amend one's consent proposal (resolves objections, restarts the window)",
)
def amend(
    proposal_id: PathId, body: AmendmentIn, actor: OrgActor, uow: Units, now: Now
) -> ProposalViewOut:
    with uow() as u:
        view = governance.amend_proposal(
            u, actor=actor, proposal_id=proposal_id, text=body.text, note=body.note, now=now
        )
        return _out(view)


@router.post(
    "/proposals/{proposal_id}/comments",
    status_code=201,
    summary="Add to a proposal's discussion (open or closed)",
)
def comment(
    proposal_id: PathId, body: CommentIn, actor: OrgActor, uow: Units, now: Now
) -> ProposalViewOut:
    with uow() as u:
        view = governance.comment(u, actor=actor, proposal_id=proposal_id, text=body.text, now=now)
        return _out(view)


@router.post(
    "/proposals/{proposal_id}/advice", status_code=201, summary="Give advice on an advice proposal"
)
def advise(
    proposal_id: PathId, body: AdviceIn, actor: OrgActor, uow: Units, now: Now
) -> ProposalViewOut:
    with uow() as u:
        view = governance.give_advice(
            u, actor=actor, proposal_id=proposal_id, text=body.text, now=now
        )
        return _out(view)


@router.post("/proposals/{proposal_id}/decision", summary="The decider decides an advice proposal")
def decide(
    proposal_id: PathId, body: DecisionIn, actor: OrgActor, uow: Units, now: Now
) -> ProposalViewOut:
    with uow() as u:
        view = governance.decide(
            u, actor=actor, proposal_id=proposal_id, adopt=body.adopt, text=body.text, now=now
        )
        return _out(view)


@router.post(
    "/proposals/{proposal_id}/close",
    summary="Count a proposal past its closing time and apply its action if it passes",
)
def close(proposal_id: PathId, actor: OrgActor, uow: Units, now: Now) -> ProposalViewOut:
    with uow() as u:
        return _out(governance.close_proposal(u, actor=actor, proposal_id=proposal_id, now=now))


def _power(power: ContributionPower | None) -> ContributionPowerOut:
    if power is None:
        return ContributionPowerOut(on=False, cap=None, hours_per_step=None)
    return ContributionPowerOut(
        on=True,
        cap=power.cap,
        hours_per_step=power.hours_per_step,
        basis=power.basis,
        distribution_id=power.distribution_id,
    )


@router.get("/contribution-power", summary="Whether a vote's weight grows with contribution")
def get_power(actor: OrgActor, uow: Units) -> ContributionPowerOut:
    with uow(readonly=True) as u:
        return _power(governance.contribution_power(u, actor=actor))


@router.put(
    "/contribution-power", summary="Turn power from contribution on (with a cap) or off (admin)"
)
def set_power(
    body: ContributionPowerIn, actor: OrgActor, uow: Units, now: Now
) -> ContributionPowerOut:
    """Proposals opened afterwards use it; those already open keep what they opened with."""
    with uow() as u:
        power = governance.set_contribution_power(
            u,
            actor=actor,
            cap=body.cap,
            hours_per_step=body.hours_per_step,
            basis=body.basis,
            distribution_id=body.distribution_id,
            now=now,
        )
    return _power(power)


@router.get("/decisions", summary="The decision log, whole or of one proposal")
def decisions(
    actor: OrgActor,
    uow: Units,
    proposal: int | None = Query(None, ge=1, le=2**63 - 1, description="one proposal's steps"),
) -> list[LogEntryOut]:
    with uow(readonly=True) as u:
        found = governance.decision_log(u, actor=actor, proposal_id=proposal)
    return [LogEntryOut.model_validate(e) for e in found]
