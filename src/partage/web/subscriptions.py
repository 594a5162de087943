"""Subscriptions and licences: the plans with their fee per status, who subscribes, what was
charged and what comes next; admins define plans, subscribe members, end subscriptions and
charge what is due (the scheduler does the same on its own)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from partage.core.errors import DomainError, InvalidInput
from partage.services import subscriptions
from partage.services.context import Actor, UnitOfWork
from partage.services.contributions import parse_day
from partage.web import forms
from partage.web.actions import act_on_form
from partage.web.i18n import N_
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import WebRoute, render_form_page, uow_factory

router = APIRouter(route_class=WebRoute)
FEE_ROWS = 4  # status/fee pairs offered by the plan form


def show(
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
            **org_frame(uow, actor, section="ledger"),
            "plans": subscriptions.plans(uow, actor=actor),
            "subscriptions": subscriptions.subscriptions(uow, actor=actor),
            "fee_rows": range(FEE_ROWS),
        }
    return render_form_page(
        request, "subscriptions.html", context, error=error, form=form, values=values
    )


@router.get("/o/{slug}/subscriptions")
def page(request: Request, slug: str) -> Response:
    return show(request, slug)


def _fees(form: FormData) -> dict[str, str]:
    fees = {}
    for i in range(FEE_ROWS):
        status, fee = forms.text(form, f"status_{i}").strip(), forms.text(form, f"fee_{i}").strip()
        if status or fee:
            if not (status and fee):
                raise InvalidInput(
                    "subscription.bad_fee", "each fee needs a status and an amount", "fees"
                )
            fees[status] = fee
    return fees


@router.post("/o/{slug}/subscriptions/plans")
async def add_plan(request: Request, slug: str) -> Response:
    def define(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return subscriptions.define_plan(
            uow,
            actor=actor,
            name=forms.text(form, "name"),
            period=forms.text(form, "period", "monthly"),
            fees=_fees(form),
            destination=forms.text(form, "destination").strip() or "operations",
            now=request.app.state.clock(),
        )

    return await act_on_form(
        request,
        slug,
        define,
        again=lambda error, form: show(request, slug, error=error, form="plan", values=form),
        done=N_("The plan is defined."),
        then=f"/o/{slug}/subscriptions",
    )


@router.post("/o/{slug}/subscriptions/subscribe")
async def subscribe(request: Request, slug: str) -> Response:
    def add(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return subscriptions.subscribe(
            uow,
            actor=actor,
            plan=forms.text(form, "plan"),
            member_id=forms.required_id(forms.text(form, "member"), field="member"),
            status=forms.text(form, "status"),
            starts_on=parse_day(forms.text(form, "starts_on"), field="starts_on"),
            now=request.app.state.clock(),
        )

    return await act_on_form(
        request,
        slug,
        add,
        again=lambda error, form: show(request, slug, error=error, form="subscribe", values=form),
        done=N_("The member is subscribed."),
        then=f"/o/{slug}/subscriptions",
    )


@router.post("/o/{slug}/subscriptions/end")
async def end(request: Request, slug: str) -> Response:
    def stop(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return subscriptions.end_subscription(
            uow,
            actor=actor,
            plan=forms.text(form, "plan"),
            member_id=forms.required_id(forms.text(form, "member"), field="member"),
            last_day=parse_day(forms.text(form, "last_day"), field="last_day"),
            now=request.app.state.clock(),
        )

    return await act_on_form(
        request,
        slug,
        stop,
        again=lambda error, form: show(request, slug, error=error, form="end", values=form),
        done=N_("The subscription will end on its last day."),
        then=f"/o/{slug}/subscriptions",
    )


@router.post("/o/{slug}/subscriptions/charge")
async def charge(request: Request, slug: str) -> Response:
    def run(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return subscriptions.charge_due(uow, actor=actor, now=request.app.state.clock())

    return await act_on_form(
        request,
        slug,
        run,
        again=lambda error, form: show(request, slug, error=error, form="charge", values=form),
        done=N_("Every period that has begun is charged."),
        then=f"/o/{slug}/subscriptions",
    )
