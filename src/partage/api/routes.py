"""Mount the JSON API under ``/api``: every router, and a JSON 404 for unknown API paths."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from partage.api import (
    auth,
    claims,
    contributions,
    cred,
    distributions,
    epochs,
    funding_calls,
    governance,
    ledger,
    org_cred,
    organizations,
    public,
    rounds,
    simulate,
    subscriptions,
    tally,
    transaction_imports,
    transactions,
    units,
    value_flows,
)
from partage.api.errors import ApiRoute
from partage.core.errors import NotFound

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def _unknown_path() -> APIRouter:
    router = APIRouter(route_class=ApiRoute)

    # Without it an unknown /api path would get the web pages' HTML 404, or FastAPI's bare one.
    @router.api_route("/{path:path}", methods=_METHODS, include_in_schema=False)
    def unknown(path: str) -> None:
        raise NotFound("api.not_found", f"no API endpoint at /api/{path[:200]}")

    return router


def install(app: FastAPI) -> None:
    """Mount the API under /api."""
    api = APIRouter(prefix="/api")
    for module in (
        auth,
        organizations,
        contributions,
        rounds,
        claims,
        ledger,
        distributions,
        epochs,
        funding_calls,
        public,
        simulate,
        tally,
        cred,
        org_cred,
        governance,
        transaction_imports,
        transactions,
        subscriptions,
        value_flows,
        units,
    ):
        api.include_router(module.router)
    api.include_router(contributions.import_router)
    api.include_router(_unknown_path())
    app.include_router(api)
