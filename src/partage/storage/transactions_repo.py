"""Split rule versions, transactions and refunds, one at a time (the API's and the CLI's path).

Bulk imports write through :mod:`partage.storage.transactions_bulk` instead.
"""

from __future__ import annotations

from sqlalchemy import Connection


class TransactionRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
