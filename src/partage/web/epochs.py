"""Peer-allocation epoch pages: the epochs and the form to open one (admins), an epoch with
the form to give one's points, opting out of receiving, and closing it (admins).

What a reader sees follows the blinded rule of the service: while a blinded epoch is open,
only one's own gifts and how many members have given. A refused form shows the page again
with the message next to the field it concerns; nothing is written.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from partage.core.errors import DomainError, InvalidInput
from partage.core.roles import Role
from partage.services import epochs, organizations
from partage.services.context import Actor, UnitOfWork
from partage.services.epochs import EpochView
from partage.web import forms
from partage.web.actions import NO_ORGANIZATION, act_on_form, codes
from partage.web.i18n import N_
from partage.web.labels import account_label
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import WebRoute, gettext, render_form_page, uow_factory

router = APIRouter(route_class=WebRoute)

DEFAULT_POINTS = 100
POINTS_FIELD = "points-"
GONE = codes("organization.not_found", "epoch.not_found")


def _fund_label(account: str, request: Request) -> str:
    return account_label(account, {}, {}, gettext(request))


def list_context(request: Request, uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    found = sorted(epochs.epochs(uow, actor=actor), key=lambda e: -e.id)
    givers = {e.id: epochs.epoch(uow, actor=actor, epoch_id=e.id).givers for e in found}
    return {
        **org_frame(uow, actor, section="epochs"),
        "epochs": [
            {"e": e, "givers": givers[e.id], "fund": _fund_label(e.fund, request)} for e in found
        ],
        "default_points": DEFAULT_POINTS,
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
    return render_form_page(
        request,
        "epochs.html",
        context,
        error=error,
        form="open",
        values=values,
        offered={"open": context["is_admin"]},
    )


@router.get("/o/{slug}/epochs")
def epochs_page(request: Request, slug: str) -> Response:
    return show_list(request, slug)


@router.post("/o/{slug}/epochs")
async def open_epoch(request: Request, slug: str) -> Response:
    def opening(uow: UnitOfWork, actor: Actor, form: FormData) -> int:
        budget = forms.amount(
            forms.text(form, "budget"), actor.organization.currency, field="budget"
        )
        points = forms.whole_number(
            forms.text(form, "points_per_member", str(DEFAULT_POINTS)),
            field="points_per_member",
            low=1,
            high=epochs.MAX_POINTS,
            code="epoch.bad_points",
        )
        return epochs.open_epoch(
            uow,
            actor=actor,
            name=forms.text(form, "name"),
            budget=budget,
            fund=forms.fund(form, no_project="epoch.no_project", bad_fund="epoch.bad_fund"),
            points_per_member=points,
            blinded=forms.checkbox(form, "blinded"),
            now=request.app.state.clock(),
        ).id

    return await act_on_form(
        request,
        slug,
        opening,
        again=lambda error, form: show_list(request, slug, error=error, values=form),
        done=N_("The epoch is open: members can now give their points."),
        then=lambda epoch_id: f"/o/{slug}/epochs/{epoch_id}",
        gone=NO_ORGANIZATION,
    )


def _receivers(uow: UnitOfWork, actor: Actor, view: EpochView) -> list[dict[str, Any]]:
    """The members the reader may give to: members and admins but oneself, by name."""
    out = set(view.opted_out)
    found = [
        {"id": v.member.id, "name": v.member.name, "out": v.member.id in out}
        for v in organizations.members(uow, actor=actor)
        if v.member.role is not Role.OBSERVER and v.member.id != actor.member.id
    ]
    return sorted(found, key=lambda r: str(r["name"]).casefold())


def epoch_context(request: Request, uow: UnitOfWork, actor: Actor, epoch_id: int) -> dict[str, Any]:
    view = epochs.epoch(uow, actor=actor, epoch_id=epoch_id)
    frame = org_frame(uow, actor, section="epochs")
    found = view.epoch
    names = {int(k): v for k, v in view.names.items()}
    mine = {g.receiver_id: g.points for g in view.gifts if g.giver_id == actor.member.id}
    out = set(view.opted_out)
    received: dict[int, int] = {}
    for g in view.gifts:
        received[g.receiver_id] = received.get(g.receiver_id, 0) + g.points
    gifts = sorted(
        view.gifts,
        key=lambda g: (names.get(g.giver_id, "").casefold(), names.get(g.receiver_id, "")),
    )
    receivers = _receivers(uow, actor, view)
    return {
        **frame,
        "view": view,
        "epoch": found,
        "fund": _fund_label(found.fund, request),
        "receivers": receivers,
        "give_fields": [f"{POINTS_FIELD}{r['id']}" for r in receivers],
        "mine": mine,
        "given": sum(mine.values()),
        "left": found.points_per_member - sum(mine.values()),
        "i_am_out": actor.member.id in out,
        "gifts": [
            {
                "giver": names.get(g.giver_id, f"#{g.giver_id}"),
                "giver_id": g.giver_id,
                "receiver": names.get(g.receiver_id, f"#{g.receiver_id}"),
                "receiver_id": g.receiver_id,
                "points": g.points,
                "uncounted": g.receiver_id in out,
            }
            for g in gifts
        ],
        "received": sorted(
            ((names.get(mid, f"#{mid}"), mid, points) for mid, points in received.items()),
            key=lambda r: (-r[2], r[0].casefold()),
        ),
        "out_names": sorted(names.get(mid, f"#{mid}") for mid in out),
        "opened_by": names.get(found.opened_by, f"#{found.opened_by}"),
        "closed_by": names.get(found.closed_by, "") if found.closed_by else "",
    }


def show_epoch(
    request: Request,
    slug: str,
    epoch_id: int,
    *,
    error: DomainError | None = None,
    form: str = "",
    values: FormData | None = None,
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context = epoch_context(request, uow, actor, epoch_id)
    is_open = context["epoch"].is_open
    return render_form_page(
        request,
        "epoch.html",
        context,
        error=error,
        form=form,
        values=values,
        offered={
            "give": is_open and context["can_act"],
            "opt-out": is_open and context["can_act"],
            "close": is_open and context["is_admin"],
        },
    )


@router.get("/o/{slug}/epochs/{epoch_id}")
def epoch_page(request: Request, slug: str, epoch_id: str) -> Response:
    return show_epoch(request, slug, forms.path_id(epoch_id, what="epoch"))


def gifts_of(form: FormData) -> list[tuple[int, int]]:
    """The posted ``points-<member>`` fields as (member, points); an empty field is 0."""
    gifts = []
    for name, value in form.multi_items():
        if not name.startswith(POINTS_FIELD) or not isinstance(value, str):
            continue
        receiver = name.removeprefix(POINTS_FIELD)
        if not receiver.isdigit() or len(receiver) > 18:
            raise InvalidInput("epoch.unknown_receiver", "no such member to give to", "gifts")
        typed = value.strip() or "0"
        if not typed.isdigit() or len(typed) > 9:
            raise InvalidInput("epoch.bad_points", "points are a whole number, 0 or more", name)
        gifts.append((int(receiver), int(typed)))
    return gifts


def _field_of(error: InvalidInput, gifts: list[tuple[int, int]]) -> str | None:
    """The service names a gift by its place (``gifts[2].points``); the form by its member."""
    field = error.field or ""
    if field.startswith("gifts[") and "]" in field:
        index = field[len("gifts[") : field.index("]")]
        if index.isdigit() and int(index) < len(gifts):
            return f"{POINTS_FIELD}{gifts[int(index)][0]}"
    return error.field


@router.post("/o/{slug}/epochs/{epoch_id}/gifts")
async def give(request: Request, slug: str, epoch_id: str) -> Response:
    eid = forms.path_id(epoch_id, what="epoch")

    def giving(uow: UnitOfWork, actor: Actor, form: FormData) -> None:
        gifts = gifts_of(form)
        try:
            epochs.give(uow, actor=actor, epoch_id=eid, gifts=gifts, now=request.app.state.clock())
        except InvalidInput as error:
            raise InvalidInput(error.code, error.message, _field_of(error, gifts)) from error

    return await act_on_form(
        request,
        slug,
        giving,
        again=lambda error, form: show_epoch(
            request, slug, eid, error=error, form="give", values=form
        ),
        done=N_("Your points are recorded. You can change them until the epoch is closed."),
        then=f"/o/{slug}/epochs/{eid}",
        gone=GONE,
    )


@router.post("/o/{slug}/epochs/{epoch_id}/opt-out")
async def opt_out(request: Request, slug: str, epoch_id: str) -> Response:
    eid = forms.path_id(epoch_id, what="epoch")

    def choosing(uow: UnitOfWork, actor: Actor, form: FormData) -> bool:
        out = forms.text(form, "out", "1") != "0"
        epochs.opt_out(uow, actor=actor, epoch_id=eid, out=out, now=request.app.state.clock())
        return out

    return await act_on_form(
        request,
        slug,
        choosing,
        again=lambda error, form: show_epoch(
            request, slug, eid, error=error, form="opt-out", values=form
        ),
        done=N_("Your choice about receiving points is recorded."),
        then=f"/o/{slug}/epochs/{eid}",
        gone=GONE,
    )


@router.post("/o/{slug}/epochs/{epoch_id}/close")
async def close(request: Request, slug: str, epoch_id: str) -> Response:
    eid = forms.path_id(epoch_id, what="epoch")

    def closing(uow: UnitOfWork, actor: Actor, form: FormData) -> None:
        epochs.close_epoch(uow, actor=actor, epoch_id=eid, now=request.app.state.clock())

    return await act_on_form(
        request,
        slug,
        closing,
        again=lambda error, form: show_epoch(
            request, slug, eid, error=error, form="close", values=form
        ),
        done=N_("The epoch is closed and its payouts are posted to the ledger."),
        then=f"/o/{slug}/epochs/{eid}",
        gone=GONE,
    )
