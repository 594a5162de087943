"""Subscription plans, who is subscribed, and the periods already charged."""

from __future__ import annotations

from sqlalchemy import Connection


class SubscriptionRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
