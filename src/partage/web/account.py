"""What a signed-in person does for themselves: found an organization, change their password.

The founder of a new organization is its first admin, under their account's display name.
A currency is an ISO 4217 code (EUR) or an own unit (HOUR) with its number of decimals;
the decimals box stays empty for an ISO code. Changing a password asks for the current one.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from partage.core.community import parse_legal_form
from partage.core.currency import Currency, currency_for
from partage.core.errors import DomainError
from partage.services import accounts, organizations
from partage.services.context import Actor, UnitOfWork
from partage.web import forms
from partage.web.actions import act_on_form
from partage.web.auth import show_home
from partage.web.i18n import N_
from partage.web.orgs import show_settings
from partage.web.rendering import (
    SignInRequired,
    WebRoute,
    flash,
    redirect,
    require_user,
    uow_factory,
)

router = APIRouter(route_class=WebRoute)


def chosen_currency(form: FormData) -> Currency:
    code = forms.text(form, "currency").strip() or "EUR"
    decimals = forms.text(form, "decimals").strip()
    places = (
        forms.whole_number(decimals, field="decimals", low=0, high=6, code="currency.bad_decimals")
        if decimals
        else None
    )
    return currency_for(code, places)


@router.post("/organizations")
async def create_organization(request: Request) -> Response:
    form = await forms.posted(request)
    user_id = require_user(request)

    def act() -> Response:
        try:
            with uow_factory(request)() as uow:
                founder = accounts.user(uow, user_id)
                if founder is None:
                    raise SignInRequired
                created = organizations.create_organization(
                    uow,
                    name=forms.text(form, "name"),
                    slug=forms.text(form, "slug").strip() or None,
                    currency=chosen_currency(form),
                    legal_form=parse_legal_form(forms.text(form, "legal_form", "informal")),
                    founder_user_id=user_id,
                    founder_name=founder.display_name,
                    now=request.app.state.clock(),
                )
        except DomainError as error:
            return show_home(request, error=error, values=form)
        flash(request, N_("Your organization is created: you are its first admin."))
        return redirect(f"/o/{created.organization.slug}")

    return await run_in_threadpool(act)


@router.post("/o/{slug}/settings/password")
async def change_password(request: Request, slug: str) -> Response:
    def change(uow: UnitOfWork, actor: Actor, form: FormData) -> None:
        accounts.change_password(
            uow,
            user_id=require_user(request),
            current=forms.text(form, "current_password"),
            new=forms.text(form, "password"),
            again=forms.text(form, "password_again"),
        )

    return await act_on_form(
        request,
        slug,
        change,
        again=lambda error, form: show_settings(request, slug, error=error, form="password"),
        done=N_("Your password is changed."),
        then=f"/o/{slug}/settings",
    )
