"""`POST /api/cred`: CredRank on a contribution graph sent as JSON; no token, nothing stored.

The body is a partage graph document (docs/cred.md); the answer is each participant's cred,
in all and per interval, as `partage cred compute --json` prints it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from partage.api.errors import ERROR_RESPONSES, ImportRoute
from partage.services import cred

router = APIRouter(tags=["cred"], route_class=ImportRoute, responses=ERROR_RESPONSES)

EXAMPLE = {
    "nodes": [
        {"id": "c0", "timestamp_ms": 1642896000001, "weight": 1},
        {"id": "alice", "participant": True},
    ],
    "edges": [{"src": "c0", "dst": "alice", "timestamp_ms": 1642896000001, "backward": 0}],
}


@router.post(
    "/cred",
    summary="Cred of a contribution graph (CredRank, see docs/cred.md)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}, "example": EXAMPLE}},
        }
    },
)
async def compute(request: Request, nodes: bool = False) -> dict[str, Any]:
    data = await request.body()
    # The walk is numerical work on a sparse matrix: off the event loop.
    return await run_in_threadpool(cred.compute_bytes, data, nodes=nodes)
