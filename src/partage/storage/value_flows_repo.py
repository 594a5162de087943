"""Where the money of the transactions went: totals per part and destination, statements."""

from __future__ import annotations

from sqlalchemy import Connection


class ValueFlowsRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
