"""API tokens: exchange a member's email and password for a bearer token; who am I."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from partage.api.context import Now, TokenActor, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas import Body, Text
from partage.api.schemas_community import (
    MemberOut,
    MeOut,
    OrganizationIn,
    OrganizationOut,
    TokenIn,
    TokenOut,
)
from partage.core.currency import currency_for
from partage.services import accounts, organizations
from partage.services.context import acting

router = APIRouter(tags=["auth"], route_class=ApiRoute, responses=ERROR_RESPONSES)


@router.post("/tokens", status_code=201, summary="Issue an API token")
def issue_token(body: TokenIn, uow: Units, now: Now) -> TokenOut:
    """Sign in as a member of ``organization``; the token acts as that member until revoked."""
    with uow() as u:
        user = accounts.sign_in(u, email=body.email, password=body.password)
        actor = acting(u, slug=body.organization.strip().lower(), user_id=user.id)
        token = accounts.create_token(u, actor=actor, label=body.label, now=now)
    return TokenOut(
        token=token,
        organization=OrganizationOut.of(actor.organization),
        member=MemberOut.of(actor.member, email=user.email),
    )


@router.post("/organizations", status_code=201, summary="Create an organization")
def create_organization(body: OrganizationIn, uow: Units, now: Now) -> TokenOut:
    """Sign in, create the organization with yourself as its first admin, get an admin token."""
    with uow() as u:
        user = accounts.sign_in(u, email=body.email, password=body.password)
        actor = organizations.create_organization(
            u,
            name=body.name,
            slug=body.slug,
            currency=currency_for(body.currency, body.decimals),
            legal_form=body.legal_form,
            founder_user_id=user.id,
            founder_name=user.display_name,
            now=now,
        )
    with uow() as u:
        token = accounts.create_token(u, actor=actor, label=body.label, now=now)
    return TokenOut(
        token=token,
        organization=OrganizationOut.of(actor.organization),
        member=MemberOut.of(actor.member, email=user.email),
    )


@router.get("/me", summary="The member this token acts as")
def me(actor: TokenActor) -> MeOut:
    return MeOut(
        organization=OrganizationOut.of(actor.organization), member=MemberOut.of(actor.member)
    )


class PasswordIn(Body):
    current_password: Text = Field(max_length=1024)
    password: Text = Field(max_length=1024, description="the new password, 8 characters or more")


@router.post("/me/password", status_code=204, summary="Change your password")
def change_password(body: PasswordIn, actor: TokenActor, uow: Units) -> None:
    """The person behind the token changes their password, giving the current one."""
    with uow() as u:
        accounts.change_password(
            u,
            user_id=actor.member.user_id or 0,
            current=body.current_password,
            new=body.password,
        )
