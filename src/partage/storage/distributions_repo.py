"""Distributions: what was run, on which data, what it gave, and the entry it posted."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select

from partage.core.distribution import Distribution
from partage.storage import tables as t
from partage.storage.community_repo import CommunityRepository
from partage.storage.types import fits_bigint


def _row(row: Row[tuple[object, ...]]) -> Distribution:
    m = row._mapping
    return Distribution(
        id=m["id"],
        model=m["model"],
        params=json.loads(m["params"]),
        source=json.loads(m["source"]),
        fund=m["fund"],
        budget=m["budget"],
        paid=m["paid"],
        unallocated=m["unallocated"],
        result=json.loads(m["result"]),
        entry_seq=m["entry_seq"],
        created_at=m["created_at"],
        created_by=m["created_by"],
    )


class DistributionRepository:
    def __init__(self, conn: Connection, community: CommunityRepository) -> None:
        self.conn = conn
        self.community = community

    def add_with_id(
        self,
        org_id: int,
        distribution_id: int,
        *,
        model: str,
        params: dict[str, Any],
        source: dict[str, Any],
        fund: str,
        budget: int,
        paid: int,
        unallocated: int,
        result: dict[str, Any],
        entry_seq: int | None,
        by: int,
        now: datetime,
    ) -> None:
        self.conn.execute(
            insert(t.distributions).values(
                organization_id=org_id,
                id=distribution_id,
                model=model,
                params=json.dumps(params, sort_keys=True, default=str),
                source=json.dumps(source, sort_keys=True, default=str),
                fund=fund,
                budget=budget,
                paid=paid,
                unallocated=unallocated,
                result=json.dumps(result, sort_keys=True, ensure_ascii=False),
                entry_seq=entry_seq,
                created_at=now,
                created_by=by,
            )
        )

    def next_id(self, org_id: int) -> int:
        return self.community.next_id(org_id, "distribution")

    def get(self, org_id: int, distribution_id: int) -> Distribution | None:
        if not fits_bigint(distribution_id):
            return None
        row = self.conn.execute(
            select(t.distributions).where(
                t.distributions.c.organization_id == org_id,
                t.distributions.c.id == distribution_id,
            )
        ).first()
        return _row(row) if row else None

    def all(self, org_id: int) -> list[Distribution]:
        rows = self.conn.execute(
            select(t.distributions)
            .where(t.distributions.c.organization_id == org_id)
            .order_by(t.distributions.c.id.desc())
        ).all()
        return [_row(r) for r in rows]
