"""What every route needs: the unit-of-work factory, the clock, and the acting member.

A route of ``/api/orgs/{slug}/…`` acts as the member the bearer token belongs to. When ``slug``
is not that member's organization the answer is the same 404 as for an organization that does
not exist, so a token never reveals what other organizations there are.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from partage.core.errors import NotFound, Unauthenticated
from partage.services.accounts import actor_for_token
from partage.services.context import Actor, UnitOfWorkFactory

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token from `POST /api/tokens`, sent as `Authorization: Bearer <token>`.",
)


def units(request: Request) -> UnitOfWorkFactory:
    factory = request.app.state.uow
    assert isinstance(factory, UnitOfWorkFactory)
    return factory


def clock_now(request: Request) -> datetime:
    """The application's clock (a fake one in tests); never ``datetime.now``."""
    now = request.app.state.clock()
    assert isinstance(now, datetime)
    return now


Units = Annotated[UnitOfWorkFactory, Depends(units)]
Now = Annotated[datetime, Depends(clock_now)]


def token_actor(
    uow: Units,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    if credentials is None:
        raise Unauthenticated(
            "auth.required", "send an API token as 'Authorization: Bearer <token>'"
        )
    with uow(readonly=True) as u:
        return actor_for_token(u, credentials.credentials)


TokenActor = Annotated[Actor, Depends(token_actor)]


def org_actor(
    slug: Annotated[str, Path(description="the organization's short name")],
    actor: TokenActor,
) -> Actor:
    if slug != actor.organization.slug:
        # Word for word what services.context says of an organization that does not exist.
        raise NotFound("organization.not_found", f"no organization '{slug}'", field="organization")
    return actor


OrgActor = Annotated[Actor, Depends(org_actor)]

PathId = Annotated[int, Path(ge=1, le=2**63 - 1)]
"""A number in the path (round, claim, objection, entry): refused with 422 if not an id."""
