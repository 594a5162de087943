"""Mounting the web pages on the application: sessions, static files and every page router.

Sessions are Starlette's signed cookie (itsdangerous): it holds the signed-in user's id,
the CSRF token and a one-time message, nothing secret. Unknown addresses outside the API
get an HTML 404 page; the API keeps whatever 404 handling it installed.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from partage.web import (
    account,
    auth,
    claims,
    contributions,
    cred,
    distributions,
    epochs,
    funding,
    governance,
    i18n,
    ledger,
    orgs,
    public,
    rounds,
    statements,
    subscriptions,
    units,
    value_flows,
    value_flows_transactions,
)
from partage.web.rendering import Pages, render

STATIC_DIR = Path(__file__).parent / "static"
SESSION_COOKIE = "partage_session"
SESSION_AGE = 14 * 86_400


def install(app: FastAPI, *, secret_key: str, secure_cookies: bool) -> None:
    """Mount the web pages, sessions and static files."""
    if not secret_key:
        raise ValueError("the web pages need a secret key to sign their session cookies")
    app.state.web_pages = Pages()
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_AGE,
        same_site="lax",
        https_only=secure_cookies,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Fixed addresses (/rounds/new, /distributions/preview) are declared before the
    # numbered ones of the same module (/rounds/{round_id}), so they are matched first.
    for module in (
        auth,
        account,
        orgs,
        statements,
        rounds,
        claims,
        contributions,
        cred,
        distributions,
        epochs,
        funding,
        ledger,
        subscriptions,
        value_flows,
        value_flows_transactions,
        units,
        governance,
        public,
    ):
        app.include_router(module.router)

    api_handler = app.exception_handlers.get(StarletteHTTPException, http_exception_handler)

    async def not_found(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if request.url.path.startswith("/api") or exc.status_code not in (404, 405):
            response = api_handler(request, exc)
            return await response if not isinstance(response, Response) else response
        request.state.lang = i18n.negotiate(
            request.query_params.get("lang"),
            request.cookies.get(i18n.LANG_COOKIE),
            request.headers.get("accept-language"),
        )
        translate = request.app.state.web_pages.gettext(request.state.lang)
        message = translate(i18n.ERROR_MESSAGES["organization.not_found"])
        return render(
            request,
            "error.html",
            {"status": exc.status_code, "message": message},
            status=exc.status_code,
        )

    app.add_exception_handler(StarletteHTTPException, not_found)
