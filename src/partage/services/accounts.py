"""Sign-in with a password (argon2), and API tokens, each tied to one member of one org."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from partage.core.community import check_email
from partage.core.errors import InvalidInput, Unauthenticated
from partage.services.context import Actor, UnitOfWork, actor_for_member

_hasher = PasswordHasher()
MIN_PASSWORD = 8
TOKEN_PREFIX = "pt_"  # noqa: S105 - a visible prefix, not a secret


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    display_name: str
    locale: str | None


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            "password.too_short",
            f"a password has at least {MIN_PASSWORD} characters",
            field="password",
        )
    if len(password) > 1024:
        raise InvalidInput(
            "password.too_long", "a password has at most 1024 characters", "password"
        )
    return _hasher.hash(password)


def sign_in(uow: UnitOfWork, *, email: str, password: str) -> User:
    """The user with this email and password, or ``auth.failed`` (same message either way)."""
    failed = Unauthenticated("auth.failed", "wrong email or password")
    row = uow.community.user_by_email(email.strip().lower())
    if row is None or row._mapping["password_hash"] is None:
        _hasher.hash("timing-equaliser")  # do the same work whether the user exists or not
        raise failed
    try:
        _hasher.verify(row._mapping["password_hash"], password)
    except (VerificationError, InvalidHashError):
        raise failed from None
    return _user(row)


def user(uow: UnitOfWork, user_id: int) -> User | None:
    row = uow.community.user(user_id)
    return _user(row) if row else None


def user_by_email(uow: UnitOfWork, email: str) -> User | None:
    row = uow.community.user_by_email(email.strip().lower())
    return _user(row) if row else None


def _user(row: object) -> User:
    m = row._mapping  # type: ignore[attr-defined]
    return User(m["id"], m["email"], m["display_name"], m["locale"])


def find_or_create_user(
    uow: UnitOfWork, *, email: str, display_name: str, password: str | None, now: datetime
) -> int:
    address = check_email(email)
    existing = uow.community.user_by_email(address)
    if existing is not None:
        return int(existing._mapping["id"])
    password_hash = hash_password(password) if password else None
    return uow.community.add_user(
        email=address, display_name=display_name, password_hash=password_hash, now=now
    )


def set_password(uow: UnitOfWork, *, user_id: int, password: str) -> None:
    uow.community.set_password_hash(user_id, hash_password(password))
    uow.commit()


def change_password(
    uow: UnitOfWork, *, user_id: int, current: str, new: str, again: str | None = None
) -> None:
    """A signed-in person changes their password, proving they know the current one."""
    me = user(uow, user_id)
    if me is None:
        raise Unauthenticated("auth.failed", "sign in again")
    try:
        sign_in(uow, email=me.email, password=current)
    except Unauthenticated:
        raise InvalidInput(
            "password.wrong_current", "the current password is wrong", field="current_password"
        ) from None
    if again is not None and new != again:
        raise InvalidInput(
            "password.mismatch", "the two new passwords differ", field="password_again"
        )
    set_password(uow, user_id=user_id, password=new)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(uow: UnitOfWork, *, actor: Actor, label: str, now: datetime) -> str:
    """A new API token for the acting member; only its digest is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    uow.community.add_token(
        actor.org_id,
        member_id=actor.member.id,
        token_hash=_token_digest(token),
        label=label.strip()[:200] or "api",
        now=now,
    )
    uow.commit()
    return token


def actor_for_token(uow: UnitOfWork, token: str) -> Actor:
    owner = uow.community.token_owner(_token_digest(token.strip()))
    if owner is None:
        raise Unauthenticated("auth.bad_token", "this API token is unknown or revoked")
    return actor_for_member(uow, org_id=owner[0], member_id=owner[1])
