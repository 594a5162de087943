"""The public page of an organization that chose to show its books, read without sign-in.

There is no service for an anonymous reader yet, so the page reads through the same
services as members do, as a stand-in observer who is no member (id -1): observers may
read everything a public page shows and act on nothing, and no member's email is shown to
someone who is not that member. An organization that did not turn its page on is a 404,
exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from partage.core.community import Member, MemberKind, Organization
from partage.core.errors import NotFound
from partage.core.roles import Role
from partage.services import ledger, rounds
from partage.services.context import Actor, UnitOfWork, organization_or_404
from partage.web.gauge import gauge
from partage.web.labels import RESOLUTION_TEXT, STATUS_TEXT, claim_row, redirect_label
from partage.web.membership import member_names
from partage.web.orgs import money_overview
from partage.web.rendering import WebRoute, gettext, render, uow_factory

router = APIRouter(route_class=WebRoute)
NOBODY = -1


def public_organizations(uow: UnitOfWork) -> list[Organization]:
    # The repository answers this directly; a service function would be the better home.
    return uow.community.public_organizations()


def public_reader(uow: UnitOfWork, slug: str) -> Actor:
    org = organization_or_404(uow, slug)
    if not org.public_page:
        raise NotFound("organization.not_found", f"no organization '{slug}'", "organization")
    reader = Member(
        id=NOBODY,
        organization_id=org.id,
        name="public",
        kind=MemberKind.PERSON,
        role=Role.OBSERVER,
        college_id=None,
        user_id=None,
        joined_at=org.created_at,
    )
    return Actor(org, reader)


def public_context(request: Request, uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    now = request.app.state.clock()
    names = member_names(uow, actor)
    _ = gettext(request)
    shown = []
    for round_ in sorted(rounds.rounds(uow, actor=actor), key=lambda r: r.id, reverse=True):
        view = rounds.view_round(uow, actor=actor, round_id=round_.id, now=now)
        missions = {m.id: m.name for m in view.missions}
        rows = [
            claim_row(r, view.statuses[r.id], names=names, missions=missions, now=now)
            for r in view.claims
        ]
        shown.append(
            (
                view,
                gauge(
                    envelope=view.envelope,
                    declared=view.declared,
                    accepted=view.accepted,
                    objected=view.under_objection,
                ),
                rows,
            )
        )
    payouts = [e for e in ledger.journal(uow, actor=actor) if e.entry.cause.startswith("payout:")]
    return {
        "org": actor.organization,
        "currency": actor.organization.currency,
        "names": names,
        "rounds": shown,
        "money": money_overview(uow, actor),
        "payouts": list(reversed(payouts)),
        "status_text": STATUS_TEXT,
        "resolution_text": RESOLUTION_TEXT,
        "redirect_label": lambda target: redirect_label(target, names, _),
        "check": ledger.check(uow, actor=actor),
        "payout_member": payout_member,
    }


@router.get("/p/{slug}")
def public_page(request: Request, slug: str) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = public_reader(uow, slug.strip().lower())
        context = public_context(request, uow, actor)
    return render(request, "public.html", context)


def payout_member(cause: str) -> int | None:
    _kind, _sep, rest = cause.partition(":")
    return int(rest) if rest.isdigit() else None
