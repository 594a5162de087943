"""A contribution graph as arrays, CredRank's parameters, and its weekly intervals.

Nodes are contributions (they mint cred by their weight) or participants (they mint nothing
and receive cred, per interval). Edges carry a forward weight (src → dst) and a backward one
(dst → src); an edge's time matters where an endpoint is a participant. Everything is held
in numpy arrays — a million edges are never a million Python objects.

Guarantees, checked by :func:`checked`: weights are finite and non-negative, edges name
nodes of the graph, the parameters lie in [0, 1] and α + β + γf + γb ≤ 1, some node mints.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from partage.core.errors import InvalidInput

WEEK_MS = 7 * 24 * 3600 * 1000
# 1970-01-01 was a Thursday: the first Sunday 00:00 UTC after the epoch is day 3.
SUNDAY_MS = 3 * 24 * 3600 * 1000
NO_TIME = np.iinfo(np.int64).min  # a node or edge without a timestamp


@dataclass(frozen=True, slots=True)
class Params:
    """α: radiation back to the seed; β: payout to the interval's accumulator; γf, γb: the
    webbing between a participant's consecutive intervals."""

    alpha: float = 0.1
    beta: float = 0.4
    gamma_forward: float = 0.1
    gamma_backward: float = 0.1

    def checked(self, where: str = "params") -> Params:
        for name in ("alpha", "beta", "gamma_forward", "gamma_backward"):
            value = getattr(self, name)
            if not (np.isfinite(value) and 0 <= value <= 1):
                raise InvalidInput("cred.bad_param", f"{where}.{name} must lie in [0, 1]", where)
        total = self.alpha + self.beta + self.gamma_forward + self.gamma_backward
        if total > 1:
            raise InvalidInput(
                "cred.bad_param",
                f"{where}: alpha + beta + gamma_forward + gamma_backward is {total:g}, above 1",
                where,
            )
        return self


@dataclass(frozen=True, slots=True)
class CredGraph:
    ids: list[str]  # node ids, in the order of the arrays
    weight: npt.NDArray[np.float64]  # what each node mints (participants: ignored)
    participant: npt.NDArray[np.bool_]
    node_time: npt.NDArray[np.int64]  # ms, NO_TIME when absent
    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    edge_time: npt.NDArray[np.int64]  # ms, NO_TIME when absent
    forward: npt.NDArray[np.float64]
    backward: npt.NDArray[np.float64]
    edge_ids: list[str] | None = None  # for error messages; "edges[i]" when absent

    def edge_name(self, i: int) -> str:
        return self.edge_ids[i] if self.edge_ids else f"edges[{i}]"

    def checked(self, where: str = "graph") -> CredGraph:
        for name, values in (
            ("weight", self.weight),
            ("forward", self.forward),
            ("backward", self.backward),
        ):
            bad = ~np.isfinite(values) | (values < 0)
            if bad.any():
                at = int(np.flatnonzero(bad)[0])
                thing = self.ids[at] if name == "weight" else self.edge_name(at)
                raise InvalidInput(
                    "cred.bad_weight", f"{where}: {thing}: {name} must be a number ≥ 0", where
                )
        if not (self.weight[~self.participant] > 0).any():
            raise InvalidInput(
                "cred.no_mint",
                f"{where}: no node mints cred (every contribution weighs 0, or there is none)",
                where,
            )
        return self


def weekly_starts(times: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], int]:
    """Weekly UTC intervals starting on Sunday that cover every given time, as SourceCred
    makes them: from the Sunday on or before the earliest time to the first Sunday after the
    latest (a time on a boundary opens a new week). Returns the starts and the end."""
    known = times[times != NO_TIME]
    if known.size == 0:
        raise InvalidInput("cred.no_time", "no timestamp anywhere: give interval_starts", "graph")
    first = _sunday_on_or_before(int(known.min()))
    end = _sunday_on_or_before(int(known.max()) + 1)
    if end < int(known.max()) + 1:
        end += WEEK_MS
    return np.arange(first, end, WEEK_MS, dtype=np.int64), end


def _sunday_on_or_before(ms: int) -> int:
    return ms - (ms - SUNDAY_MS) % WEEK_MS
