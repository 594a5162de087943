"""What anyone may read without signing in: the organizations that turned their page on.

The public reader is an observer who is no member (number 0): the read services accept it
because observers may read what a public page shows, and no use case lets an observer act.
An organization whose page is off is reported as not found, like one that does not exist.
"""

from __future__ import annotations

from partage.core.community import Member, MemberKind, Organization, is_slug
from partage.core.errors import NotFound
from partage.core.roles import Role
from partage.services.context import Actor, UnitOfWork

PUBLIC_READER_ID = 0


def public_organizations(uow: UnitOfWork) -> list[Organization]:
    return uow.community.public_organizations()


def public_reader(uow: UnitOfWork, slug: str) -> Actor:
    org = uow.community.organization_by_slug(slug) if is_slug(slug) else None
    if org is None or not org.public_page:
        raise NotFound("organization.not_found", f"no organization '{slug[:64]}'", "organization")
    reader = Member(
        id=PUBLIC_READER_ID,
        organization_id=org.id,
        name="public",
        kind=MemberKind.PERSON,
        role=Role.OBSERVER,
        college_id=None,
        user_id=None,
        joined_at=org.created_at,
    )
    return Actor(org, reader)
