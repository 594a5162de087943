"""Member aliases: other names one member goes by (an imported identity, a git address).

An alias names one member of an organization; aliases are kept as given, compared exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from partage.storage import tables as t


@dataclass(frozen=True, slots=True)
class Alias:
    alias: str
    member_id: int
    source: str


class AliasRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, org_id: int, *, alias: str, member_id: int, source: str, now: datetime) -> None:
        self.conn.execute(
            insert(t.member_aliases).values(
                organization_id=org_id,
                alias=alias,
                member_id=member_id,
                source=source,
                created_at=now,
            )
        )

    def member_of(self, org_id: int, alias: str) -> int | None:
        found = self.conn.execute(
            select(t.member_aliases.c.member_id).where(
                t.member_aliases.c.organization_id == org_id,
                t.member_aliases.c.alias == alias,
            )
        ).scalar()
        return None if found is None else int(found)

    def all(self, org_id: int) -> list[Alias]:
        rows = self.conn.execute(
            select(t.member_aliases)
            .where(t.member_aliases.c.organization_id == org_id)
            .order_by(t.member_aliases.c.member_id, t.member_aliases.c.alias)
        ).all()
        return [Alias(r.alias, int(r.member_id), r.source) for r in rows]

    def of_member(self, org_id: int, member_id: int) -> list[Alias]:
        return [a for a in self.all(org_id) if a.member_id == member_id]
