"""`POST /api/simulate`: compare allocation models on a spec; no token needed, nothing stored.

The body is read raw and parsed by the simulation service so that decimals stay exact: a JSON
number such as 12.50 is read as a decimal, never through a binary float.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from partage.api.errors import ERROR_RESPONSES, ImportRoute
from partage.services import simulation

router = APIRouter(tags=["simulate"], route_class=ImportRoute, responses=ERROR_RESPONSES)

EXAMPLE = {
    "currency": "EUR",
    "budget": "1000.00",
    "contributions": [
        {"recipient": "alice", "activity": "dev", "hours": "10"},
        {"recipient": "bob", "activity": "design", "hours": "5"},
    ],
    "models": [
        {"type": "rate_grid", "rates": {"dev": "20.00", "design": "30.00"}},
        {"type": "proportional", "by": "hours"},
    ],
}


@router.post(
    "/simulate",
    summary="Simulate allocation models side by side (JSON or YAML spec, see docs/simulate.md)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object"}, "example": EXAMPLE},
                "application/yaml": {"schema": {"type": "string"}},
            },
        }
    },
)
async def simulate(request: Request) -> dict[str, Any]:
    data = await request.body()
    # The models are pure but may be heavy (a million contributions): off the event loop.
    return await run_in_threadpool(simulation.run_bytes, data)
