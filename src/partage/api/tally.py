"""`POST /api/tally`: count a vote, a college-weighted vote or a consent (docs/tally.md).

Open to anyone, like ``/api/simulate``: it reads no organization's data and stores nothing.
The body is read raw so that decimals stay exact (a weight of 12.5 is never a binary float).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.core.errors import InvalidInput
from partage.core.governance.document import tally_document
from partage.services.simulation import read_document

router = APIRouter(tags=["tally"], route_class=ApiRoute, responses=ERROR_RESPONSES)

EXAMPLE = {
    "method": "college_vote",
    "threshold": "majority",
    "legal_form": "scic",
    "colleges": [
        {"name": "workers", "weight": "40", "members": ["ana", "ben"]},
        {"name": "users", "weight": "25", "members": ["eve", "fred"]},
        {"name": "partners", "weight": "25", "members": ["ivo"]},
        {"name": "supporters", "weight": "10", "members": ["kim"]},
    ],
    "votes": [
        {"voter": "ana", "choice": "agree"},
        {"voter": "ben", "choice": "abstain"},
        {"voter": "eve", "choice": "disagree"},
        {"voter": "ivo", "choice": "agree"},
        {"voter": "kim", "choice": "agree"},
    ],
}


@router.post(
    "/tally",
    summary="Count a vote, a college-weighted vote or a consent (JSON or YAML, docs/tally.md)",
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
async def tally(request: Request) -> dict[str, Any]:
    data = await request.body()
    try:
        document = read_document(data)
    except InvalidInput as error:
        raise InvalidInput(
            error.code.replace("spec.", "tally.", 1),
            error.message.replace("the spec", "the tally document"),
            field="document",
        ) from None
    # A tally is a few thousand votes at most, counted in microseconds: no thread needed.
    return tally_document(document)
