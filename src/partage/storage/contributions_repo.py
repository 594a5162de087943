"""Recorded contributions: bulk insert and filtered listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection, Row, func, insert, select, update

from partage.core.community import Contribution
from partage.storage import tables as t
from partage.storage.types import fits_bigint


@dataclass(frozen=True, slots=True)
class NewContribution:
    member_id: int
    activity: str
    occurred_on: date
    hours: Decimal | None
    quantity: Decimal | None
    description: str
    link: str | None
    # An imported contribution's origin (``git:<commit>``) and what it touched
    # (``file:<path>``): written with it, in the same statements as the others.
    source_key: str | None = None
    links: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PeriodColumns:
    """Contributions as parallel columns, as the database gives them."""

    ids: list[int]
    member_ids: list[int]
    activities: list[str]
    hours_hundredths: list[int | None]
    quantities: list[str | None]


def _contribution(row: Row[tuple[object, ...]]) -> Contribution:
    m = row._mapping
    hundredths = m["hours_hundredths"]
    return Contribution(
        id=m["id"],
        member_id=m["member_id"],
        activity=m["activity"],
        occurred_on=m["occurred_on"],
        hours=None if hundredths is None else Decimal(hundredths) / 100,
        quantity=None if m["quantity"] is None else Decimal(m["quantity"]),
        description=m["description"],
        link=m["link"],
        recorded_at=m["recorded_at"],
    )


class ContributionRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def reserve_ids(self, org_id: int, count: int) -> list[int]:
        """Take ``count`` consecutive ids in one statement (bulk imports)."""
        last = self.conn.execute(
            update(t.counters)
            .where(t.counters.c.organization_id == org_id, t.counters.c.kind == "contribution")
            .values(value=t.counters.c.value + count)
            .returning(t.counters.c.value)
        ).scalar_one()
        return list(range(int(last) - count + 1, int(last) + 1))

    def add_many(
        self, org_id: int, items: list[NewContribution], *, by: int, now: datetime
    ) -> list[int]:
        if not items:
            return []
        ids = self.reserve_ids(org_id, len(items))
        self.conn.execute(
            insert(t.contributions),
            [
                {
                    "organization_id": org_id,
                    "id": new_id,
                    "member_id": item.member_id,
                    "activity": item.activity,
                    "occurred_on": item.occurred_on,
                    "hours_hundredths": None if item.hours is None else int(item.hours * 100),
                    "quantity": None if item.quantity is None else str(item.quantity),
                    "description": item.description,
                    "link": item.link,
                    "recorded_at": now,
                    "recorded_by": by,
                    "source_key": item.source_key,
                }
                for new_id, item in zip(ids, items, strict=True)
            ],
        )
        links = [
            {"organization_id": org_id, "contribution_id": new_id, "target": target}
            for new_id, item in zip(ids, items, strict=True)
            for target in dict.fromkeys(item.links)
        ]
        if links:
            self.conn.execute(insert(t.contribution_links), links)
        return ids

    def source_keys(self, org_id: int, *, prefix: str) -> set[str]:
        """The origins already imported that start with ``prefix`` (``git:``): what a second
        import of the same history finds and skips."""
        c = t.contributions.c
        rows = self.conn.execute(
            select(c.source_key)
            .where(c.organization_id == org_id, c.source_key.startswith(prefix, autoescape=True))
            .distinct()
        ).all()
        return {r[0] for r in rows}

    def links_of(self, org_id: int, contribution_ids: list[int]) -> dict[int, list[str]]:
        """What each of these contributions touched, in order of target."""
        if not contribution_ids:
            return {}
        cl = t.contribution_links.c
        found: dict[int, list[str]] = {i: [] for i in contribution_ids}
        for start in range(0, len(contribution_ids), 500):
            chunk = contribution_ids[start : start + 500]
            rows = self.conn.execute(
                select(cl.contribution_id, cl.target)
                .where(cl.organization_id == org_id, cl.contribution_id.in_(chunk))
                .order_by(cl.contribution_id, cl.target)
            ).all()
            for contribution_id, target in rows:
                found[int(contribution_id)].append(target)
        return found

    def get(self, org_id: int, contribution_id: int) -> Contribution | None:
        if not fits_bigint(contribution_id):
            return None
        row = self.conn.execute(
            select(t.contributions).where(
                t.contributions.c.organization_id == org_id,
                t.contributions.c.id == contribution_id,
            )
        ).first()
        return _contribution(row) if row else None

    def find(
        self,
        org_id: int,
        *,
        member_id: int | None = None,
        activity: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = 500,
    ) -> list[Contribution]:
        c = t.contributions.c
        query = select(t.contributions).where(c.organization_id == org_id)
        if member_id is not None:
            query = query.where(c.member_id == member_id)
        if activity:
            query = query.where(func.lower(c.activity) == activity.lower())
        if since is not None:
            query = query.where(c.occurred_on >= since)
        if until is not None:
            query = query.where(c.occurred_on <= until)
        rows = self.conn.execute(
            query.order_by(c.occurred_on.desc(), c.id.desc()).limit(limit)
        ).all()
        return [_contribution(r) for r in rows]

    def period_columns(
        self, org_id: int, *, since: date | None, until: date | None, activity: str | None = None
    ) -> PeriodColumns:
        """The contributions of a period as columns, oldest first: what a distribution reads,
        a million rows without a million objects."""
        c = t.contributions.c
        query = select(c.id, c.member_id, c.activity, c.hours_hundredths, c.quantity).where(
            c.organization_id == org_id
        )
        if since is not None:
            query = query.where(c.occurred_on >= since)
        if until is not None:
            query = query.where(c.occurred_on <= until)
        if activity:
            query = query.where(func.lower(c.activity) == activity.lower())
        rows = self.conn.execute(query.order_by(c.occurred_on, c.id)).all()
        if not rows:
            return PeriodColumns([], [], [], [], [])
        ids, members, activities, hundredths, quantities = (
            list(col) for col in zip(*rows, strict=True)
        )
        return PeriodColumns(ids, members, activities, hundredths, quantities)

    def activities(self, org_id: int) -> list[str]:
        rows = self.conn.execute(
            select(t.contributions.c.activity)
            .where(t.contributions.c.organization_id == org_id)
            .distinct()
            .order_by(t.contributions.c.activity)
        ).all()
        return [r[0] for r in rows]
