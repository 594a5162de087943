"""Who may do what inside one organization.

Admins configure (open and close rounds, add members, mark payouts); members take part
(declare, object, discuss, record contributions); observers only read. Anyone outside the
organization sees nothing of it — callers turn that case into ``NotFound``.
"""

from __future__ import annotations

from enum import StrEnum

from partage.core.errors import Forbidden, InvalidInput


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"
    OBSERVER = "observer"


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise InvalidInput(
            "member.bad_role", "role must be admin, member or observer", field="role"
        ) from None


def require_participant(role: Role) -> None:
    """Members and admins act; observers only read."""
    if role is Role.OBSERVER:
        raise Forbidden("role.observer", "observers can read but not act in this organization")


def require_admin(role: Role) -> None:
    if role is not Role.ADMIN:
        raise Forbidden("role.not_admin", "only an admin of the organization can do this")
