"""An organization's dashboard, its members and colleges, and its settings.

The dashboard answers a newcomer's first questions: how much is there to share (the open
rounds' envelopes and their gauges), who took what (recent closed rounds), and where the
money is now (the commons fund and what members are owed).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from partage.core import chart
from partage.core.community import MemberKind, parse_member_kind
from partage.core.errors import DomainError
from partage.core.roles import Role, parse_role
from partage.services import accounts, ledger, organizations, rounds
from partage.services.context import Actor, UnitOfWork
from partage.web import forms
from partage.web.actions import act_on_form
from partage.web.gauge import round_gauge
from partage.web.i18n import N_
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import WebRoute, render, render_form_page, uow_factory
from partage.web.statements import given_by_member

router = APIRouter(route_class=WebRoute)
RECENT_CLOSED = 5


def money_overview(uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    """The balances a member cares about, from the ledger."""
    found = ledger.balances(uow, actor=actor)
    by_account = {b.account: b.amount.minor for b in found}
    owed = [
        (b.member_id, b.amount.minor)
        for b in found
        if b.account.startswith("member:") and b.member_id is not None and b.amount.minor
    ]
    debts = [
        (b.member_id, b.amount.minor)
        for b in found
        if b.account.startswith("debt:") and b.member_id is not None and b.amount.minor
    ]
    projects = [
        (b.account.removeprefix("fund:project:"), b.amount.minor)
        for b in found
        if b.account.startswith("fund:project:") and b.amount.minor
    ]
    return {
        "commons": by_account.get(chart.COMMONS, 0),
        "rollover": by_account.get(chart.ROLLOVER, 0),
        "bank": by_account.get(chart.BANK, 0),
        "owed": owed,
        "owed_total": sum(amount for _, amount in owed),
        "debts": debts,
        "projects": projects,
    }


def rounds_overview(request: Request, uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    now = request.app.state.clock()
    every = rounds.rounds(uow, actor=actor)
    open_rounds = []
    for round_ in every:
        if not round_.is_open:
            continue
        view = rounds.view_round(uow, actor=actor, round_id=round_.id, now=now)
        open_rounds.append(
            (
                view,
                round_gauge(view),
            )
        )
    closed = sorted(
        (r for r in every if not r.is_open),
        key=lambda r: (r.closed_at or r.opened_at, r.id),
        reverse=True,
    )[:RECENT_CLOSED]
    closed_views = [rounds.view_round(uow, actor=actor, round_id=r.id, now=now) for r in closed]
    return {"open_rounds": open_rounds, "closed_rounds": closed_views}


@router.get("/o/{slug}")
def dashboard(request: Request, slug: str) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context = {
            **org_frame(uow, actor, section="dashboard"),
            **rounds_overview(request, uow, actor),
            "money": money_overview(uow, actor),
        }
    return render(request, "dashboard.html", context)


# -- members ----------------------------------------------------------------------------------


def show_members(
    request: Request,
    slug: str,
    *,
    error: DomainError | None = None,
    form: str = "",
    values: FormData | None = None,
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context: dict[str, Any] = {
            **org_frame(uow, actor, section="members"),
            "members": organizations.members(uow, actor=actor),
            "given": given_by_member(uow, actor),
            "colleges": organizations.colleges(uow, actor=actor),
            "roles": [r.value for r in Role],
            "kinds": [k.value for k in MemberKind],
        }
    return render_form_page(request, "members.html", context, error=error, form=form, values=values)


@router.get("/o/{slug}/members")
def members_page(request: Request, slug: str) -> Response:
    return show_members(request, slug)


@router.post("/o/{slug}/members")
async def add_member(request: Request, slug: str) -> Response:
    def add(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return organizations.add_member(
            uow,
            actor=actor,
            name=forms.text(form, "name"),
            role=parse_role(forms.text(form, "role", "member")),
            kind=parse_member_kind(forms.text(form, "kind", "person")),
            email=forms.text(form, "email").strip() or None,
            password=forms.text(form, "password") or None,
            college=forms.text(form, "college").strip() or None,
            now=request.app.state.clock(),
        )

    return await act_on_form(
        request,
        slug,
        add,
        again=lambda error, form: show_members(
            request, slug, error=error, form="member", values=form
        ),
        done=N_("The member is added."),
        then=f"/o/{slug}/members",
    )


@router.post("/o/{slug}/colleges")
async def add_college(request: Request, slug: str) -> Response:
    def add(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return organizations.add_college(
            uow, actor=actor, name=forms.text(form, "college"), weight=forms.text(form, "weight")
        )

    return await act_on_form(
        request,
        slug,
        add,
        again=lambda error, form: show_members(
            request, slug, error=error, form="college", values=form
        ),
        done=N_("The college is added."),
        then=f"/o/{slug}/members",
    )


# -- settings ---------------------------------------------------------------------------------


def show_settings(
    request: Request,
    slug: str,
    *,
    error: DomainError | None = None,
    form: str = "",
    token: str | None = None,
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context: dict[str, Any] = {**org_frame(uow, actor, section="settings"), "token": token}
    return render_form_page(request, "settings.html", context, error=error, form=form)


@router.get("/o/{slug}/settings")
def settings_page(request: Request, slug: str) -> Response:
    return show_settings(request, slug)


@router.post("/o/{slug}/settings/public")
async def set_public(request: Request, slug: str) -> Response:
    def save(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return organizations.set_public_page(
            uow, actor=actor, public=forms.text(form, "public") == "on"
        )

    return await act_on_form(
        request,
        slug,
        save,
        again=lambda error, form: show_settings(request, slug, error=error, form="public"),
        done=N_("The public page setting is saved."),
        then=f"/o/{slug}/settings",
    )


@router.post("/o/{slug}/settings/token")
async def create_token(request: Request, slug: str) -> Response:
    form = await forms.posted(request)

    def act() -> Response:
        with uow_factory(request)() as uow:
            actor = actor_of(request, uow, slug)
            token = accounts.create_token(
                uow, actor=actor, label=forms.text(form, "label"), now=request.app.state.clock()
            )
        # Shown once, in this response only: a redirect would have to carry it in the
        # (signed, not encrypted) session cookie.
        response = show_settings(request, slug, token=token)
        response.headers["Cache-Control"] = "no-store"
        return response

    return await run_in_threadpool(act)
