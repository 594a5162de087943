"""Who is acting, in which organization. The rule that hides other organizations lives here.

A user who is not a member of an organization gets ``NotFound`` for it and everything in it,
exactly as if it did not exist: its data is never shown, not even its existence.
"""

from __future__ import annotations

from dataclasses import dataclass

from partage.core.community import Member, Organization, is_slug
from partage.core.errors import NotFound
from partage.core.roles import Role
from partage.storage.uow import UnitOfWork, UnitOfWorkFactory

__all__ = ["Actor", "UnitOfWork", "UnitOfWorkFactory", "acting", "organization_or_404"]


@dataclass(frozen=True, slots=True)
class Actor:
    """A member acting inside their organization (from a web session or an API token)."""

    organization: Organization
    member: Member

    @property
    def role(self) -> Role:
        return self.member.role

    @property
    def org_id(self) -> int:
        return self.organization.id


def organization_or_404(uow: UnitOfWork, slug: str) -> Organization:
    org = uow.community.organization_by_slug(slug) if is_slug(slug) else None
    if org is None:
        raise NotFound(
            "organization.not_found", f"no organization '{slug[:64]}'", field="organization"
        )
    return org


def acting(uow: UnitOfWork, *, slug: str, user_id: int) -> Actor:
    """The user's membership in ``slug``, or NotFound if there is none."""
    org = uow.community.organization_by_slug(slug) if is_slug(slug) else None
    member = uow.community.member_of_user(org.id, user_id) if org else None
    if org is None or member is None:
        raise NotFound(
            "organization.not_found", f"no organization '{slug[:64]}'", field="organization"
        )
    return Actor(org, member)


def actor_for_member(uow: UnitOfWork, *, org_id: int, member_id: int) -> Actor:
    org = uow.community.organization(org_id)
    member = uow.community.member(org_id, member_id) if org else None
    if org is None or member is None:
        raise NotFound("organization.not_found", "no such organization", field="organization")
    return Actor(org, member)
