"""A claim's page: its state, its append-only thread, and the forms of the consent process.

Only the forms a reader may use are shown (no objection form for the claimant, no amend
form for others), but every action is still checked by the service: the page's choice is a
courtesy, the service's refusal the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from partage.core.claims import ClaimStatus
from partage.core.errors import DomainError
from partage.services import contributions, rounds
from partage.services.context import Actor, UnitOfWork
from partage.web import forms
from partage.web.actions import act_on_form, codes
from partage.web.i18n import N_
from partage.web.labels import EVENT_TEXT, RESOLUTION_TEXT, STATUS_TEXT, redirect_label
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import WebRoute, gettext, render_form_page, uow_factory

router = APIRouter(route_class=WebRoute)


def claim_context(request: Request, uow: UnitOfWork, actor: Actor, claim_id: int) -> dict[str, Any]:
    now = request.app.state.clock()
    detail = rounds.view_claim(uow, actor=actor, claim_id=claim_id, now=now)
    frame = org_frame(uow, actor, section="rounds")
    names: dict[int, str] = frame["names"]
    claim = detail.record.claim
    me = actor.member.id
    is_claimant = claim.member_id == me
    live = detail.status is not ClaimStatus.WITHDRAWN and detail.round.is_open
    round_view = rounds.view_round(uow, actor=actor, round_id=detail.round.id, now=now)
    mission = next((m.name for m in round_view.missions if m.id == claim.mission_id), None)
    linked = []
    if detail.record.contribution_ids:
        wanted = set(detail.record.contribution_ids)
        linked = [
            c
            for c in contributions.find(uow, actor=actor, member_id=claim.member_id)
            if c.id in wanted
        ]
    _ = gettext(request)
    return {
        **frame,
        "detail": detail,
        "record": detail.record,
        "claim": claim,
        "status": detail.status,
        "round": detail.round,
        "mission": mission,
        "linked": linked,
        "claimant": names.get(claim.member_id, f"#{claim.member_id}"),
        "is_claimant": is_claimant,
        "time_left": claim.window_ends_at - now if now < claim.window_ends_at else None,
        "objections": claim.objections,
        "my_standing": [o for o in claim.objections if o.standing and o.objector_id == me],
        "can_object": frame["can_act"]
        and live
        and not is_claimant
        and now < claim.window_ends_at
        and not any(o.standing and o.objector_id == me for o in claim.objections),
        "can_amend": is_claimant and live and detail.status is not ClaimStatus.ACCEPTED,
        "can_change": is_claimant and live,
        "can_comment": frame["can_act"],
        "event_text": EVENT_TEXT,
        "status_text": STATUS_TEXT,
        "resolution_text": RESOLUTION_TEXT,
        "redirect_label": lambda target: redirect_label(target, names, _),
        "others": [(mid, name) for mid, name in names.items() if mid != me],
    }


def show_claim(
    request: Request,
    slug: str,
    claim_id: int,
    *,
    error: DomainError | None = None,
    form: str = "",
    values: FormData | None = None,
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context = claim_context(request, uow, actor, claim_id)
    return render_form_page(
        request,
        "claim.html",
        context,
        error=error,
        form=form,
        values=values,
        offered={
            "object": context["can_object"],
            "withdraw_objection": bool(context["my_standing"]),
            "amend": context["can_amend"],
            "dispose": context["can_change"],
            "withdraw": context["can_change"],
            "comment": context["can_comment"],
        },
    )


@router.get("/o/{slug}/claims/{claim_id}")
def claim_page(request: Request, slug: str, claim_id: str) -> Response:
    return show_claim(request, slug, forms.path_id(claim_id, what="claim"))


Action = Callable[[UnitOfWork, Actor, int, FormData], object]


async def _act(
    request: Request, slug: str, claim_id: str, form_name: str, done: str, action: Action
) -> Response:
    """Act on one of the claim page's forms, then come back to the claim (see act_on_form)."""
    cid = forms.path_id(claim_id, what="claim")
    return await act_on_form(
        request,
        slug,
        lambda uow, actor, form: action(uow, actor, cid, form),
        again=lambda error, form: show_claim(
            request, slug, cid, error=error, form=form_name, values=form
        ),
        done=done,
        then=f"/o/{slug}/claims/{cid}",
        gone=codes("organization.not_found", "claim.not_found"),
    )


def _now(request: Request) -> Any:
    return request.app.state.clock()


@router.post("/o/{slug}/claims/{claim_id}/object")
async def object_to(request: Request, slug: str, claim_id: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, cid: int, form: FormData) -> object:
        return rounds.object_to_claim(
            uow, actor=actor, claim_id=cid, reason=forms.text(form, "reason"), now=_now(request)
        )

    done = N_("Your objection is recorded. Discuss it below with the claimant.")
    return await _act(request, slug, claim_id, "object", done, action)


@router.post("/o/{slug}/claims/{claim_id}/objections/withdraw")
async def withdraw_objection(request: Request, slug: str, claim_id: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, cid: int, form: FormData) -> object:
        return rounds.withdraw_objection(
            uow,
            actor=actor,
            claim_id=cid,
            objection_id=forms.required_id(forms.text(form, "objection"), field="objection"),
            now=_now(request),
        )

    done = N_("Your objection is withdrawn.")
    return await _act(request, slug, claim_id, "withdraw_objection", done, action)


@router.post("/o/{slug}/claims/{claim_id}/comment")
async def comment(request: Request, slug: str, claim_id: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, cid: int, form: FormData) -> object:
        return rounds.comment(
            uow, actor=actor, claim_id=cid, body=forms.text(form, "comment"), now=_now(request)
        )

    return await _act(request, slug, claim_id, "comment", N_("Your comment is added."), action)


@router.post("/o/{slug}/claims/{claim_id}/amend")
async def amend(request: Request, slug: str, claim_id: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, cid: int, form: FormData) -> object:
        return rounds.amend_claim(
            uow,
            actor=actor,
            claim_id=cid,
            amount=forms.amount(forms.text(form, "amount"), actor.organization.currency),
            note=forms.text(form, "note"),
            now=_now(request),
        )

    done = N_("Your claim is amended: standing objections are resolved and the window restarts.")
    return await _act(request, slug, claim_id, "amend", done, action)


@router.post("/o/{slug}/claims/{claim_id}/withdraw")
async def withdraw(request: Request, slug: str, claim_id: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, cid: int, form: FormData) -> object:
        return rounds.withdraw_claim(uow, actor=actor, claim_id=cid, now=_now(request))

    return await _act(request, slug, claim_id, "withdraw", N_("Your claim is withdrawn."), action)


@router.post("/o/{slug}/claims/{claim_id}/dispose")
async def dispose(request: Request, slug: str, claim_id: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, cid: int, form: FormData) -> object:
        chosen, target = forms.disposition(form)
        return rounds.dispose_claim(
            uow,
            actor=actor,
            claim_id=cid,
            disposition=chosen,
            redirect_to=target,
            now=_now(request),
        )

    done = N_("Your choice for this claim is recorded.")
    return await _act(request, slug, claim_id, "dispose", done, action)
