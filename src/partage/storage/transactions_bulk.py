"""Bulk imports of transactions: many rows, their entries and postings, in few statements."""

from __future__ import annotations

from sqlalchemy import Connection


class TransactionImportRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
