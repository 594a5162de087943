"""Peer-allocation epochs (gifts, opt-outs) and funding calls (pledges)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import Connection, Row, Table, delete, insert, select, update

from partage.core.flows import Epoch, FlowStatus, FundingCall, Pledge, PointGift
from partage.storage import tables as t
from partage.storage.community_repo import CommunityRepository
from partage.storage.types import fits_bigint

Flow = TypeVar("Flow", Epoch, FundingCall)


def _epoch(row: Row[tuple[object, ...]]) -> Epoch:
    m = row._mapping
    return Epoch(
        id=m["id"],
        name=m["name"],
        points_per_member=m["points_per_member"],
        blinded=bool(m["blinded"]),
        budget=m["budget"],
        fund=m["fund"],
        status=FlowStatus(m["status"]),
        opened_at=m["opened_at"],
        opened_by=m["opened_by"],
        closed_at=m["closed_at"],
        closed_by=m["closed_by"],
        distribution_id=m["distribution_id"],
    )


def _call(row: Row[tuple[object, ...]]) -> FundingCall:
    m = row._mapping
    return FundingCall(
        id=m["id"],
        name=m["name"],
        pool=m["pool"],
        fund=m["fund"],
        projects=tuple(json.loads(m["projects"])),
        blinded=bool(m["blinded"]),
        status=FlowStatus(m["status"]),
        opened_at=m["opened_at"],
        opened_by=m["opened_by"],
        closed_at=m["closed_at"],
        closed_by=m["closed_by"],
        distribution_id=m["distribution_id"],
    )


class _FlowRepository(Generic[Flow]):
    """What epochs and funding calls share: read one (locked while it closes), list them,
    and close an open one exactly once."""

    table: Table

    def __init__(self, conn: Connection, community: CommunityRepository) -> None:
        self.conn = conn
        self.community = community

    def _flow(self, row: Row[tuple[object, ...]]) -> Flow:
        raise NotImplementedError

    def get(self, org_id: int, flow_id: int, *, lock: bool = False) -> Flow | None:
        if not fits_bigint(flow_id):
            return None
        c = self.table.c
        query = select(self.table).where(c.organization_id == org_id, c.id == flow_id)
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return self._flow(row) if row else None

    def all(self, org_id: int) -> list[Flow]:
        c = self.table.c
        rows = self.conn.execute(
            select(self.table).where(c.organization_id == org_id).order_by(c.id.desc())
        ).all()
        return [self._flow(r) for r in rows]

    def mark_closed(
        self, org_id: int, flow_id: int, *, by: int, now: datetime, distribution_id: int
    ) -> bool:
        """Close an open flow; False if it was no longer open (someone else closed it)."""
        c = self.table.c
        result = self.conn.execute(
            update(self.table)
            .where(c.organization_id == org_id, c.id == flow_id, c.status == FlowStatus.OPEN.value)
            .values(
                status=FlowStatus.CLOSED.value,
                closed_at=now,
                closed_by=by,
                distribution_id=distribution_id,
            )
        )
        return result.rowcount == 1


class EpochRepository(_FlowRepository[Epoch]):
    table = t.epochs

    def _flow(self, row: Row[tuple[object, ...]]) -> Epoch:
        return _epoch(row)

    def add(
        self,
        org_id: int,
        *,
        name: str,
        points_per_member: int,
        blinded: bool,
        budget: int,
        fund: str,
        by: int,
        now: datetime,
    ) -> Epoch:
        epoch_id = self.community.next_id(org_id, "epoch")
        self.conn.execute(
            insert(t.epochs).values(
                organization_id=org_id,
                id=epoch_id,
                name=name,
                points_per_member=points_per_member,
                blinded=blinded,
                budget=budget,
                fund=fund,
                status=FlowStatus.OPEN.value,
                opened_at=now,
                opened_by=by,
            )
        )
        found = self.get(org_id, epoch_id)
        assert found is not None
        return found

    def replace_gifts(
        self, org_id: int, epoch_id: int, giver_id: int, gifts: Mapping[int, int]
    ) -> None:
        """The giver's whole allocation: what they gave before is replaced."""
        g = t.epoch_gifts
        self.conn.execute(
            delete(g).where(
                g.c.organization_id == org_id, g.c.epoch_id == epoch_id, g.c.giver_id == giver_id
            )
        )
        if gifts:
            self.conn.execute(
                insert(g),
                [
                    {
                        "organization_id": org_id,
                        "epoch_id": epoch_id,
                        "giver_id": giver_id,
                        "receiver_id": receiver,
                        "points": points,
                    }
                    for receiver, points in sorted(gifts.items())
                ],
            )

    def gifts(self, org_id: int, epoch_id: int) -> list[PointGift]:
        g = t.epoch_gifts
        rows = self.conn.execute(
            select(g.c.giver_id, g.c.receiver_id, g.c.points)
            .where(g.c.organization_id == org_id, g.c.epoch_id == epoch_id)
            .order_by(g.c.giver_id, g.c.receiver_id)
        ).all()
        return [PointGift(r[0], r[1], r[2]) for r in rows]

    def set_opt_out(self, org_id: int, epoch_id: int, member_id: int, *, out: bool) -> None:
        o = t.epoch_opt_outs
        self.conn.execute(
            delete(o).where(
                o.c.organization_id == org_id,
                o.c.epoch_id == epoch_id,
                o.c.member_id == member_id,
            )
        )
        if out:
            self.conn.execute(
                insert(o).values(organization_id=org_id, epoch_id=epoch_id, member_id=member_id)
            )

    def opted_out(self, org_id: int, epoch_id: int) -> list[int]:
        o = t.epoch_opt_outs
        rows = self.conn.execute(
            select(o.c.member_id)
            .where(o.c.organization_id == org_id, o.c.epoch_id == epoch_id)
            .order_by(o.c.member_id)
        ).all()
        return [r[0] for r in rows]


class FundingCallRepository(_FlowRepository[FundingCall]):
    table = t.funding_calls

    def _flow(self, row: Row[tuple[object, ...]]) -> FundingCall:
        return _call(row)

    def add(
        self,
        org_id: int,
        *,
        name: str,
        pool: int,
        fund: str,
        projects: tuple[str, ...],
        blinded: bool,
        by: int,
        now: datetime,
    ) -> FundingCall:
        call_id = self.community.next_id(org_id, "funding_call")
        self.conn.execute(
            insert(t.funding_calls).values(
                organization_id=org_id,
                id=call_id,
                name=name,
                pool=pool,
                fund=fund,
                projects=json.dumps(list(projects)),
                blinded=blinded,
                status=FlowStatus.OPEN.value,
                opened_at=now,
                opened_by=by,
            )
        )
        found = self.get(org_id, call_id)
        assert found is not None
        return found

    def replace_pledges(
        self, org_id: int, call_id: int, member_id: int, pledges: Mapping[str, int]
    ) -> None:
        """The member's whole set of pledges: what they pledged before is replaced."""
        p = t.funding_pledges
        self.conn.execute(
            delete(p).where(
                p.c.organization_id == org_id,
                p.c.call_id == call_id,
                p.c.member_id == member_id,
            )
        )
        if pledges:
            self.conn.execute(
                insert(p),
                [
                    {
                        "organization_id": org_id,
                        "call_id": call_id,
                        "member_id": member_id,
                        "project": project,
                        "amount": amount,
                    }
                    for project, amount in sorted(pledges.items())
                ],
            )

    def pledges(self, org_id: int, call_id: int) -> list[Pledge]:
        p = t.funding_pledges
        rows = self.conn.execute(
            select(p.c.member_id, p.c.project, p.c.amount)
            .where(p.c.organization_id == org_id, p.c.call_id == call_id)
            .order_by(p.c.member_id, p.c.project)
        ).all()
        return [Pledge(r[0], r[1], r[2]) for r in rows]
