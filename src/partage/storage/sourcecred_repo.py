"""Bulk writes for importing a SourceCred community: members, aliases and imported grain
distributions a set at a time (one statement per batch, not one per row), and the sources of
the distributions an earlier import recorded — without reading their results.

Numbers come from the organization's counters, as every other insert's do: a batch of n
reserves n numbers with one update of the counter.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, insert, select, update

from partage.core.community import MemberKind
from partage.core.roles import Role
from partage.storage import tables as t


@dataclass(frozen=True, slots=True)
class NewMember:
    name: str
    kind: MemberKind
    role: Role


@dataclass(frozen=True, slots=True)
class NewDistribution:
    params: dict[str, Any]
    source: dict[str, Any]
    fund: str
    budget: int
    paid: int
    unallocated: int
    result: dict[str, Any]
    created_at: datetime


def _json(value: dict[str, Any]) -> str:
    # Sorted keys, as the distributions repository writes them; orjson for results of
    # thousands of recipients.
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


class SourceCredImportRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def reserve(self, org_id: int, kind: str, count: int) -> range:
        """``count`` new numbers of ``kind`` (member, distribution…), in one update."""
        if count == 0:
            return range(0)
        last = self.conn.execute(
            update(t.counters)
            .where(t.counters.c.organization_id == org_id, t.counters.c.kind == kind)
            .values(value=t.counters.c.value + count)
            .returning(t.counters.c.value)
        ).scalar_one()
        return range(int(last) - count + 1, int(last) + 1)

    def add_members(self, org_id: int, members: Sequence[NewMember], *, now: datetime) -> list[int]:
        """Members without a user account, numbered in order; their numbers."""
        numbers = self.reserve(org_id, "member", len(members))
        if members:
            self.conn.execute(
                insert(t.members),
                [
                    {
                        "organization_id": org_id,
                        "id": number,
                        "name": m.name,
                        "kind": m.kind.value,
                        "role": m.role.value,
                        "college_id": None,
                        "user_id": None,
                        "joined_at": now,
                    }
                    for number, m in zip(numbers, members, strict=True)
                ],
            )
        return list(numbers)

    def add_aliases(
        self, org_id: int, aliases: Sequence[tuple[str, int]], *, source: str, now: datetime
    ) -> None:
        """(alias, member number) pairs."""
        if aliases:
            self.conn.execute(
                insert(t.member_aliases),
                [
                    {
                        "organization_id": org_id,
                        "alias": alias,
                        "member_id": member,
                        "source": source,
                        "created_at": now,
                    }
                    for alias, member in aliases
                ],
            )

    def add_distributions(
        self, org_id: int, distributions: Sequence[NewDistribution], *, by: int
    ) -> list[int]:
        """Distributions that posted nothing (``entry_seq`` None); their numbers."""
        numbers = self.reserve(org_id, "distribution", len(distributions))
        if distributions:
            self.conn.execute(
                insert(t.distributions),
                [
                    {
                        "organization_id": org_id,
                        "id": number,
                        "model": "grain",
                        "params": _json(d.params),
                        "source": _json(d.source),
                        "fund": d.fund,
                        "budget": d.budget,
                        "paid": d.paid,
                        "unallocated": d.unallocated,
                        "result": _json(d.result),
                        "entry_seq": None,
                        "created_at": d.created_at,
                        "created_by": by,
                    }
                    for number, d in zip(numbers, distributions, strict=True)
                ],
            )
        return list(numbers)

    def sources_of_fund(self, org_id: int, fund: str) -> list[dict[str, Any]]:
        """The ``source`` of every distribution paid from ``fund``, results left unread."""
        rows = self.conn.execute(
            select(t.distributions.c.source).where(
                t.distributions.c.organization_id == org_id, t.distributions.c.fund == fund
            )
        ).scalars()
        return [json.loads(text) for text in rows]
