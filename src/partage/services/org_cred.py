"""An organization's own contribution graph, scored with CredRank: each member's cred per week
and where it came from; and the weights the organization gives its activities.

The graph is built from what the organization recorded (contributions and their links,
claims settled at a round's close, gifts of closed epochs: docs/cred.md, "An organization's
contribution graph"), weighed by its settings. Reading cred writes nothing; only an admin
changes the weights, and a refused change writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np

from partage.core import org_graph
from partage.core.cred_sources import attributed
from partage.core.errors import InvalidInput
from partage.core.org_graph import CLAIM, CONTRIBUTION, GIFT, CredWeights, OrgRecords
from partage.core.roles import require_admin
from partage.services.context import Actor, UnitOfWork
from partage.storage.cred_repo import EPOCH_DAY, GraphColumns

__all__ = [
    "CredSource",
    "CredWeights",
    "MemberCred",
    "OrgCred",
    "cred_weights",
    "org_cred",
    "set_cred_weights",
]


@dataclass(frozen=True, slots=True)
class CredSource:
    """Where part of a member's cred came from."""

    ref: str  # "contribution:12", "git:<sha>", "gift:epoch:3:from:5", "claim:7"
    label: str  # in English, e.g. "design, 3 h, 2026-03-02: Logo"
    label_fr: str  # the same in French
    week: date  # Sunday (UTC) of the week the cred came in
    cred: float


@dataclass(frozen=True, slots=True)
class MemberCred:
    member_id: int
    name: str
    cred: float
    per_week: tuple[float, ...]  # aligned with OrgCred.weeks
    sources: tuple[CredSource, ...]  # largest first, all weeks


@dataclass(frozen=True, slots=True)
class OrgCred:
    weeks: tuple[date, ...]  # each interval's Sunday, oldest first
    members: tuple[MemberCred, ...]  # every member, most cred first (then by id)
    total: float
    minted: float


def _stored_weights(uow: UnitOfWork, org_id: int) -> CredWeights:
    stored = uow.cred.settings(org_id)
    return org_graph.from_json(None if stored is None else stored.weights)


def _weights(uow: UnitOfWork, org_id: int) -> CredWeights:
    """The weights, and every activity recorded (to show them all with their weight)."""
    weights = _stored_weights(uow, org_id)
    return replace(weights, recorded=tuple(uow.cred.activities(org_id)))


def cred_weights(uow: UnitOfWork, *, actor: Actor) -> CredWeights:
    """The organization's weights: what it set, defaults for the rest."""
    return _weights(uow, actor.org_id)


def set_cred_weights(
    uow: UnitOfWork, *, actor: Actor, weights: Mapping[str, Any], now: datetime
) -> CredWeights:
    """Change some weights (the shape of ``CredWeights.as_json``, any part of it; an activity
    set to None goes back to the default). Admins only; a bad value changes nothing."""
    require_admin(actor.role)
    current = _weights(uow, actor.org_id)
    changed = org_graph.updated(current, weights)
    uow.cred.save_settings(actor.org_id, changed.as_json(), by=actor.member.id, now=now)
    uow.commit()
    return changed


def org_cred(
    uow: UnitOfWork, *, actor: Actor, since: date | None = None, until: date | None = None
) -> OrgCred:
    """Every member's cred per week from the records dated in [since, until] (all by
    default), and where it came from. Raises ``cred.nothing_to_score`` when nothing mints."""
    if since is not None and until is not None and since > until:
        raise InvalidInput("cred.bad_period", "since must not be after until", field="since")
    weights = _stored_weights(uow, actor.org_id)
    columns = uow.cred.graph_columns(actor.org_id, since=since, until=until)
    built = org_graph.build(
        _records(columns), weights, in_period=since is not None or until is not None
    )
    scored = org_graph.score(built)
    weeks = tuple(
        date.fromordinal(built.first_sunday + EPOCH_DAY) + timedelta(weeks=i)
        for i in range(len(built.starts))
    )
    totals = scored.per_week.sum(axis=1)
    flows = scored.inflows
    shares = attributed(flows, totals)
    labels = _Labels(columns)

    per_member: list[list[CredSource]] = [[] for _ in columns.member_ids]
    order = np.lexsort((-shares, flows.participant))
    order = order[shares[order] > 0]
    kind, row, refs = built.kind.tolist(), built.row.tolist(), built.refs
    # Plain lists: one Python object per source is made here, so no numpy scalar on the way.
    for member, node, week, cred in zip(
        flows.participant[order].tolist(),
        flows.node[order].tolist(),
        flows.week[order].tolist(),
        shares[order].tolist(),
        strict=True,
    ):
        english, french = labels.of(kind[node], row[node])
        per_member[member].append(CredSource(refs[node], english, french, weeks[week], cred))
    members = [
        MemberCred(
            member_id=member_id,
            name=name,
            cred=float(totals[rank]),
            per_week=tuple(float(c) for c in scored.per_week[rank]),
            sources=tuple(per_member[rank]),
        )
        for rank, (member_id, name) in enumerate(
            zip(columns.member_ids, columns.member_names, strict=True)
        )
    ]
    members.sort(key=lambda m: (-m.cred, m.member_id))
    return OrgCred(
        weeks=weeks,
        members=tuple(members),
        total=float(totals.sum()),
        minted=built.minted,
    )


def _records(c: GraphColumns) -> OrgRecords:
    def ints(values: list[int]) -> np.ndarray[Any, np.dtype[np.int64]]:
        return np.asarray(values, dtype=np.int64)

    return OrgRecords(
        member_ids=ints(c.member_ids),
        contribution_ids=ints(c.contribution_ids),
        contribution_members=ints(c.contribution_members),
        contribution_days=ints(c.contribution_days),
        activities=c.activities,
        hours_hundredths=ints(c.hours_hundredths),
        source_keys=c.source_keys,
        link_contributions=ints(c.link_contributions),
        link_targets=c.link_targets,
        claim_ids=ints(c.claim_ids),
        claim_members=ints(c.claim_members),
        claim_days=ints(c.claim_days),
        cite_claims=ints(c.cite_claims),
        cite_contributions=ints(c.cite_contributions),
        gift_epochs=ints(c.gift_epochs),
        gift_givers=ints(c.gift_givers),
        gift_receivers=ints(c.gift_receivers),
        gift_points=ints(c.gift_points),
        gift_points_per_member=ints(c.gift_points_per_member),
        gift_days=ints(c.gift_days),
    )


LABEL_TEXT = 60  # characters of a description kept in a label

FRENCH_MONTHS = (
    *("janvier", "février", "mars", "avril", "mai", "juin"),
    *("juillet", "août", "septembre", "octobre", "novembre", "décembre"),
)


def _text(text: str) -> str:
    """The first line, cut at LABEL_TEXT characters."""
    line = text.lstrip().partition("\n")[0].strip()
    return line if len(line) <= LABEL_TEXT else line[: LABEL_TEXT - 1].rstrip() + "…"


# Labels repeat the same few hundred days and hour counts: each is formatted once.
@lru_cache(maxsize=4096)
def _hours(hundredths: int) -> tuple[str, str]:
    """ "1.5 h" and "1,5 h"."""
    hours = Decimal(hundredths) / 100
    text = f"{hours.normalize():f}" if hours == hours.to_integral() else f"{hours:f}".rstrip("0")
    return f"{text} h", f"{text.replace('.', ',')} h"


@lru_cache(maxsize=4096)
def _day(number: int) -> tuple[str, str]:
    """ "2026-03-01" and "1er mars 2026"."""
    day = date.fromordinal(number + EPOCH_DAY)
    first = "1er" if day.day == 1 else str(day.day)
    return day.isoformat(), f"{first} {FRENCH_MONTHS[day.month - 1]} {day.year}"


class _Labels:
    """A source's name in English and in French, made once per node."""

    def __init__(self, columns: GraphColumns) -> None:
        self.c = columns
        self.names = dict(zip(columns.member_ids, columns.member_names, strict=True))
        self.cache: dict[tuple[int, int], tuple[str, str]] = {}

    def of(self, kind: int, row: int) -> tuple[str, str]:
        key = (kind, row)
        if key not in self.cache:
            self.cache[key] = self._make(kind, row)
        return self.cache[key]

    def _make(self, kind: int, row: int) -> tuple[str, str]:
        c = self.c
        if kind == CONTRIBUTION:
            text = _text(c.descriptions[row])
            source = c.source_keys[row] or ""
            if source.startswith("git:"):
                sha = source[len("git:") :][:7]
                return f"commit {sha}: {text}", f"commit {sha} : {text}"
            activity, hundredths = c.activities[row], c.hours_hundredths[row]
            day_en, day_fr = _day(c.contribution_days[row])
            english, french = f"{activity}, {day_en}", f"{activity}, {day_fr}"
            if hundredths >= 0:
                hours_en, hours_fr = _hours(hundredths)
                english, french = (
                    f"{activity}, {hours_en}, {day_en}",
                    f"{activity}, {hours_fr}, {day_fr}",
                )
            # A contribution recorded without a description is named by what, when, how long.
            return (f"{english}: {text}", f"{french} : {text}") if text else (english, french)
        if kind == CLAIM:
            number, text = c.claim_ids[row], _text(c.claim_texts[row])
            return (
                f"claim #{number} accepted: {text}",
                f"déclaration n°{number} acceptée : {text}",
            )
        if kind == GIFT:
            giver = self.names.get(c.gift_givers[row], f"#{c.gift_givers[row]}")
            points, of = c.gift_points[row], c.gift_points_per_member[row]
            epoch = c.gift_epoch_names[row]
            return (
                f"{points} of {of} points from {giver}, epoch “{epoch}”",
                f"{points} points sur {of} de {giver}, cycle « {epoch} »",
            )
        return "other", "autre"
