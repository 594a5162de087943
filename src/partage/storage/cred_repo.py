"""An organization's cred settings, and its records read as columns for the contribution graph.

Reads are set-based: one query per kind of record, rows turned into parallel columns (the
graph is built from arrays, never from one object per row). Dates are limited to
[since, until] in SQL; a claim is dated by its round's close, a gift by its epoch's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import orjson
from sqlalchemy import Connection, and_, delete, insert, select

from partage.storage import tables as t

EPOCH_DAY = date(1970, 1, 1).toordinal()


def day_number(d: date) -> int:
    return d.toordinal() - EPOCH_DAY


@dataclass(frozen=True, slots=True)
class CredSettings:
    weights: dict[str, Any]
    updated_at: datetime
    updated_by: int


@dataclass(frozen=True, slots=True)
class GraphColumns:
    """The records of one organization, as columns. Days count from 1970-01-01 (UTC)."""

    member_ids: list[int]
    member_names: list[str]
    # contributions
    contribution_ids: list[int]
    contribution_members: list[int]
    contribution_days: list[int]
    activities: list[str]
    hours_hundredths: list[int]  # −1: none recorded
    source_keys: list[str | None]
    descriptions: list[str]
    # their links (of the contributions above)
    link_contributions: list[int]
    link_targets: list[str]
    # claims settled at a round's close (not withdrawn), and the contributions they cite
    claim_ids: list[int]
    claim_members: list[int]
    claim_days: list[int]
    claim_texts: list[str]
    cite_claims: list[int]
    cite_contributions: list[int]
    # gifts of closed epochs to members who had not opted out
    gift_epochs: list[int]
    gift_epoch_names: list[str]
    gift_givers: list[int]
    gift_receivers: list[int]
    gift_points: list[int]
    gift_points_per_member: list[int]
    gift_days: list[int]


def _columns(rows: Sequence[Any], count: int) -> list[list[Any]]:
    if not rows:
        return [[] for _ in range(count)]
    return [list(column) for column in zip(*rows, strict=True)]


class CredRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def settings(self, org_id: int) -> CredSettings | None:
        row = self.conn.execute(
            select(t.cred_settings).where(t.cred_settings.c.organization_id == org_id)
        ).first()
        if row is None:
            return None
        m = row._mapping
        return CredSettings(orjson.loads(m["weights"]), m["updated_at"], int(m["updated_by"]))

    def save_settings(
        self, org_id: int, weights: dict[str, Any], *, by: int, now: datetime
    ) -> None:
        s = t.cred_settings
        self.conn.execute(delete(s).where(s.c.organization_id == org_id))
        self.conn.execute(
            insert(s).values(
                organization_id=org_id,
                weights=orjson.dumps(weights, option=orjson.OPT_SORT_KEYS).decode(),
                updated_at=now,
                updated_by=by,
            )
        )

    def activities(self, org_id: int) -> list[str]:
        """Every activity the organization has recorded, in order."""
        c = t.contributions.c
        rows = self.conn.execute(
            select(c.activity).where(c.organization_id == org_id).distinct().order_by(c.activity)
        ).all()
        return [r[0] for r in rows]

    def graph_columns(
        self, org_id: int, *, since: date | None = None, until: date | None = None
    ) -> GraphColumns:
        m = t.members.c
        members = self.conn.execute(
            select(m.id, m.name).where(m.organization_id == org_id).order_by(m.id)
        ).all()
        member_ids, member_names = _columns(members, 2)

        c = t.contributions.c
        when = [c.organization_id == org_id]
        if since is not None:
            when.append(c.occurred_on >= since)
        if until is not None:
            when.append(c.occurred_on <= until)
        contributions = self.conn.execute(
            select(
                c.id,
                c.member_id,
                c.occurred_on,
                c.activity,
                c.hours_hundredths,
                c.source_key,
                c.description,
            )
            .where(*when)
            .order_by(c.id)
        ).all()
        ids, authors, days, activities, hours, keys, texts = _columns(contributions, 7)

        cl = t.contribution_links.c
        links = self.conn.execute(
            select(cl.contribution_id, cl.target)
            .select_from(
                t.contribution_links.join(
                    t.contributions,
                    and_(c.organization_id == cl.organization_id, c.id == cl.contribution_id),
                )
            )
            .where(*when)
            .order_by(cl.contribution_id, cl.target)
        ).all()
        link_contributions, link_targets = _columns(links, 2)

        k = t.claims.c
        r = t.rounds.c
        closed = [k.organization_id == org_id, k.settled_in_round.is_not(None)]
        closed.append(k.withdrawn_at.is_(None))
        if since is not None:
            closed.append(r.closed_at >= _midnight(since))
        if until is not None:
            closed.append(r.closed_at < _midnight(until + timedelta(days=1)))
        settled = (
            select(k.id, k.member_id, r.closed_at, k.justification)
            .select_from(
                t.claims.join(
                    t.rounds,
                    and_(r.organization_id == k.organization_id, r.id == k.settled_in_round),
                )
            )
            .where(*closed)
            .order_by(k.id)
        )
        claims = self.conn.execute(settled).all()
        claim_ids, claim_members, claim_closed, claim_texts = _columns(claims, 4)
        cc = t.claim_contributions.c
        cites = self.conn.execute(
            select(cc.claim_id, cc.contribution_id)
            .select_from(
                t.claim_contributions.join(
                    t.claims, and_(k.organization_id == cc.organization_id, k.id == cc.claim_id)
                ).join(
                    t.rounds,
                    and_(r.organization_id == k.organization_id, r.id == k.settled_in_round),
                )
            )
            .where(*closed)
            .order_by(cc.claim_id, cc.contribution_id)
        ).all()
        cite_claims, cite_contributions = _columns(cites, 2)

        e = t.epochs.c
        g = t.epoch_gifts.c
        o = t.epoch_opt_outs.c
        ended = [e.organization_id == org_id, e.closed_at.is_not(None), g.points > 0]
        if since is not None:
            ended.append(e.closed_at >= _midnight(since))
        if until is not None:
            ended.append(e.closed_at < _midnight(until + timedelta(days=1)))
        opted_out = (
            select(o.member_id)
            .where(
                o.organization_id == g.organization_id,
                o.epoch_id == g.epoch_id,
                o.member_id == g.receiver_id,
            )
            .exists()
        )
        gifts = self.conn.execute(
            select(
                g.epoch_id,
                e.name,
                g.giver_id,
                g.receiver_id,
                g.points,
                e.points_per_member,
                e.closed_at,
            )
            .select_from(
                t.epoch_gifts.join(
                    t.epochs, and_(e.organization_id == g.organization_id, e.id == g.epoch_id)
                )
            )
            .where(*ended, ~opted_out)
            .order_by(g.epoch_id, g.giver_id, g.receiver_id)
        ).all()
        g_epochs, g_names, givers, receivers, points, per_member, g_closed = _columns(gifts, 7)

        # The database gives integers as integers: the columns are kept as they come.
        return GraphColumns(
            member_ids=member_ids,
            member_names=member_names,
            contribution_ids=ids,
            contribution_members=authors,
            contribution_days=_day_numbers(days),
            activities=activities,
            hours_hundredths=[-1 if h is None else h for h in hours],
            source_keys=keys,
            descriptions=texts,
            link_contributions=link_contributions,
            link_targets=link_targets,
            claim_ids=claim_ids,
            claim_members=claim_members,
            claim_days=[day_number(_utc(at).date()) for at in claim_closed],
            claim_texts=claim_texts,
            cite_claims=cite_claims,
            cite_contributions=cite_contributions,
            gift_epochs=g_epochs,
            gift_epoch_names=g_names,
            gift_givers=givers,
            gift_receivers=receivers,
            gift_points=points,
            gift_points_per_member=per_member,
            gift_days=[day_number(_utc(at).date()) for at in g_closed],
        )


def _day_numbers(days: list[date]) -> list[int]:
    # Many contributions share a day: each distinct day is counted once.
    numbers: dict[date, int] = {}
    return [numbers.get(d) or numbers.setdefault(d, day_number(d)) for d in days]


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time(0), tzinfo=UTC)


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
