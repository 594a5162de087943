"""What time alone decides: proposals past their closing time are counted, roles past their
term are ended. The scheduler (:mod:`partage.services.scheduler`) calls these for every
organization that has something due; the pages still close due proposals when read.

Guarantees:

- Closing by time records exactly what a member closing the proposal would (the same count,
  the same action applied in the same transaction), naming nobody as the closer: the outcome
  depends only on what stood at the closing time, so who — or what — counts first changes
  nothing. Each proposal is locked and checked again, so two runs never record two outcomes.
- A role past its term gets its end written at the term (``ended_reason`` stays ``term``),
  with a ``role_ended`` line in the decision log; a role already ended is left alone.
- Each function commits once; nothing is written when nothing is due.
"""

from __future__ import annotations

from datetime import datetime

from partage.core.community import Organization
from partage.core.errors import NotFound
from partage.core.governance import proposals as rules
from partage.services import governance_closing as closing
from partage.services.context import Actor, UnitOfWork
from partage.services.governance_views import find_proposal


def _organization(uow: UnitOfWork, org_id: int) -> Organization:
    org = uow.community.organization(org_id)
    if org is None:
        raise NotFound("organization.not_found", "no such organization", field="organization")
    return org


def close_due_proposals(uow: UnitOfWork, *, org_id: int, now: datetime) -> list[int]:
    """Count every proposal of the organization whose closing time has passed (advice ones
    wait for their decider); returns their numbers."""
    org = _organization(uow, org_id)
    closed: list[int] = []
    for p in closing.due(uow, org_id, now):
        author = uow.community.member(org_id, p.author_id)
        assert author is not None  # members are never deleted, only removed from roles
        # The decision acts in its author's name (governance_actions.apply); nobody closes it.
        actor = Actor(org, author)
        locked = find_proposal(uow, actor, p.id, lock=True)
        if uow.governance.outcome(org_id, p.id) is None:
            closing.close(uow, actor, locked, now, by_time=True)
            closed.append(p.id)
    uow.commit()
    return closed


def end_expired_roles(uow: UnitOfWork, *, org_id: int, now: datetime) -> list[int]:
    """Write the end of every role of the organization whose term has passed; returns their
    numbers. Reading roles already shows them ended: this makes the record say so too."""
    _organization(uow, org_id)
    ended: list[int] = []
    for role in uow.governance.roles(org_id):
        term = role.term_ends_at
        if role.ended_at is not None or term is None or rules.role_active(role, now):
            continue
        if uow.governance.end_role(org_id, role.id, at=term, proposal_id=None):
            uow.governance.log(
                org_id,
                kind="role_ended",
                at=now,
                member_id=None,
                text=f"the role '{role.name}' ended with its term",
                data={
                    "role_id": role.id,
                    "name": role.name,
                    "reason": "term",
                    "ended_at": term.isoformat(),
                },
            )
            ended.append(role.id)
    uow.commit()
    return ended
