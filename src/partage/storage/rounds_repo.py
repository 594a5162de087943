"""Rounds, missions, claims with their objections and thread, and debts carried."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, Row, insert, select, update

from partage.core.claims import (
    Claim,
    ClaimEvent,
    ClaimRecord,
    Disposition,
    Objection,
    Resolution,
)
from partage.core.closing import CarriedDebt, Policy, UnspentRule
from partage.core.rounds import Mission, Rate, Round, RoundStatus
from partage.storage import tables as t
from partage.storage.community_repo import CommunityRepository
from partage.storage.types import fits_bigint


def _round(row: Row[tuple[object, ...]]) -> Round:
    m = row._mapping
    return Round(
        id=m["id"],
        name=m["name"],
        envelope=m["envelope"],
        rolled_in=m["rolled_in"],
        window=timedelta(seconds=m["window_seconds"]),
        policy=Policy(m["policy"]),
        unspent_rule=UnspentRule(m["unspent_rule"]),
        status=RoundStatus(m["status"]),
        opened_at=m["opened_at"],
        closed_at=m["closed_at"],
        rates=tuple(Rate(r["activity"], r["amount"], r["unit"]) for r in json.loads(m["rates"])),
    )


class RoundRepository:
    def __init__(self, conn: Connection, community: CommunityRepository) -> None:
        self.conn = conn
        self.community = community

    # -- rounds ---------------------------------------------------------------------------
    def add_round(
        self,
        org_id: int,
        *,
        name: str,
        envelope: int,
        rolled_in: int,
        window: timedelta,
        policy: Policy,
        unspent_rule: UnspentRule,
        rates: tuple[Rate, ...],
        by: int,
        now: datetime,
    ) -> Round:
        round_id = self.community.next_id(org_id, "round")
        self.conn.execute(
            insert(t.rounds).values(
                organization_id=org_id,
                id=round_id,
                name=name,
                envelope=envelope,
                rolled_in=rolled_in,
                window_seconds=int(window.total_seconds()),
                policy=policy.value,
                unspent_rule=unspent_rule.value,
                rates=json.dumps(
                    [{"activity": r.activity, "amount": r.amount, "unit": r.unit} for r in rates]
                ),
                status=RoundStatus.OPEN.value,
                opened_at=now,
                opened_by=by,
            )
        )
        found = self.get(org_id, round_id)
        assert found is not None
        return found

    def get(self, org_id: int, round_id: int, *, lock: bool = False) -> Round | None:
        if not fits_bigint(round_id):
            return None
        query = select(t.rounds).where(
            t.rounds.c.organization_id == org_id, t.rounds.c.id == round_id
        )
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return _round(row) if row else None

    def all(self, org_id: int) -> list[Round]:
        rows = self.conn.execute(
            select(t.rounds)
            .where(t.rounds.c.organization_id == org_id)
            .order_by(t.rounds.c.opened_at.desc(), t.rounds.c.id.desc())
        ).all()
        return [_round(r) for r in rows]

    def mark_closed(
        self, org_id: int, round_id: int, *, by: int, now: datetime, report: str
    ) -> bool:
        """Close an open round; False if it was no longer open (someone else closed it)."""
        result = self.conn.execute(
            update(t.rounds)
            .where(
                t.rounds.c.organization_id == org_id,
                t.rounds.c.id == round_id,
                t.rounds.c.status == RoundStatus.OPEN.value,
            )
            .values(
                status=RoundStatus.CLOSED.value, closed_at=now, closed_by=by, closing_report=report
            )
        )
        return result.rowcount == 1

    def change_open_round(
        self,
        org_id: int,
        round_id: int,
        *,
        envelope: int | None = None,
        window: timedelta | None = None,
    ) -> bool:
        """Change an open round's envelope or window; False if it was no longer open."""
        values: dict[str, object] = {}
        if envelope is not None:
            values["envelope"] = envelope
        if window is not None:
            values["window_seconds"] = int(window.total_seconds())
        result = self.conn.execute(
            update(t.rounds)
            .where(
                t.rounds.c.organization_id == org_id,
                t.rounds.c.id == round_id,
                t.rounds.c.status == RoundStatus.OPEN.value,
            )
            .values(**values)
        )
        return result.rowcount == 1

    def closing_report(self, org_id: int, round_id: int) -> str | None:
        return self.conn.execute(
            select(t.rounds.c.closing_report).where(
                t.rounds.c.organization_id == org_id, t.rounds.c.id == round_id
            )
        ).scalar_one_or_none()

    # -- missions -------------------------------------------------------------------------
    def add_mission(
        self, org_id: int, *, round_id: int, name: str, steward_id: int | None, envelope: int
    ) -> Mission:
        mission_id = self.community.next_id(org_id, "mission")
        self.conn.execute(
            insert(t.missions).values(
                organization_id=org_id,
                id=mission_id,
                round_id=round_id,
                name=name,
                steward_id=steward_id,
                envelope=envelope,
            )
        )
        return Mission(mission_id, round_id, name, steward_id, envelope)

    def missions(self, org_id: int, round_id: int) -> list[Mission]:
        rows = self.conn.execute(
            select(t.missions)
            .where(t.missions.c.organization_id == org_id, t.missions.c.round_id == round_id)
            .order_by(t.missions.c.id)
        ).all()
        return [Mission(r.id, r.round_id, r.name, r.steward_id, r.envelope) for r in rows]

    # -- claims ---------------------------------------------------------------------------
    def add_claim(
        self,
        org_id: int,
        *,
        claim: Claim,
        round_id: int,
        justification: str,
        hours: Decimal | None,
        contribution_ids: tuple[int, ...],
    ) -> None:
        self.conn.execute(
            insert(t.claims).values(
                organization_id=org_id,
                id=claim.id,
                round_id=round_id,
                origin_round_id=round_id,
                member_id=claim.member_id,
                mission_id=claim.mission_id,
                amount=claim.amount,
                hours_hundredths=None if hours is None else int(hours * 100),
                justification=justification,
                disposition=claim.disposition.value,
                redirect_to=claim.redirect_to,
                declared_at=claim.declared_at,
                window_ends_at=claim.window_ends_at,
                carried=False,
            )
        )
        if contribution_ids:
            self.conn.execute(
                insert(t.claim_contributions),
                [
                    {"organization_id": org_id, "claim_id": claim.id, "contribution_id": cid}
                    for cid in contribution_ids
                ],
            )

    def save_claim(self, org_id: int, claim: Claim) -> None:
        """Persist the claim's current state and every objection, new or resolved."""
        self.conn.execute(
            update(t.claims)
            .where(t.claims.c.organization_id == org_id, t.claims.c.id == claim.id)
            .values(
                amount=claim.amount,
                mission_id=claim.mission_id,
                window_ends_at=claim.window_ends_at,
                withdrawn_at=claim.withdrawn_at,
                disposition=claim.disposition.value,
                redirect_to=claim.redirect_to,
            )
        )
        known = {
            r.id
            for r in self.conn.execute(
                select(t.objections.c.id).where(
                    t.objections.c.organization_id == org_id, t.objections.c.claim_id == claim.id
                )
            )
        }
        for objection in claim.objections:
            values = {
                "resolved_at": objection.resolved_at,
                "resolution": None if objection.resolution is None else objection.resolution.value,
            }
            if objection.id in known:
                self.conn.execute(
                    update(t.objections)
                    .where(
                        t.objections.c.organization_id == org_id,
                        t.objections.c.id == objection.id,
                        t.objections.c.resolved_at.is_(None),
                    )
                    .values(**values)
                )
            else:
                self.conn.execute(
                    insert(t.objections).values(
                        organization_id=org_id,
                        id=objection.id,
                        claim_id=claim.id,
                        objector_id=objection.objector_id,
                        reason=objection.reason,
                        raised_at=objection.raised_at,
                        **values,
                    )
                )

    def settle_claim(self, org_id: int, claim_id: int, *, round_id: int, granted: int) -> None:
        self.conn.execute(
            update(t.claims)
            .where(t.claims.c.organization_id == org_id, t.claims.c.id == claim_id)
            .values(settled_in_round=round_id, granted=granted, carried=False)
        )

    def carry_claims(self, org_id: int, claim_ids: tuple[int, ...]) -> None:
        if claim_ids:
            self.conn.execute(
                update(t.claims)
                .where(t.claims.c.organization_id == org_id, t.claims.c.id.in_(claim_ids))
                .values(carried=True)
            )

    def adopt_carried(self, org_id: int, round_id: int) -> list[int]:
        """Move every claim waiting in a closed round into the newly opened ``round_id``."""
        ids = [
            r[0]
            for r in self.conn.execute(
                select(t.claims.c.id).where(
                    t.claims.c.organization_id == org_id, t.claims.c.carried.is_(True)
                )
            )
        ]
        if ids:
            self.conn.execute(
                update(t.claims)
                .where(t.claims.c.organization_id == org_id, t.claims.c.id.in_(ids))
                .values(round_id=round_id, carried=False)
            )
        return ids

    def _objections(self, org_id: int, claim_ids: list[int]) -> dict[int, list[Objection]]:
        found: dict[int, list[Objection]] = {cid: [] for cid in claim_ids}
        if not claim_ids:
            return found
        rows = self.conn.execute(
            select(t.objections)
            .where(t.objections.c.organization_id == org_id, t.objections.c.claim_id.in_(claim_ids))
            .order_by(t.objections.c.id)
        ).all()
        for r in rows:
            found[r.claim_id].append(
                Objection(
                    id=r.id,
                    objector_id=r.objector_id,
                    reason=r.reason,
                    raised_at=r.raised_at,
                    resolved_at=r.resolved_at,
                    resolution=None if r.resolution is None else Resolution(r.resolution),
                )
            )
        return found

    def _records(self, org_id: int, rows: list[Row[tuple[object, ...]]]) -> list[ClaimRecord]:
        ids = [int(r._mapping["id"]) for r in rows]
        objections = self._objections(org_id, ids)
        links: dict[int, list[int]] = {cid: [] for cid in ids}
        if ids:
            for link in self.conn.execute(
                select(t.claim_contributions).where(
                    t.claim_contributions.c.organization_id == org_id,
                    t.claim_contributions.c.claim_id.in_(ids),
                )
            ):
                links[link.claim_id].append(link.contribution_id)
        records = []
        for row in rows:
            m = row._mapping
            claim = Claim(
                id=m["id"],
                member_id=m["member_id"],
                amount=m["amount"],
                declared_at=m["declared_at"],
                window_ends_at=m["window_ends_at"],
                mission_id=m["mission_id"],
                objections=tuple(objections[m["id"]]),
                withdrawn_at=m["withdrawn_at"],
                disposition=Disposition(m["disposition"]),
                redirect_to=m["redirect_to"],
            )
            hundredths = m["hours_hundredths"]
            records.append(
                ClaimRecord(
                    claim=claim,
                    round_id=m["round_id"],
                    origin_round_id=m["origin_round_id"],
                    justification=m["justification"],
                    hours=None if hundredths is None else Decimal(hundredths) / 100,
                    granted=m["granted"],
                    carried=bool(m["carried"]),
                    contribution_ids=tuple(sorted(links[m["id"]])),
                )
            )
        return records

    def claim(self, org_id: int, claim_id: int) -> ClaimRecord | None:
        if not fits_bigint(claim_id):
            return None
        rows = self.conn.execute(
            select(t.claims).where(t.claims.c.organization_id == org_id, t.claims.c.id == claim_id)
        ).all()
        records = self._records(org_id, list(rows))
        return records[0] if records else None

    def claims_of_round(self, org_id: int, round_id: int) -> list[ClaimRecord]:
        rows = self.conn.execute(
            select(t.claims)
            .where(t.claims.c.organization_id == org_id, t.claims.c.round_id == round_id)
            .order_by(t.claims.c.declared_at, t.claims.c.id)
        ).all()
        return self._records(org_id, list(rows))

    def carried_claims(self, org_id: int) -> list[ClaimRecord]:
        rows = self.conn.execute(
            select(t.claims)
            .where(t.claims.c.organization_id == org_id, t.claims.c.carried.is_(True))
            .order_by(t.claims.c.declared_at, t.claims.c.id)
        ).all()
        return self._records(org_id, list(rows))

    def claims_of_member(self, org_id: int, member_id: int) -> list[ClaimRecord]:
        rows = self.conn.execute(
            select(t.claims)
            .where(t.claims.c.organization_id == org_id, t.claims.c.member_id == member_id)
            .order_by(t.claims.c.declared_at, t.claims.c.id)
        ).all()
        return self._records(org_id, list(rows))

    # -- the thread -----------------------------------------------------------------------
    def add_event(
        self,
        org_id: int,
        *,
        claim_id: int,
        kind: str,
        member_id: int | None,
        at: datetime,
        body: str = "",
        amount: int | None = None,
    ) -> int:
        event_id = self.community.next_id(org_id, "claim_event")
        self.conn.execute(
            insert(t.claim_events).values(
                organization_id=org_id,
                id=event_id,
                claim_id=claim_id,
                kind=kind,
                member_id=member_id,
                at=at,
                body=body,
                amount=amount,
            )
        )
        return event_id

    def events(self, org_id: int, claim_id: int) -> list[ClaimEvent]:
        rows = self.conn.execute(
            select(t.claim_events)
            .where(
                t.claim_events.c.organization_id == org_id, t.claim_events.c.claim_id == claim_id
            )
            .order_by(t.claim_events.c.id)
        ).all()
        return [
            ClaimEvent(r.id, r.claim_id, r.kind, r.member_id, r.at, r.body, r.amount) for r in rows
        ]

    # -- debts ----------------------------------------------------------------------------
    def add_debt(
        self,
        org_id: int,
        *,
        member_id: int,
        claim_id: int,
        round_id: int,
        amount: int,
        now: datetime,
    ) -> int:
        debt_id = self.community.next_id(org_id, "debt")
        self.conn.execute(
            insert(t.debts).values(
                organization_id=org_id,
                id=debt_id,
                member_id=member_id,
                claim_id=claim_id,
                round_id=round_id,
                amount=amount,
                outstanding=amount,
                created_at=now,
            )
        )
        return debt_id

    def outstanding_debts(self, org_id: int) -> list[CarriedDebt]:
        rows = self.conn.execute(
            select(t.debts)
            .where(t.debts.c.organization_id == org_id, t.debts.c.outstanding > 0)
            .order_by(t.debts.c.created_at, t.debts.c.id)
        ).all()
        return [CarriedDebt(r.id, r.member_id, r.outstanding) for r in rows]

    def reduce_debt(self, org_id: int, debt_id: int, paid: int) -> None:
        self.conn.execute(
            update(t.debts)
            .where(t.debts.c.organization_id == org_id, t.debts.c.id == debt_id)
            .values(outstanding=t.debts.c.outstanding - paid)
        )
