"""The organization, its members and its colleges."""

from __future__ import annotations

from fastapi import APIRouter

from partage.api.context import Now, OrgActor, PathId, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas_community import (
    CollegeIn,
    CollegeOut,
    MemberIn,
    MemberOut,
    OrganizationOut,
    OrganizationPatch,
)
from partage.api.schemas_rounds import GivenOut
from partage.core.roles import require_admin
from partage.services import organizations, rounds

router = APIRouter(
    prefix="/orgs/{slug}", tags=["organization"], route_class=ApiRoute, responses=ERROR_RESPONSES
)


@router.get("", summary="The organization")
def organization(actor: OrgActor) -> OrganizationOut:
    return OrganizationOut.of(actor.organization)


@router.patch("", summary="Change the organization's settings (admin)")
def update_organization(body: OrganizationPatch, actor: OrgActor, uow: Units) -> OrganizationOut:
    require_admin(actor.role)  # even an empty change is an admin's to make
    org = actor.organization
    if body.public_page is not None:
        with uow() as u:
            org = organizations.set_public_page(u, actor=actor, public=body.public_page)
    return OrganizationOut.of(org)


@router.get("/members", summary="The members (emails shown to admins)")
def members(actor: OrgActor, uow: Units) -> list[MemberOut]:
    with uow(readonly=True) as u:
        return [MemberOut.of_view(v) for v in organizations.members(u, actor=actor)]


@router.post("/members", status_code=201, summary="Add a member (admin)")
def add_member(body: MemberIn, actor: OrgActor, uow: Units, now: Now) -> MemberOut:
    with uow() as u:
        member = organizations.add_member(
            u,
            actor=actor,
            name=body.name,
            role=body.role,
            kind=body.kind,
            email=body.email,
            password=body.password,
            college=body.college,
            now=now,
        )
        views = organizations.members(u, actor=actor)
    view = next(v for v in views if v.member.id == member.id)
    return MemberOut.of_view(view)


@router.get("/members/{member_id}/given", summary="What a member took, waived and redirected")
def given(member_id: PathId, actor: OrgActor, uow: Units) -> GivenOut:
    with uow(readonly=True) as u:
        organizations.member_of(u, actor=actor, member_id=member_id)
        totals = rounds.given_by(u, actor=actor, member_id=member_id)
    return GivenOut.of(totals, actor.organization.currency)


@router.get("/colleges", summary="The colleges and their vote weights")
def colleges(actor: OrgActor, uow: Units) -> list[CollegeOut]:
    with uow(readonly=True) as u:
        return [CollegeOut.of(c) for c in organizations.colleges(u, actor=actor)]


@router.post("/colleges", status_code=201, summary="Add a college (admin)")
def add_college(body: CollegeIn, actor: OrgActor, uow: Units) -> CollegeOut:
    with uow() as u:
        college = organizations.add_college(u, actor=actor, name=body.name, weight=body.weight)
    return CollegeOut.of(college)
