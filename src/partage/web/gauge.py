"""The envelope gauge: how much of an envelope is accepted, disputed or still in its window.

Pure arithmetic on integers, rendered by a template as plain HTML and CSS. When the claims
exceed the envelope the bar's full width stands for the claims and a marker shows where the
envelope ends, so an oversubscribed round is visible at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass

from partage.services.rounds import RoundView


@dataclass(frozen=True, slots=True)
class Segment:
    kind: str  # accepted | objected | pending
    amount: int
    percent: float


@dataclass(frozen=True, slots=True)
class Gauge:
    envelope: int
    declared: int
    accepted: int
    objected: int
    pending: int
    segments: tuple[Segment, ...]
    envelope_mark: float | None  # where the envelope ends, when claims exceed it

    @property
    def over(self) -> bool:
        return self.declared > self.envelope

    @property
    def left(self) -> int:
        return max(self.envelope - self.declared, 0)

    @property
    def used_percent(self) -> int:
        if self.envelope <= 0:
            return 0
        return round(100 * self.declared / self.envelope)


def gauge(*, envelope: int, declared: int, accepted: int, objected: int) -> Gauge:
    pending = max(declared - accepted - objected, 0)
    scale = max(envelope, declared, 1)
    segments = tuple(
        Segment(kind, amount, round(100 * amount / scale, 2))
        for kind, amount in (("accepted", accepted), ("objected", objected), ("pending", pending))
        if amount > 0
    )
    mark = round(100 * envelope / scale, 2) if declared > envelope else None
    return Gauge(envelope, declared, accepted, objected, pending, segments, mark)


def round_gauge(view: RoundView) -> Gauge:
    """A round's gauge over its whole envelope (all missions and the general pot together)."""
    return gauge(
        envelope=view.envelope,
        declared=view.declared,
        accepted=view.accepted,
        objected=view.under_objection,
    )
