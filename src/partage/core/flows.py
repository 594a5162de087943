"""Peer-allocation epochs and funding calls: flows that gather the data a model reads.

An **epoch** (Coordinape-style): while it is open each member gives up to
``points_per_member`` points to other members; a member may opt out of receiving. Closing
runs the ``peer_allocation`` model on the gifts and pays its budget out of a fund.

A **funding call** (quadratic funding): while it is open members pledge amounts to the
call's projects; closing runs the ``quadratic_funding`` model, records the pledges as money
coming in to each project and pays each project its match out of the pool's fund.

Either may be *blinded*: while it is open a member sees only their own gifts or pledges and
how many members have given; once closed everything is visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class FlowStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Epoch:
    id: int
    name: str
    points_per_member: int
    blinded: bool
    budget: int
    fund: str
    status: FlowStatus
    opened_at: datetime
    opened_by: int
    closed_at: datetime | None = None
    closed_by: int | None = None
    distribution_id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status is FlowStatus.OPEN


@dataclass(frozen=True, slots=True)
class PointGift:
    """Points one member gives another in an epoch."""

    giver_id: int
    receiver_id: int
    points: int


@dataclass(frozen=True, slots=True)
class FundingCall:
    id: int
    name: str
    pool: int
    fund: str
    projects: tuple[str, ...]
    blinded: bool
    status: FlowStatus
    opened_at: datetime
    opened_by: int
    closed_at: datetime | None = None
    closed_by: int | None = None
    distribution_id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status is FlowStatus.OPEN


@dataclass(frozen=True, slots=True)
class Pledge:
    """An amount (minor units) a member pledges to one project of a funding call."""

    member_id: int
    project: str
    amount: int


def may_see_all(*, blinded: bool, is_open: bool) -> bool:
    """The blinded rule: while a blinded flow is open, each sees only their own part."""
    return not (blinded and is_open)
