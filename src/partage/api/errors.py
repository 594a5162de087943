"""The one mapping from failures to HTTP responses, and the guard every API route runs behind.

A :class:`~partage.core.errors.DomainError` becomes the status of its *kind*
(invalid → 422, not_found → 404, forbidden → 403, conflict → 409, unauthenticated → 401);
a request that does not fit the declared body becomes a 422 naming the field; a body larger
than the route allows becomes a 413 before it is parsed. Every error body has the shape
``{"error": {"code", "message", "field", "details"}}``.

The mapping is done by :class:`ApiRoute`, the route class of the API's routers, rather than by
application-wide exception handlers: the web pages live in the same application and render
their own errors as HTML, so the API keeps its JSON to its own routes.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive

from partage.api.schemas import ErrorDetail, ErrorItem, ErrorOut
from partage.core.errors import DomainError, InvalidInput

MiB = 1024 * 1024

STATUS_OF_KIND = {
    "invalid": 422,
    "not_found": 404,
    "forbidden": 403,
    "conflict": 409,
    "unauthenticated": 401,
}

_CODE_OF_STATUS = {
    400: "request.bad",
    401: "auth.required",
    403: "forbidden",
    404: "api.not_found",
    405: "api.method_not_allowed",
    413: "request.too_large",
    415: "request.unsupported_media_type",
}

# Documented on every route so that clients generated from the OpenAPI know the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": description}
    for status, description in (
        (401, "no API token, or an unknown one"),
        (403, "the member's role does not allow this"),
        (404, "no such thing in this organization (or an organization that is not yours)"),
        (409, "the state changed: already closed, a duplicate…"),
        (413, "the request body is too large"),
        (422, "the input breaks a rule; nothing was written"),
    )
}


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    *,
    details: list[ErrorItem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorOut(error=ErrorDetail(code=code, message=message, field=field, details=details))
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


class InvalidItems(InvalidInput):
    """Several problems at once (the bad rows of an imported file), answered together."""

    def __init__(
        self, code: str, message: str, field: str | None, details: list[ErrorItem]
    ) -> None:
        super().__init__(code, message, field)
        self.details = details


def domain_error(exc: DomainError) -> JSONResponse:
    status = STATUS_OF_KIND.get(exc.kind, 422)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    details = exc.details if isinstance(exc, InvalidItems) else None
    return error_response(
        status, exc.code, exc.message, exc.field, details=details, headers=headers
    )


def _field(loc: Sequence[int | str]) -> str | None:
    # ("body", "missions", 0, "envelope") → "missions.0.envelope"; the first part only says
    # where the value came from (body, query, path, header).
    parts = [str(part) for part in loc[1:]]
    return ".".join(parts) or None


def validation_error(exc: RequestValidationError) -> JSONResponse:
    items: list[ErrorItem] = []
    for error in exc.errors():
        kind = str(error.get("type", "invalid"))
        if kind == "json_invalid":
            reason = (error.get("ctx") or {}).get("error", "malformed")
            items.append(
                ErrorItem(code="request.json_invalid", message=f"the body is not JSON: {reason}")
            )
            continue
        field = _field(error.get("loc", ()))
        message = str(error.get("msg", "invalid value"))
        # Our own validators use dotted codes (amount.float); pydantic's are bare words.
        code = kind if "." in kind else f"request.{kind}"
        items.append(
            ErrorItem(
                field=field,
                code=code,
                message=f"{field}: {message}" if field else message,
            )
        )
    if not items:  # pragma: no cover - FastAPI always names at least one error
        items.append(ErrorItem(code="request.invalid", message="the request is invalid"))
    first = items[0]
    return error_response(
        422, first.code or "request.invalid", first.message, first.field, details=items
    )


def http_error(exc: HTTPException) -> JSONResponse:
    code = _CODE_OF_STATUS.get(exc.status_code, "request.bad")
    return error_response(
        exc.status_code, code, str(exc.detail), headers=dict(exc.headers or {}) or None
    )


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit // MiB} MiB")


def _counted(receive: Receive, limit: int) -> Receive:
    """``receive`` that refuses a body once more than ``limit`` bytes have streamed in.

    The Content-Length header is checked first, but a chunked body has none, and a client
    may lie: counting what actually arrives is what protects the server.
    """
    seen = 0

    async def receive_counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return receive_counted


class ApiRoute(APIRoute):
    """A route of the JSON API: bounded body, and every failure answered as an ``ErrorOut``."""

    max_body = 1 * MiB

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        limit = self.max_body

        async def guarded(request: Request) -> Response:
            declared = request.headers.get("content-length")
            if declared is not None and not declared.strip().isdigit():
                return error_response(400, "request.bad", "Content-Length is not a number")
            if declared is not None and int(declared) > limit:
                return http_error(BodyTooLarge(limit))
            try:
                return await handle(Request(request.scope, _counted(request.receive, limit)))
            except DomainError as exc:
                return domain_error(exc)
            except RequestValidationError as exc:
                return validation_error(exc)
            except HTTPException as exc:
                return http_error(exc)

        return guarded


class ImportRoute(ApiRoute):
    """A file upload: CSV imports may be up to 10 MiB."""

    max_body = 10 * MiB
