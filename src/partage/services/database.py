"""Bringing the database schema up to date, for the entry points that start partage."""

from __future__ import annotations

from partage.services.context import UnitOfWorkFactory
from partage.storage.migrate import upgrade


def migrate(uow: UnitOfWorkFactory) -> None:
    upgrade(uow.engine)
