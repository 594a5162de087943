"""Funding call pages (quadratic funding): the calls and the form to open one (admins), a call
with the form to pledge an amount per project, and closing it (admins).

Amounts are typed as decimal text ("12,50" or "12.50") and shown in the reader's locale.
What a reader sees follows the blinded rule of the service: while a blinded call is open,
only one's own pledges and how many members have pledged, never the totals per project.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from partage.core.errors import DomainError, InvalidInput
from partage.core.money import parse_minor
from partage.services import funding_calls
from partage.services.context import Actor, UnitOfWork
from partage.web import forms
from partage.web.actions import NO_ORGANIZATION, act_on_form, codes
from partage.web.comparison import column
from partage.web.i18n import N_
from partage.web.labels import account_label
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import WebRoute, gettext, render_form_page, uow_factory

router = APIRouter(route_class=WebRoute)

PROJECT_ROWS = 4
AMOUNT_FIELD = "amount-"
GONE = codes("organization.not_found", "funding.not_found")


def _fund_label(account: str, request: Request) -> str:
    return account_label(account, {}, {}, gettext(request))


def list_context(request: Request, uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    found = sorted(funding_calls.funding_calls(uow, actor=actor), key=lambda c: -c.id)
    pledgers = {
        c.id: funding_calls.funding_call(uow, actor=actor, call_id=c.id).pledgers for c in found
    }
    return {
        **org_frame(uow, actor, section="funding"),
        "calls": [
            {"c": c, "pledgers": pledgers[c.id], "fund": _fund_label(c.fund, request)}
            for c in found
        ],
        "project_rows": PROJECT_ROWS,
    }


def show_list(
    request: Request,
    slug: str,
    *,
    error: DomainError | None = None,
    values: FormData | None = None,
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context = list_context(request, uow, actor)
    typed = forms.texts(values, "projects") if values is not None else []
    context["projects_typed"] = typed + [""] * max(0, PROJECT_ROWS - len(typed))
    return render_form_page(
        request,
        "funding_calls.html",
        context,
        error=error,
        form="open",
        values=values,
        offered={"open": context["is_admin"]},
    )


@router.get("/o/{slug}/funding")
def funding_page(request: Request, slug: str) -> Response:
    return show_list(request, slug)


@router.post("/o/{slug}/funding")
async def open_call(request: Request, slug: str) -> Response:
    def opening(uow: UnitOfWork, actor: Actor, form: FormData) -> int:
        pool = forms.amount(forms.text(form, "pool"), actor.organization.currency, field="pool")
        projects = [p for p in forms.texts(form, "projects") if p.strip()]
        try:
            return funding_calls.open_call(
                uow,
                actor=actor,
                name=forms.text(form, "name"),
                pool=pool,
                projects=projects,
                fund=forms.fund(
                    form, no_project="funding.no_fund_project", bad_fund="funding.bad_fund"
                ),
                blinded=forms.checkbox(form, "blinded"),
                now=request.app.state.clock(),
            ).id
        except InvalidInput as error:
            if (error.field or "").startswith("projects["):
                raise InvalidInput(error.code, error.message, "projects") from error
            raise

    return await act_on_form(
        request,
        slug,
        opening,
        again=lambda error, form: show_list(request, slug, error=error, values=form),
        done=N_("The funding call is open: members can now pledge to its projects."),
        then=lambda call_id: f"/o/{slug}/funding/{call_id}",
        gone=NO_ORGANIZATION,
    )


def call_context(request: Request, uow: UnitOfWork, actor: Actor, call_id: int) -> dict[str, Any]:
    view = funding_calls.funding_call(uow, actor=actor, call_id=call_id)
    frame = org_frame(uow, actor, section="funding")
    found = view.call
    currency = actor.organization.currency
    names = {int(k): v for k, v in view.names.items()}
    mine = {p.project: p.amount for p in view.pledges if p.member_id == actor.member.id}
    matches: dict[str, int] = {}
    if view.distribution is not None:
        matches = column("quadratic_funding", view.distribution.result, currency).allocations
    backers: dict[str, int] = {}
    for p in view.pledges:
        backers[p.project] = backers.get(p.project, 0) + 1
    pledges = sorted(view.pledges, key=lambda p: (p.project, names.get(p.member_id, "").casefold()))
    return {
        **frame,
        "view": view,
        "call": found,
        "fund": _fund_label(found.fund, request),
        "mine": mine,
        "mine_total": sum(mine.values()),
        "pledges": [
            {"who": names.get(p.member_id, f"#{p.member_id}"), "member_id": p.member_id, "p": p}
            for p in pledges
        ],
        "projects": [
            {
                "name": project,
                "field": f"{AMOUNT_FIELD}{project}",
                "pledged": view.pledged.get(project, 0) if view.pledged is not None else None,
                "backers": backers.get(project, 0),
                "match": matches.get(project, 0),
            }
            for project in found.projects
        ],
        "opened_by": names.get(found.opened_by, f"#{found.opened_by}"),
        "closed_by": names.get(found.closed_by, "") if found.closed_by else "",
    }


def show_call(
    request: Request,
    slug: str,
    call_id: int,
    *,
    error: DomainError | None = None,
    form: str = "",
    values: FormData | None = None,
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context = call_context(request, uow, actor, call_id)
    is_open = context["call"].is_open
    return render_form_page(
        request,
        "funding_call.html",
        context,
        error=error,
        form=form,
        values=values,
        offered={
            "pledge": is_open and context["can_act"],
            "close": is_open and context["is_admin"],
        },
    )


@router.get("/o/{slug}/funding/{call_id}")
def call_page(request: Request, slug: str, call_id: str) -> Response:
    return show_call(request, slug, forms.path_id(call_id, what="funding"))


def pledges_of(form: FormData, decimals: int) -> list[tuple[str, int]]:
    """The posted ``amount-<project>`` fields as (project, minor units); empty or 0 is none."""
    found = []
    for name, value in form.multi_items():
        if not name.startswith(AMOUNT_FIELD) or not isinstance(value, str) or not value.strip():
            continue
        amount = parse_minor(value, decimals, field=name, allow_zero=True)
        if amount:
            found.append((name.removeprefix(AMOUNT_FIELD), amount))
    return found


@router.post("/o/{slug}/funding/{call_id}/pledges")
async def pledge(request: Request, slug: str, call_id: str) -> Response:
    cid = forms.path_id(call_id, what="funding")

    def pledging(uow: UnitOfWork, actor: Actor, form: FormData) -> None:
        chosen = pledges_of(form, actor.organization.currency.decimals)
        try:
            funding_calls.pledge(
                uow, actor=actor, call_id=cid, pledges=chosen, now=request.app.state.clock()
            )
        except InvalidInput as error:
            field = error.field or ""
            if field.startswith("pledges[") and "]" in field:
                index = field[len("pledges[") : field.index("]")]
                if index.isdigit() and int(index) < len(chosen):
                    field = f"{AMOUNT_FIELD}{chosen[int(index)][0]}"
            raise InvalidInput(error.code, error.message, field or None) from error

    return await act_on_form(
        request,
        slug,
        pledging,
        again=lambda error, form: show_call(
            request, slug, cid, error=error, form="pledge", values=form
        ),
        done=N_("Your pledges are recorded. You can change them until the call is closed."),
        then=f"/o/{slug}/funding/{cid}",
        gone=GONE,
    )


@router.post("/o/{slug}/funding/{call_id}/close")
async def close(request: Request, slug: str, call_id: str) -> Response:
    cid = forms.path_id(call_id, what="funding")

    def closing(uow: UnitOfWork, actor: Actor, form: FormData) -> None:
        funding_calls.close_call(uow, actor=actor, call_id=cid, now=request.app.state.clock())

    return await act_on_form(
        request,
        slug,
        closing,
        again=lambda error, form: show_call(
            request, slug, cid, error=error, form="close", values=form
        ),
        done=N_(
            "The funding call is closed: the pledges and the matches are posted to the ledger."
        ),
        then=f"/o/{slug}/funding/{cid}",
        gone=GONE,
    )
