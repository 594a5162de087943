"""Bodies, roles, proposals, votes, secret counts, objections, advice, outcomes and the
decision log; and the few member changes a decision makes (college, weights, removal)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from partage.core.governance.proposals import (
    AdviceRecord,
    BodyRecord,
    LogRecord,
    ObjectionRecord,
    OutcomeRecord,
    ProposalRecord,
    ProposalRules,
    RoleRecord,
    VoteRecord,
)
from partage.core.roles import Role
from partage.storage import tables as t
from partage.storage.community_repo import CommunityRepository
from partage.storage.types import fits_bigint


def _proposal(row: Row[tuple[object, ...]]) -> ProposalRecord:
    m = row._mapping
    weights = json.loads(m["weights"]) if m["weights"] else None
    power = json.loads(m["contribution_power"] or "null")
    return ProposalRecord(
        id=m["id"],
        body_id=m["body_id"],
        author_id=m["author_id"],
        title=m["title"],
        text=m["text"],
        method=m["method"],
        threshold=m["threshold"],
        quorum=Decimal(m["quorum"]) if m["quorum"] is not None else None,
        quorum_per_college=bool(m["quorum_per_college"]),
        secret=bool(m["secret"]),
        blocks_allowed=bool(m["blocks_allowed"]),
        options=tuple(json.loads(m["options"])),
        weights={k: Decimal(v) for k, v in weights.items()} if weights is not None else None,
        opened_at=m["opened_at"],
        closes_at=m["closes_at"],
        window=timedelta(seconds=m["window_seconds"]) if m["window_seconds"] else None,
        decider_id=m["decider_id"],
        action=json.loads(m["action"]) if m["action"] else None,
        power=(Decimal(power["cap"]), Decimal(power["hours_per_step"])) if power else None,
        power_distribution_id=power.get("distribution_id") if power else None,
    )


def _role(row: Row[tuple[object, ...]]) -> RoleRecord:
    m = row._mapping
    return RoleRecord(
        id=m["id"],
        name=m["name"],
        domain=m["domain"],
        body_id=m["body_id"],
        holder_id=m["holder_id"],
        since=m["since"],
        term_ends_at=m["term_ends_at"],
        ended_at=m["ended_at"],
        proposal_id=m["proposal_id"],
        ended_by_proposal=m["ended_by_proposal"],
    )


def _outcome(row: Row[tuple[object, ...]]) -> OutcomeRecord:
    m = row._mapping
    return OutcomeRecord(
        proposal_id=m["proposal_id"],
        outcome=m["outcome"],
        result=m["result"],
        turnout=m["turnout"],
        chosen=m["chosen"],
        tied=tuple(json.loads(m["tied"])),
        decision_text=m["decision_text"],
        decided_at=m["decided_at"],
        closed_by=m["closed_by"],
        action_status=m["action_status"],
        action_detail=m["action_detail"],
        tally=json.loads(m["tally"]),
    )


class GovernanceRepository:
    def __init__(self, conn: Connection, community: CommunityRepository) -> None:
        self.conn = conn
        self.community = community

    # -- bodies ---------------------------------------------------------------------------
    def bodies(self, org_id: int) -> list[BodyRecord]:
        rows = self.conn.execute(
            select(t.governance_bodies)
            .where(t.governance_bodies.c.organization_id == org_id)
            .order_by(t.governance_bodies.c.id)
        ).all()
        members: dict[int, list[int]] = {}
        for r in self.conn.execute(
            select(t.governance_body_members.c.body_id, t.governance_body_members.c.member_id)
            .where(t.governance_body_members.c.organization_id == org_id)
            .order_by(t.governance_body_members.c.member_id)
        ).all():
            members.setdefault(r.body_id, []).append(r.member_id)
        return [
            BodyRecord(
                id=r.id,
                kind=r.kind,
                name=r.name,
                allows_blocks=bool(r.allows_blocks),
                created_at=r.created_at,
                member_ids=tuple(members.get(r.id, ())),
            )
            for r in rows
        ]

    def add_body(
        self,
        org_id: int,
        *,
        kind: str,
        name: str,
        allows_blocks: bool,
        member_ids: tuple[int, ...],
        by: int | None,
        now: datetime,
    ) -> int:
        body_id = self.community.next_id(org_id, "governance_body")
        self.conn.execute(
            insert(t.governance_bodies).values(
                organization_id=org_id,
                id=body_id,
                kind=kind,
                name=name,
                allows_blocks=allows_blocks,
                created_at=now,
                created_by=by,
            )
        )
        if member_ids:
            self.conn.execute(
                insert(t.governance_body_members),
                [
                    {"organization_id": org_id, "body_id": body_id, "member_id": m}
                    for m in member_ids
                ],
            )
        return body_id

    # -- roles ----------------------------------------------------------------------------
    def roles(self, org_id: int) -> list[RoleRecord]:
        rows = self.conn.execute(
            select(t.governance_roles)
            .where(t.governance_roles.c.organization_id == org_id)
            .order_by(t.governance_roles.c.id)
        ).all()
        return [_role(r) for r in rows]

    def role(self, org_id: int, role_id: int) -> RoleRecord | None:
        if not fits_bigint(role_id):
            return None
        row = self.conn.execute(
            select(t.governance_roles).where(
                t.governance_roles.c.organization_id == org_id, t.governance_roles.c.id == role_id
            )
        ).first()
        return _role(row) if row else None

    def add_role(
        self,
        org_id: int,
        *,
        name: str,
        domain: str,
        body_id: int | None,
        holder_id: int,
        since: datetime,
        term_ends_at: datetime | None,
        proposal_id: int | None,
    ) -> int:
        role_id = self.community.next_id(org_id, "governance_role")
        self.conn.execute(
            insert(t.governance_roles).values(
                organization_id=org_id,
                id=role_id,
                name=name,
                domain=domain,
                body_id=body_id,
                holder_id=holder_id,
                since=since,
                term_ends_at=term_ends_at,
                proposal_id=proposal_id,
            )
        )
        return role_id

    def end_role(self, org_id: int, role_id: int, *, at: datetime, proposal_id: int | None) -> bool:
        """End a role: by a decision (``proposal_id``), or at its term (None). False when it
        had already ended (another transaction ended it first)."""
        done = self.conn.execute(
            update(t.governance_roles)
            .where(
                t.governance_roles.c.organization_id == org_id,
                t.governance_roles.c.id == role_id,
                t.governance_roles.c.ended_at.is_(None),
            )
            .values(ended_at=at, ended_by_proposal=proposal_id)
        )
        return done.rowcount == 1

    # -- proposals ------------------------------------------------------------------------
    def add_proposal(
        self,
        org_id: int,
        *,
        body_id: int,
        author_id: int,
        title: str,
        text: str,
        rules: ProposalRules,
        blocks_allowed: bool,
        weights: dict[str, Decimal] | None,
        opened_at: datetime,
        closes_at: datetime,
        decider_id: int | None,
        action: dict[str, object] | None,
        power: tuple[Decimal, Decimal] | None = None,
        power_distribution_id: int | None = None,
    ) -> int:
        proposal_id = self.community.next_id(org_id, "proposal")
        self.conn.execute(
            insert(t.proposals).values(
                organization_id=org_id,
                id=proposal_id,
                body_id=body_id,
                author_id=author_id,
                title=title,
                text=text,
                method=rules.method,
                threshold=rules.threshold,
                quorum=str(rules.quorum) if rules.quorum is not None else None,
                quorum_per_college=rules.quorum_per_college,
                secret=rules.secret,
                blocks_allowed=blocks_allowed,
                options=json.dumps(list(rules.options)),
                weights=json.dumps({k: str(v) for k, v in weights.items()})
                if weights is not None
                else None,
                opened_at=opened_at,
                closes_at=closes_at,
                window_seconds=int(rules.window.total_seconds()) if rules.window else None,
                decider_id=decider_id,
                action=json.dumps(action) if action is not None else None,
                contribution_power=json.dumps(
                    {"cap": str(power[0]), "hours_per_step": str(power[1])}
                    | ({"distribution_id": power_distribution_id} if power_distribution_id else {})
                )
                if power is not None
                else None,
            )
        )
        return proposal_id

    def proposal(
        self, org_id: int, proposal_id: int, *, lock: bool = False
    ) -> ProposalRecord | None:
        if not fits_bigint(proposal_id):
            return None
        query = select(t.proposals).where(
            t.proposals.c.organization_id == org_id, t.proposals.c.id == proposal_id
        )
        if lock:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return _proposal(row) if row else None

    def proposals(self, org_id: int) -> list[ProposalRecord]:
        rows = self.conn.execute(
            select(t.proposals)
            .where(t.proposals.c.organization_id == org_id)
            .order_by(t.proposals.c.id.desc())
        ).all()
        return [_proposal(r) for r in rows]

    def amend(self, org_id: int, proposal_id: int, *, text: str, closes_at: datetime) -> None:
        self.conn.execute(
            update(t.proposals)
            .where(t.proposals.c.organization_id == org_id, t.proposals.c.id == proposal_id)
            .values(text=text, closes_at=closes_at)
        )

    # -- open votes -----------------------------------------------------------------------
    def votes(self, org_id: int, proposal_id: int) -> list[VoteRecord]:
        rows = self.conn.execute(
            select(t.proposal_votes)
            .where(
                t.proposal_votes.c.organization_id == org_id,
                t.proposal_votes.c.proposal_id == proposal_id,
            )
            .order_by(t.proposal_votes.c.voter_id)
        ).all()
        return [
            VoteRecord(
                voter_id=r.voter_id,
                choice=r.choice,
                scores=json.loads(r.scores) if r.scores else None,
                cast_at=r.cast_at,
            )
            for r in rows
        ]

    def put_vote(
        self,
        org_id: int,
        proposal_id: int,
        *,
        voter_id: int,
        choice: str | None,
        scores: dict[str, int] | None,
        now: datetime,
    ) -> None:
        """Record ``voter_id``'s current open vote, replacing an earlier one."""
        where = (
            t.proposal_votes.c.organization_id == org_id,
            t.proposal_votes.c.proposal_id == proposal_id,
            t.proposal_votes.c.voter_id == voter_id,
        )
        self.conn.execute(delete(t.proposal_votes).where(*where))
        self.conn.execute(
            insert(t.proposal_votes).values(
                organization_id=org_id,
                proposal_id=proposal_id,
                voter_id=voter_id,
                choice=choice,
                scores=json.dumps(scores, sort_keys=True) if scores is not None else None,
                cast_at=now,
            )
        )

    # -- secret votes: who took part, and counts apart ------------------------------------
    def participants(self, org_id: int, proposal_id: int) -> set[int]:
        rows = self.conn.execute(
            select(t.proposal_participants.c.member_id).where(
                t.proposal_participants.c.organization_id == org_id,
                t.proposal_participants.c.proposal_id == proposal_id,
            )
        ).all()
        return {r.member_id for r in rows}

    def add_secret_vote(
        self, org_id: int, proposal_id: int, *, member_id: int, college: str, choice: str
    ) -> None:
        """Count one more ``choice`` in ``college`` and note that ``member_id`` took part; the
        two rows share nothing but the proposal, so the choice cannot be traced back."""
        self.conn.execute(
            insert(t.proposal_participants).values(
                organization_id=org_id, proposal_id=proposal_id, member_id=member_id
            )
        )
        where = (
            t.proposal_counts.c.organization_id == org_id,
            t.proposal_counts.c.proposal_id == proposal_id,
            t.proposal_counts.c.college == college,
            t.proposal_counts.c.choice == choice,
        )
        done = self.conn.execute(
            update(t.proposal_counts).where(*where).values(count=t.proposal_counts.c.count + 1)
        )
        assert done.rowcount == 1, "the counts are prepared when a secret proposal opens"

    def prepare_counts(
        self, org_id: int, proposal_id: int, *, colleges: tuple[str, ...], choices: tuple[str, ...]
    ) -> None:
        """Every college's count of every choice, at zero, written when the proposal opens:
        no row is created by a vote, so the order rows appear in says nothing."""
        self.conn.execute(
            insert(t.proposal_counts),
            [
                {
                    "organization_id": org_id,
                    "proposal_id": proposal_id,
                    "college": college,
                    "choice": choice,
                    "count": 0,
                }
                for college in colleges
                for choice in choices
            ],
        )

    def counts(self, org_id: int, proposal_id: int) -> dict[str, dict[str, int]]:
        rows = self.conn.execute(
            select(t.proposal_counts).where(
                t.proposal_counts.c.organization_id == org_id,
                t.proposal_counts.c.proposal_id == proposal_id,
            )
        ).all()
        counts: dict[str, dict[str, int]] = {}
        for r in rows:
            counts.setdefault(r.college, {})[r.choice] = int(r._mapping["count"])
        return counts

    # -- objections and advice ------------------------------------------------------------
    def objections(self, org_id: int, proposal_id: int) -> list[ObjectionRecord]:
        rows = self.conn.execute(
            select(t.proposal_objections)
            .where(
                t.proposal_objections.c.organization_id == org_id,
                t.proposal_objections.c.proposal_id == proposal_id,
            )
            .order_by(t.proposal_objections.c.id)
        ).all()
        return [
            ObjectionRecord(
                id=r.id,
                proposal_id=r.proposal_id,
                objector_id=r.objector_id,
                reason=r.reason,
                raised_at=r.raised_at,
                resolved_at=r.resolved_at,
                resolution=r.resolution,
            )
            for r in rows
        ]

    def add_objection(
        self, org_id: int, proposal_id: int, *, objector_id: int, reason: str, now: datetime
    ) -> int:
        objection_id = self.community.next_id(org_id, "proposal_objection")
        self.conn.execute(
            insert(t.proposal_objections).values(
                organization_id=org_id,
                id=objection_id,
                proposal_id=proposal_id,
                objector_id=objector_id,
                reason=reason,
                raised_at=now,
            )
        )
        return objection_id

    def resolve_objections(
        self,
        org_id: int,
        proposal_id: int,
        *,
        resolution: str,
        now: datetime,
        objection_id: int | None = None,
    ) -> None:
        """Resolve one standing objection, or all of the proposal's when no id is given."""
        query = update(t.proposal_objections).where(
            t.proposal_objections.c.organization_id == org_id,
            t.proposal_objections.c.proposal_id == proposal_id,
            t.proposal_objections.c.resolved_at.is_(None),
        )
        if objection_id is not None:
            query = query.where(t.proposal_objections.c.id == objection_id)
        self.conn.execute(query.values(resolved_at=now, resolution=resolution))

    def advice(self, org_id: int, proposal_id: int) -> list[AdviceRecord]:
        rows = self.conn.execute(
            select(t.proposal_advice)
            .where(
                t.proposal_advice.c.organization_id == org_id,
                t.proposal_advice.c.proposal_id == proposal_id,
            )
            .order_by(t.proposal_advice.c.id)
        ).all()
        return [
            AdviceRecord(
                id=r.id,
                proposal_id=r.proposal_id,
                member_id=r.member_id,
                text=r.text,
                given_at=r.given_at,
            )
            for r in rows
        ]

    def add_advice(
        self, org_id: int, proposal_id: int, *, member_id: int, text: str, now: datetime
    ) -> int:
        advice_id = self.community.next_id(org_id, "proposal_advice")
        self.conn.execute(
            insert(t.proposal_advice).values(
                organization_id=org_id,
                id=advice_id,
                proposal_id=proposal_id,
                member_id=member_id,
                text=text,
                given_at=now,
            )
        )
        return advice_id

    # -- outcomes -------------------------------------------------------------------------
    def outcome(self, org_id: int, proposal_id: int) -> OutcomeRecord | None:
        row = self.conn.execute(
            select(t.proposal_outcomes).where(
                t.proposal_outcomes.c.organization_id == org_id,
                t.proposal_outcomes.c.proposal_id == proposal_id,
            )
        ).first()
        return _outcome(row) if row else None

    def outcomes(self, org_id: int) -> dict[int, OutcomeRecord]:
        rows = self.conn.execute(
            select(t.proposal_outcomes).where(t.proposal_outcomes.c.organization_id == org_id)
        ).all()
        return {r.proposal_id: _outcome(r) for r in rows}

    def add_outcome(self, org_id: int, outcome: OutcomeRecord) -> None:
        self.conn.execute(
            insert(t.proposal_outcomes).values(
                organization_id=org_id,
                proposal_id=outcome.proposal_id,
                outcome=outcome.outcome,
                result=outcome.result,
                turnout=outcome.turnout,
                chosen=outcome.chosen,
                tied=json.dumps(list(outcome.tied)),
                decision_text=outcome.decision_text,
                decided_at=outcome.decided_at,
                closed_by=outcome.closed_by,
                action_status=outcome.action_status,
                action_detail=outcome.action_detail,
                tally=json.dumps(outcome.tally, sort_keys=True),
            )
        )

    # -- the decision log -----------------------------------------------------------------
    def log(
        self,
        org_id: int,
        *,
        kind: str,
        at: datetime,
        text: str,
        proposal_id: int | None = None,
        member_id: int | None = None,
        data: Mapping[str, object] | None = None,
    ) -> int:
        event_id = self.community.next_id(org_id, "governance_event")
        self.conn.execute(
            insert(t.governance_log).values(
                organization_id=org_id,
                id=event_id,
                proposal_id=proposal_id,
                kind=kind,
                member_id=member_id,
                at=at,
                text=text,
                data=json.dumps(dict(data or {}), sort_keys=True),
            )
        )
        return event_id

    def entries(self, org_id: int, *, proposal_id: int | None = None) -> list[LogRecord]:
        query = select(t.governance_log).where(t.governance_log.c.organization_id == org_id)
        if proposal_id is not None:
            query = query.where(t.governance_log.c.proposal_id == proposal_id)
        rows = self.conn.execute(query.order_by(t.governance_log.c.id)).all()
        return [
            LogRecord(
                id=r.id,
                at=r.at,
                kind=r.kind,
                proposal_id=r.proposal_id,
                member_id=r.member_id,
                text=r.text,
                data=json.loads(r.data),
            )
            for r in rows
        ]

    # -- what decisions change in the community -------------------------------------------
    def set_member_college(self, org_id: int, member_id: int, college_id: int | None) -> None:
        self.conn.execute(
            update(t.members)
            .where(t.members.c.organization_id == org_id, t.members.c.id == member_id)
            .values(college_id=college_id)
        )

    def set_college_weight(self, org_id: int, college_id: int, weight: Decimal) -> None:
        self.conn.execute(
            update(t.colleges)
            .where(t.colleges.c.organization_id == org_id, t.colleges.c.id == college_id)
            .values(weight=str(weight))
        )

    def removed_members(self, org_id: int) -> set[int]:
        rows = self.conn.execute(
            select(t.member_removals.c.member_id).where(
                t.member_removals.c.organization_id == org_id
            )
        ).all()
        return {r.member_id for r in rows}

    def remove_member(
        self, org_id: int, member_id: int, *, previous: Role, proposal_id: int, now: datetime
    ) -> None:
        """The member becomes an observer without a sign-in: their record and books stay,
        their tokens are revoked, and the removal is kept."""
        self.conn.execute(
            insert(t.member_removals).values(
                organization_id=org_id,
                member_id=member_id,
                removed_at=now,
                proposal_id=proposal_id,
                previous_role=previous.value,
            )
        )
        self.conn.execute(
            update(t.members)
            .where(t.members.c.organization_id == org_id, t.members.c.id == member_id)
            .values(role=Role.OBSERVER.value, user_id=None)
        )
        self.conn.execute(
            update(t.api_tokens)
            .where(
                t.api_tokens.c.organization_id == org_id,
                t.api_tokens.c.member_id == member_id,
                t.api_tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )

    # -- what is due, across organizations (for the scheduler) -----------------------------
    def organizations_with_due_proposals(self, now: datetime) -> list[int]:
        """Organizations holding a proposal past its closing time without an outcome (advice
        proposals wait for their decider). One query, whatever the number of organizations."""
        p, o = t.proposals, t.proposal_outcomes
        decided = select(o.c.proposal_id).where(
            o.c.organization_id == p.c.organization_id, o.c.proposal_id == p.c.id
        )
        rows = self.conn.execute(
            select(p.c.organization_id)
            .where(p.c.closes_at <= now, p.c.method != "advice", ~decided.exists())
            .distinct()
            .order_by(p.c.organization_id)
        ).all()
        return [int(r[0]) for r in rows]

    def organizations_with_expired_roles(self, now: datetime) -> list[int]:
        """Organizations holding a role whose term is past but whose end is not written."""
        r = t.governance_roles
        rows = self.conn.execute(
            select(r.c.organization_id)
            .where(r.c.term_ends_at <= now, r.c.ended_at.is_(None))
            .distinct()
            .order_by(r.c.organization_id)
        ).all()
        return [int(row[0]) for row in rows]

    # -- power from contribution ----------------------------------------------------------
    def hours_recorded(self, org_id: int, *, before: datetime) -> dict[int, Decimal]:
        """Each member's recorded hours, from contributions recorded before ``before``."""
        total = func.sum(t.contributions.c.hours_hundredths)
        rows = self.conn.execute(
            select(t.contributions.c.member_id, total)
            .where(
                t.contributions.c.organization_id == org_id,
                t.contributions.c.recorded_at < before,
                t.contributions.c.hours_hundredths.is_not(None),
            )
            .group_by(t.contributions.c.member_id)
        ).all()
        return {int(r[0]): Decimal(int(r[1] or 0)) / 100 for r in rows}

    def settings(self, org_id: int) -> tuple[Decimal | None, Decimal | None]:
        row = self.conn.execute(
            select(t.governance_settings).where(t.governance_settings.c.organization_id == org_id)
        ).first()
        if row is None or row.contribution_cap is None:
            return None, None
        step = Decimal(row.hours_per_step) if row.hours_per_step else None
        return Decimal(row.contribution_cap), step

    def power_basis(self, org_id: int) -> tuple[str, int | None]:
        """What power from contribution follows: ('hours', None) or ('distribution', id)."""
        row = self.conn.execute(
            select(
                t.governance_settings.c.power_basis, t.governance_settings.c.power_distribution_id
            ).where(t.governance_settings.c.organization_id == org_id)
        ).first()
        if row is None:
            return "hours", None
        return str(row.power_basis), row.power_distribution_id

    def set_settings(
        self,
        org_id: int,
        *,
        cap: Decimal | None,
        hours_per_step: Decimal | None,
        by: int,
        now: datetime,
        basis: str = "hours",
        distribution_id: int | None = None,
    ) -> None:
        self.conn.execute(
            delete(t.governance_settings).where(t.governance_settings.c.organization_id == org_id)
        )
        self.conn.execute(
            insert(t.governance_settings).values(
                organization_id=org_id,
                contribution_cap=str(cap) if cap is not None else None,
                hours_per_step=str(hours_per_step) if hours_per_step is not None else None,
                updated_at=now,
                updated_by=by,
                power_basis=basis,
                power_distribution_id=distribution_id,
            )
        )
