"""Domain errors: each carries a stable code, the field it concerns and a clear message.

Entry points map the *kind* of error once (invalid → 422, not found → 404, forbidden → 403,
conflict → 409) and show the message; nothing else decides a status code.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A rule of the domain refused an operation. Nothing was written."""

    kind = "invalid"

    def __init__(
        self,
        code: str,
        message: str,
        field: str | None = None,
        *,
        params: Mapping[str, str | int] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        # What the message names (a line, a cell), so that an entry point can say the same
        # rule in its reader's language; ``message`` already says it in English.
        self.params: dict[str, str | int] = dict(params or {})

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class InvalidInput(DomainError):
    """The input breaks a rule (bad amount, closed window, objection to one's own claim…)."""

    kind = "invalid"


class NotFound(DomainError):
    """The thing does not exist, or belongs to an organization the caller is not part of."""

    kind = "not_found"


class Forbidden(DomainError):
    """The caller is known in this organization but their role does not allow the action."""

    kind = "forbidden"


class Conflict(DomainError):
    """The state changed under the caller (a round already closed, a duplicate name…)."""

    kind = "conflict"


class Unauthenticated(DomainError):
    """No valid credentials were given."""

    kind = "unauthenticated"
