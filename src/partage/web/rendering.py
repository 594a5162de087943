"""Rendering pages: one Jinja2 environment per language, the page frame, errors as pages.

Each language has its own environment with its catalogue installed, so that concurrent
requests in different languages never share a gettext. Every web route goes through
:class:`WebRoute`, which picks the reader's language, turns a domain error into a page with
the matching status and remembers a ``?lang=`` choice in a cookie — without touching the
JSON API's own error handling.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute

from partage.core.errors import DomainError
from partage.services import accounts
from partage.services.context import UnitOfWorkFactory
from partage.web import i18n

TEMPLATES_DIR = Path(__file__).parent / "templates"
SESSION_USER = "user_id"
SESSION_CSRF = "csrf"
SESSION_FLASH = "flash"

STATUS_OF_KIND = {
    "invalid": 400,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "unauthenticated": 401,
}


class SignInRequired(Exception):
    """A signed-out reader asked for a page behind sign-in."""


class CsrfRefused(DomainError):
    kind = "forbidden"

    def __init__(self) -> None:
        super().__init__("csrf.refused", "the form's security token is missing or wrong")


@dataclass(frozen=True, slots=True)
class FormError:
    """A refusal to show inside the form that caused it, next to its field when known."""

    form: str
    field: str | None
    message: str
    # A refusal of who may act (or of a changed state) is shown at the top of the page: the
    # form it came from is often not offered to this reader at all.
    on_top: bool = False


class Pages:
    """The per-language environments and the page frame every template extends."""

    def __init__(self) -> None:
        self.translations = i18n.load_translations()
        self.envs = {lang: self._environment(lang) for lang in i18n.SUPPORTED}

    def _environment(self, lang: str) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
            autoescape=jinja2.select_autoescape(["html"]),
            extensions=["jinja2.ext.i18n"],
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_gettext_translations(self.translations[lang], newstyle=True)  # type: ignore[attr-defined]
        return env

    def gettext(self, lang: str) -> Callable[[str], str]:
        return self.translations[lang].gettext


def pages(request: Request) -> Pages:
    found: Pages = request.app.state.web_pages
    return found


def lang_of(request: Request) -> str:
    lang: str = getattr(request.state, "lang", i18n.DEFAULT)
    return lang


def gettext(request: Request) -> Callable[[str], str]:
    return pages(request).gettext(lang_of(request))


def uow_factory(request: Request) -> UnitOfWorkFactory:
    factory: UnitOfWorkFactory = request.app.state.uow
    return factory


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return token


def current_user_id(request: Request) -> int | None:
    value = request.session.get(SESSION_USER)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def require_user(request: Request) -> int:
    user_id = current_user_id(request)
    if user_id is None:
        raise SignInRequired
    return user_id


def flash(request: Request, message: str) -> None:
    """Remember a (message id) to show once on the next page, after a redirect."""
    request.session[SESSION_FLASH] = message


def lang_url(request: Request, lang: str) -> str:
    query = dict(request.query_params)
    query["lang"] = lang
    return f"{request.url.path}?{urlencode(query)}"


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    lang = lang_of(request)
    user = None
    user_id = current_user_id(request)
    if user_id is not None:
        with uow_factory(request)(readonly=True) as uow:
            user = accounts.user(uow, user_id)
    message = request.session.pop(SESSION_FLASH, None)
    frame: dict[str, Any] = {
        "request": request,
        "lang": lang,
        "other_lang": "en" if lang == "fr" else "fr",
        "lang_url": lambda code: lang_url(request, code),
        "fmt": i18n.Formatter(lang),
        "user": user,
        "csrf_token": csrf_token(request),
        "flash": gettext(request)(message) if isinstance(message, str) else None,
        "error": None,
        "values": {},
        "now": request.app.state.clock(),
    }
    frame.update(context or {})
    html = pages(request).envs[lang].get_template(template).render(frame)
    return HTMLResponse(html, status_code=status)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def status_of(error: DomainError) -> int:
    return STATUS_OF_KIND.get(error.kind, 400)


def form_error(request: Request, form: str, error: DomainError) -> FormError:
    message = i18n.error_message(error, gettext(request), i18n.Formatter(lang_of(request)))
    return FormError(form, error.field, message, on_top=error.kind in ("forbidden", "conflict"))


def place_error(context: dict[str, Any], offered: Mapping[str, bool]) -> None:
    """Move a form's error to the top of the page when that form is not offered to the reader
    (an observer's declaration, an objection to one's own claim): it must still be seen."""
    error = context.get("error")
    if isinstance(error, FormError) and not offered.get(error.form, False):
        context["error"] = replace(error, on_top=True)


def render_form_page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    error: DomainError | None = None,
    form: str = "",
    values: Mapping[str, Any] | None = None,
    offered: Mapping[str, bool] | None = None,
    status: int | None = None,
) -> HTMLResponse:
    """A page with forms, shown again after a refusal when ``error`` is given: the message
    next to ``form`` (or on top of the page when ``offered`` says that form is not shown to
    this reader), what was typed refilled, and the status the error's kind calls for."""
    if error is not None:
        context["error"] = form_error(request, form, error)
        context["values"] = values or {}
        if offered is not None:
            place_error(context, offered)
    if status is None:
        status = status_of(error) if error is not None else 200
    return render(request, template, context, status=status)


def error_page(request: Request, error: DomainError) -> HTMLResponse:
    status = status_of(error)
    return render(
        request,
        "error.html",
        {
            "status": status,
            "message": i18n.error_message(
                error, gettext(request), i18n.Formatter(lang_of(request))
            ),
        },
        status=status,
    )


class WebRoute(APIRoute):
    """A web page route: language, domain errors as pages, sign-in redirects."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def route(request: Request) -> Response:
            request.state.lang = i18n.negotiate(
                request.query_params.get("lang"),
                request.cookies.get(i18n.LANG_COOKIE),
                request.headers.get("accept-language"),
            )
            try:
                response = await handle(request)
            except SignInRequired:
                target = request.url.path
                if request.method == "GET" and request.url.query:
                    target += "?" + request.url.query
                response = redirect("/signin?" + urlencode({"next": target}))
            except DomainError as error:
                response = error_page(request, error)
            chosen = request.query_params.get("lang")
            if chosen in i18n.SUPPORTED:
                response.set_cookie(
                    i18n.LANG_COOKIE, chosen, max_age=365 * 86_400, samesite="lax", httponly=True
                )
            return response

        return route
