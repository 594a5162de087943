"""Creating an organization, its colleges and members; the public page switch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from partage.core.community import (
    College,
    LegalForm,
    Member,
    MemberKind,
    Organization,
    check_name,
    check_slug,
    parse_decimal,
    slugify,
)
from partage.core.currency import Currency
from partage.core.errors import Conflict, InvalidInput, NotFound
from partage.core.roles import Role, require_admin
from partage.services.accounts import find_or_create_user
from partage.services.context import Actor, UnitOfWork


@dataclass(frozen=True, slots=True)
class MemberView:
    member: Member
    email: str | None
    college: str | None


def create_organization(
    uow: UnitOfWork,
    *,
    name: str,
    currency: Currency,
    legal_form: LegalForm,
    founder_user_id: int,
    founder_name: str,
    now: datetime,
    slug: str | None = None,
    public_page: bool = False,
) -> Actor:
    """A new organization whose founder is its first admin."""
    clean = check_name(name)
    short = check_slug(slug.strip().lower() if slug else slugify(clean))
    if uow.community.slug_taken(short):
        raise Conflict("organization.slug_taken", f"the short name '{short}' is taken", "slug")
    org = uow.community.add_organization(
        slug=short,
        name=clean,
        currency=currency,
        legal_form=legal_form,
        public_page=public_page,
        now=now,
    )
    member = uow.community.add_member(
        org.id,
        name=check_name(founder_name, field="member_name"),
        kind=MemberKind.PERSON,
        role=Role.ADMIN,
        college_id=None,
        user_id=founder_user_id,
        now=now,
    )
    uow.commit()
    return Actor(org, member)


def add_college(uow: UnitOfWork, *, actor: Actor, name: str, weight: str | Decimal) -> College:
    require_admin(actor.role)
    clean = check_name(name, field="college")
    if uow.community.college_by_name(actor.org_id, clean):
        raise Conflict("college.duplicate", f"a college named '{clean}' exists", field="college")
    value = parse_decimal(weight, field="weight", places=4, maximum=Decimal(1_000_000))
    college = uow.community.add_college(actor.org_id, name=clean, weight=value)
    uow.commit()
    return college


def add_member(
    uow: UnitOfWork,
    *,
    actor: Actor,
    name: str,
    role: Role,
    now: datetime,
    kind: MemberKind = MemberKind.PERSON,
    email: str | None = None,
    password: str | None = None,
    college: str | None = None,
) -> Member:
    """Add a person or an organisation; with an email they can sign in (with a password)."""
    require_admin(actor.role)
    clean = check_name(name, field="name")
    college_id = None
    if college:
        found = uow.community.college_by_name(actor.org_id, college)
        if found is None:
            raise InvalidInput("member.unknown_college", f"no college '{college}'", "college")
        college_id = found.id
    user_id = None
    if email:
        user_id = find_or_create_user(
            uow, email=email, display_name=clean, password=password, now=now
        )
        if uow.community.member_of_user(actor.org_id, user_id):
            raise Conflict("member.duplicate", "this person is already a member", field="email")
    elif password:
        raise InvalidInput("member.password_without_email", "a password needs an email", "email")
    member = uow.community.add_member(
        actor.org_id,
        name=clean,
        kind=kind,
        role=role,
        college_id=college_id,
        user_id=user_id,
        now=now,
    )
    uow.commit()
    return member


def members(uow: UnitOfWork, *, actor: Actor) -> list[MemberView]:
    emails = uow.community.member_emails(actor.org_id)
    colleges = {c.id: c.name for c in uow.community.colleges(actor.org_id)}
    show_emails = actor.role is Role.ADMIN
    return [
        MemberView(
            m,
            emails.get(m.id) if show_emails or m.id == actor.member.id else None,
            colleges.get(m.college_id) if m.college_id else None,
        )
        for m in uow.community.members(actor.org_id)
    ]


def colleges(uow: UnitOfWork, *, actor: Actor) -> list[College]:
    return uow.community.colleges(actor.org_id)


def member_of(uow: UnitOfWork, *, actor: Actor, member_id: int) -> Member:
    member = uow.community.member(actor.org_id, member_id)
    if member is None:
        raise NotFound("member.not_found", f"no member #{member_id}", field="member")
    return member


def set_public_page(uow: UnitOfWork, *, actor: Actor, public: bool) -> Organization:
    require_admin(actor.role)
    uow.community.set_public_page(actor.org_id, public)
    uow.commit()
    org = uow.community.organization(actor.org_id)
    assert org is not None
    return org


def my_organizations(uow: UnitOfWork, *, user_id: int) -> list[tuple[Organization, Member]]:
    return uow.community.organizations_of_user(user_id)
