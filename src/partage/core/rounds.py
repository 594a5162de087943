"""A contributive budget round: its envelope, missions, rate grid and lifecycle.

A round is ``open`` (claims may be declared, objected to, amended) until an admin closes
it; a closed round never reopens. The envelope is the amount drawn from the commons fund
plus whatever an earlier round rolled over into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from partage.core.closing import Policy, UnspentRule
from partage.core.errors import InvalidInput


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Mission:
    id: int
    round_id: int
    name: str
    steward_id: int | None
    envelope: int


@dataclass(frozen=True, slots=True)
class Rate:
    """A reference rate shown to claimants as guidance: ``amount`` per ``unit`` of activity."""

    activity: str
    amount: int
    unit: str = "hour"


@dataclass(frozen=True, slots=True)
class Round:
    id: int
    name: str
    envelope: int
    rolled_in: int
    window: timedelta
    policy: Policy
    unspent_rule: UnspentRule
    status: RoundStatus
    opened_at: datetime
    closed_at: datetime | None
    rates: tuple[Rate, ...] = ()

    @property
    def total_envelope(self) -> int:
        return self.envelope + self.rolled_in

    @property
    def is_open(self) -> bool:
        return self.status is RoundStatus.OPEN


def parse_policy(value: str) -> Policy:
    try:
        return Policy(value.strip().lower().replace("-", "_"))
    except ValueError:
        raise InvalidInput(
            "round.bad_policy", "policy must be pro_rata, in_order or debt", field="policy"
        ) from None


def parse_unspent(value: str) -> UnspentRule:
    try:
        return UnspentRule(value.strip().lower())
    except ValueError:
        raise InvalidInput(
            "round.bad_unspent", "unspent must be rollover or return", field="unspent"
        ) from None


def require_open(round_: Round) -> None:
    if not round_.is_open:
        raise InvalidInput("round.closed", f"the round '{round_.name}' is closed", field="round")
