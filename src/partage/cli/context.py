"""What every command receives: the unit-of-work factory, the clock, and who acts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import typer

from partage.core.errors import InvalidInput
from partage.services import accounts
from partage.services.context import Actor, UnitOfWorkFactory, acting


@dataclass
class CliContext:
    make_uow: Callable[[], UnitOfWorkFactory]
    clock: Callable[[], datetime]
    database_url: str
    acting_as: str | None = None
    _uow: UnitOfWorkFactory | None = field(default=None, repr=False)

    @property
    def uow(self) -> UnitOfWorkFactory:
        if self._uow is None:
            self._uow = self.make_uow()
        return self._uow

    def actor(self, slug: str) -> Actor:
        """The member of ``slug`` whose email was given with ``--as`` (or PARTAGE_AS)."""
        if not self.acting_as:
            raise InvalidInput(
                "cli.no_actor",
                "say who acts: partage --as EMAIL … (or set PARTAGE_AS)",
                field="as",
            )
        with self.uow(readonly=True) as u:
            found = accounts.user_by_email(u, self.acting_as)
            user_id = found.id if found else 0
            return acting(u, slug=slug, user_id=user_id)


def cli_context(ctx: typer.Context) -> CliContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliContext)
    return obj
