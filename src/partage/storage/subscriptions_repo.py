"""Subscription plans, who is subscribed, and the periods already charged."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, Row, insert, select, update

from partage.core.subscriptions import Period, Plan
from partage.storage import tables as t
from partage.storage.types import fits_bigint


@dataclass(frozen=True, slots=True)
class SubscriptionRow:
    id: int
    plan_id: int
    member_id: int
    status: str
    starts_on: date
    ends_on: date | None
    charged: int
    created_at: datetime


def _plan(row: Row[tuple[object, ...]]) -> Plan:
    m = row._mapping
    fees = {str(k): int(v) for k, v in json.loads(m["fees"]).items()}
    return Plan(int(m["id"]), str(m["name"]), Period(m["period"]), fees, str(m["destination"]))


def _subscription(row: Row[tuple[object, ...]]) -> SubscriptionRow:
    m = row._mapping
    return SubscriptionRow(
        id=int(m["id"]),
        plan_id=int(m["plan_id"]),
        member_id=int(m["member_id"]),
        status=str(m["status"]),
        starts_on=m["starts_on"],
        ends_on=m["ends_on"],
        charged=int(m["charged"]),
        created_at=m["created_at"],
    )


class SubscriptionRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock(self, org_id: int) -> None:
        """Queue behind any other writer of this organization's books (PostgreSQL row lock;
        SQLite's writers already queue on BEGIN IMMEDIATE)."""
        self.conn.execute(
            select(t.organizations.c.id).where(t.organizations.c.id == org_id).with_for_update()
        )

    def add_plan(
        self,
        org_id: int,
        *,
        plan_id: int,
        name: str,
        period: Period,
        fees: dict[str, int],
        destination: str,
        by: int,
        now: datetime,
    ) -> Plan:
        self.conn.execute(
            insert(t.subscription_plans).values(
                organization_id=org_id,
                id=plan_id,
                name=name,
                period=period.value,
                fees=json.dumps(fees, sort_keys=True),
                destination=destination,
                created_at=now,
                created_by=by,
            )
        )
        return Plan(plan_id, name, period, dict(fees), destination)

    def plans(self, org_id: int) -> list[Plan]:
        p = t.subscription_plans.c
        rows = self.conn.execute(
            select(t.subscription_plans).where(p.organization_id == org_id).order_by(p.id)
        )
        return [_plan(row) for row in rows]

    def plan_by_name(self, org_id: int, name: str) -> Plan | None:
        p = t.subscription_plans.c
        row = self.conn.execute(
            select(t.subscription_plans).where(p.organization_id == org_id, p.name == name)
        ).first()
        return _plan(row) if row else None

    def plan(self, org_id: int, plan_id: int) -> Plan | None:
        if not fits_bigint(plan_id):
            return None
        p = t.subscription_plans.c
        row = self.conn.execute(
            select(t.subscription_plans).where(p.organization_id == org_id, p.id == plan_id)
        ).first()
        return _plan(row) if row else None

    def add_subscription(
        self,
        org_id: int,
        *,
        subscription_id: int,
        plan_id: int,
        member_id: int,
        status: str,
        starts_on: date,
        by: int,
        now: datetime,
    ) -> SubscriptionRow:
        self.conn.execute(
            insert(t.subscriptions).values(
                organization_id=org_id,
                id=subscription_id,
                plan_id=plan_id,
                member_id=member_id,
                status=status,
                starts_on=starts_on,
                ends_on=None,
                charged=0,
                created_at=now,
                created_by=by,
            )
        )
        return SubscriptionRow(subscription_id, plan_id, member_id, status, starts_on, None, 0, now)

    def subscriptions(
        self, org_id: int, *, plan_id: int | None = None, member_id: int | None = None
    ) -> list[SubscriptionRow]:
        s = t.subscriptions.c
        query = select(t.subscriptions).where(s.organization_id == org_id)
        if plan_id is not None:
            query = query.where(s.plan_id == plan_id)
        if member_id is not None:
            query = query.where(s.member_id == member_id)
        return [_subscription(row) for row in self.conn.execute(query.order_by(s.id))]

    def subscription_of(self, org_id: int, plan_id: int, member_id: int) -> SubscriptionRow | None:
        found = self.subscriptions(org_id, plan_id=plan_id, member_id=member_id)
        return found[0] if found else None

    def end(self, org_id: int, subscription_id: int, last_day: date) -> None:
        s = t.subscriptions.c
        self.conn.execute(
            update(t.subscriptions)
            .where(s.organization_id == org_id, s.id == subscription_id)
            .values(ends_on=last_day)
        )

    def mark_charged(self, org_id: int, subscription_id: int, *, before: int, after: int) -> None:
        """Move the count of charged periods forward; refuses if another writer moved it."""
        s = t.subscriptions.c
        result = self.conn.execute(
            update(t.subscriptions)
            .where(s.organization_id == org_id, s.id == subscription_id, s.charged == before)
            .values(charged=after)
        )
        assert result.rowcount == 1, "charged periods moved under the organization's lock"

    def organizations_with_subscriptions(self) -> list[int]:
        s = t.subscriptions.c
        rows = self.conn.execute(select(s.organization_id).distinct().order_by(s.organization_id))
        return [int(r[0]) for r in rows]
