"""Composition root: settings, the database, and the wiring of the three entry points.

``create_app`` builds the ASGI application (JSON API under ``/api``, web pages elsewhere);
``main`` runs the command-line program. Both hand the entry points a unit-of-work factory and
a clock; nothing below this module reads the environment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from partage.settings import Settings, load_settings

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.types import ASGIApp, Receive, Scope, Send

Clock = Callable[[], datetime]


# The largest request partage accepts at all (a CSV import of 10 MiB and its form around it);
# the API's routes apply their own, tighter limits.
MAX_REQUEST_BYTES = 11 * 1024 * 1024


class RequestSizeLimit:
    """Refuse a request whose declared body is larger than ``limit`` with 413, unread."""

    def __init__(self, app: ASGIApp, limit: int = MAX_REQUEST_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            declared = dict(scope["headers"]).get(b"content-length", b"")
            too_large = declared.isdigit() and int(declared) > self.limit
            if too_large or (declared and not declared.isdigit()):
                status = 413 if too_large else 400
                reason = b"request body too large" if too_large else b"bad content-length"
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                    }
                )
                await send({"type": "http.response.body", "body": reason})
                return
        await self.app(scope, receive, send)


def system_clock() -> datetime:
    return datetime.now(UTC)


def create_app(settings: Settings | None = None, *, clock: Clock = system_clock) -> FastAPI:
    # The web framework loads here, not at import: the command line starts without it.
    from fastapi import FastAPI

    from partage.api.routes import install as install_api
    from partage.services.context import UnitOfWorkFactory
    from partage.storage.database import make_engine
    from partage.web.routes import install as install_web

    settings = settings or load_settings()
    uow = UnitOfWorkFactory(make_engine(settings.database_url))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        uow.engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="partage",
        summary="Contributive budgets under peer control, on a transparent double-entry ledger.",
        version="0.1.0",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.uow = uow
    app.state.clock = clock
    install_api(app)
    install_web(app, secret_key=settings.secret_key, secure_cookies=settings.secure_cookies)
    app.add_middleware(RequestSizeLimit)
    return app


def main() -> None:
    # Commands that read files and need no database start without loading it (and the web
    # stack): a batch run's second or so of imports is saved.
    import sys

    from partage.cli import batch

    if batch.handles(sys.argv[1:]):
        batch.run(sys.argv[1:])
        return
    from partage.cli.main import run as run_cli
    from partage.services.context import UnitOfWorkFactory
    from partage.storage.database import make_engine

    settings = load_settings()
    run_cli(
        uow_factory=lambda: UnitOfWorkFactory(make_engine(settings.database_url)),
        clock=system_clock,
        database_url=settings.database_url,
    )
