"""Run by test_durability: close a round, and SIGKILL this process after N statements.

Usage: python kill_closing.py DATABASE_URL SLUG ADMIN_EMAIL ROUND_ID N ISO_NOW
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import datetime
from typing import Any

from sqlalchemy import event

from partage.services import rounds
from partage.services.context import acting
from partage.storage.database import make_engine
from partage.storage.uow import UnitOfWorkFactory


def main() -> None:
    url, slug, email, round_id, limit, now = sys.argv[1:7]
    engine = make_engine(url)
    uow = UnitOfWorkFactory(engine)
    with uow(readonly=True) as u:
        row = u.community.user_by_email(email)
        assert row is not None
        actor = acting(u, slug=slug, user_id=int(row._mapping["id"]))
    seen = 0

    @event.listens_for(engine, "after_cursor_execute")
    def _count(*_args: Any) -> None:
        nonlocal seen
        seen += 1
        if seen >= int(limit):
            os.kill(os.getpid(), signal.SIGKILL)

    with uow() as u:
        rounds.close(u, actor=actor, round_id=int(round_id), now=datetime.fromisoformat(now))
    print(f"closed after {seen} statements")


if __name__ == "__main__":
    main()
