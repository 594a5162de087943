"""API tokens: exchange a member's email and password for a bearer token; who am I."""

from __future__ import annotations

from fastapi import APIRouter

from partage.api.context import Now, TokenActor, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas_community import MemberOut, MeOut, OrganizationOut, TokenIn, TokenOut
from partage.services import accounts
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


@router.get("/me", summary="The member this token acts as")
def me(actor: TokenActor) -> MeOut:
    return MeOut(
        organization=OrganizationOut.of(actor.organization), member=MemberOut.of(actor.member)
    )
