"""The home page, signing in and out.

Signing in stores only the user's id in the signed session cookie, and renews the CSRF
token so that a token seen before sign-in cannot be replayed after it.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from partage.core.community import LegalForm
from partage.core.errors import DomainError
from partage.services import accounts, organizations
from partage.services.public import public_organizations
from partage.web import forms
from partage.web.i18n import N_
from partage.web.rendering import (
    SESSION_CSRF,
    SESSION_USER,
    WebRoute,
    current_user_id,
    flash,
    form_error,
    redirect,
    render,
    render_form_page,
    uow_factory,
)

router = APIRouter(route_class=WebRoute)


LEGAL_FORMS = tuple(form.value for form in LegalForm)


def show_home(
    request: Request, *, error: DomainError | None = None, values: FormData | None = None
) -> Response:
    user_id = current_user_id(request)
    with uow_factory(request)(readonly=True) as uow:
        mine = organizations.my_organizations(uow, user_id=user_id) if user_id else []
        public = public_organizations(uow)
    context: dict[str, Any] = {"mine": mine, "public": public, "legal_forms": LEGAL_FORMS}
    return render_form_page(
        request, "home.html", context, error=error, form="create", values=values
    )


@router.get("/")
def home(request: Request) -> Response:
    return show_home(request)


def _safe_next(target: str) -> str:
    # Only same-site paths: an open redirect would let a link send users anywhere.
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/signin")
def signin_form(request: Request, next: str = "/") -> Response:
    return render(request, "signin.html", {"next": _safe_next(next)})


@router.post("/signin")
async def signin(request: Request) -> Response:
    form = await forms.posted(request)
    email = forms.text(form, "email")
    target = _safe_next(forms.text(form, "next", "/"))

    def check() -> accounts.User:
        with uow_factory(request)(readonly=True) as uow:
            return accounts.sign_in(uow, email=email, password=forms.text(form, "password"))

    try:
        user = await run_in_threadpool(check)
    except DomainError as error:
        return render(
            request,
            "signin.html",
            {
                "next": target,
                "error": form_error(request, "signin", error),
                "values": {"email": email},
            },
            status=401,
        )
    request.session.clear()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_CSRF] = secrets.token_urlsafe(32)
    flash(request, N_("You are signed in."))
    return redirect(target)


@router.post("/signout")
async def signout(request: Request) -> Response:
    await forms.posted(request)
    request.session.clear()
    flash(request, N_("You are signed out."))
    return redirect("/")
