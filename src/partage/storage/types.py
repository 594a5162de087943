"""Column types that keep the domain's guarantees across SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Always an aware UTC datetime in Python, whatever the database keeps.

    SQLite has no time zones; storing naive UTC there and re-attaching UTC on the way out
    makes a timestamp read back equal to the one written — the ledger's hashes depend on it.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: pass an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


BIGINT_MAX = 2**63 - 1


def fits_bigint(value: int) -> bool:
    """An id a user typed can be any integer; one beyond BIGINT cannot exist, so no query."""
    return -BIGINT_MAX - 1 <= value <= BIGINT_MAX
