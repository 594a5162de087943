"""Who reads an organization's pages, and what every such page needs to know about it.

A signed-in user who is not a member of the organization in the URL gets the same 404 as
for an organization that does not exist (``services.context.acting`` decides that).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from partage.core.roles import Role
from partage.services import organizations
from partage.services.context import Actor, UnitOfWork, acting
from partage.web.rendering import require_user


def actor_of(request: Request, uow: UnitOfWork, slug: str) -> Actor:
    return acting(uow, slug=slug, user_id=require_user(request))


def member_names(uow: UnitOfWork, actor: Actor) -> dict[int, str]:
    return {view.member.id: view.member.name for view in organizations.members(uow, actor=actor)}


def org_frame(uow: UnitOfWork, actor: Actor, *, section: str) -> dict[str, Any]:
    """What the organization's navigation and permission checks in templates use."""
    return {
        "org": actor.organization,
        "me": actor.member,
        "currency": actor.organization.currency,
        "is_admin": actor.role is Role.ADMIN,
        "can_act": actor.role is not Role.OBSERVER,
        "names": member_names(uow, actor),
        "section": section,
    }
