"""Personal attributions: a participant passing a share of their cred to others, per interval,
as SourceCred 0.11.2 does.

An attribution names a giver, a recipient (both participants of the graph) and a
chronological log of proportions, each in effect from its start time. In an interval, the
proportion is that of the latest entry starting at or before the interval's start (none
before the first entry: an entry starting mid-interval takes effect from the next one).

In the Markov process graph, the giver's epoch node pays β × (1 − Σ proportions) to the
interval's accumulator — which is also what their cred in the interval is read from — and
β × proportion to the recipient's epoch node of the same interval. The epoch node's
out-probabilities still sum to 1, so nothing else moves.

Guarantees, checked by :func:`resolve`: givers and recipients are participants; a giver
names a recipient once; proportions lie in [0, 1] and start in chronological order; in no
interval does a giver pass on more than all of their cred (Σ proportions ≤ 1, summed in the
order of their recipients, as SourceCred sums them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from partage.core.errors import InvalidInput

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Attribution:
    giver: int  # graph node of a participant
    recipient: int  # graph node of a participant
    starts: tuple[int, ...]  # ms, each proportion's start
    proportions: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Resolved:
    """Attributions laid over the intervals, ready for the chain."""

    attributed: Floats  # participants × intervals: Σ proportions passed on (0: none)
    giver_rank: Ints  # one row per attribution edge: the giver's participant rank
    recipient_rank: Ints
    interval: Ints
    proportion: Floats  # of β


def resolve(
    attributions: Sequence[Attribution],
    rank: Ints,
    starts: Ints,
    names: Sequence[str],
    where: str = "attributions",
) -> Resolved:
    """Each attribution's proportion in each interval, checked.

    ``rank`` maps a graph node to its participant number (−1 for other nodes); ``names``
    gives the graph's node ids, for messages."""
    people = int((rank >= 0).sum())
    k = len(starts)
    # Σ proportions per participant and interval; NaN where no attribution is in effect
    # (SourceCred's "null": such an interval is not checked and keeps the whole payout).
    total = np.full((people, k), np.nan)
    seen: set[tuple[int, int]] = set()
    giver_rank: list[Ints] = []
    recipient_rank: list[Ints] = []
    interval: list[Ints] = []
    proportion: list[Floats] = []
    # One pass per attribution (a few per community), arrays over the intervals inside.
    for attribution in attributions:
        giver, recipient = attribution.giver, attribution.recipient
        for node in (giver, recipient):
            if not 0 <= node < len(rank) or rank[node] < 0:
                shown = names[node] if 0 <= node < len(names) else str(node)
                raise InvalidInput(
                    "cred.bad_attribution", f"{where}: {shown} is no participant", where
                )
        if (giver, recipient) in seen:
            raise InvalidInput(
                "cred.bad_attribution",
                f"{where}: {names[giver]} attributes to {names[recipient]} twice",
                where,
            )
        seen.add((giver, recipient))
        times = np.array(attribution.starts, dtype=np.int64)
        values = np.array(attribution.proportions, dtype=np.float64)
        if len(times) != len(values):
            raise ValueError("an attribution needs as many start times as proportions")
        if (np.diff(times) < 0).any():
            raise InvalidInput(
                "cred.bad_attribution",
                f"{where}: {names[giver]} → {names[recipient]}: proportions are not in "
                "chronological order",
                where,
            )
        bad = ~np.isfinite(values) | (values < 0) | (values > 1)
        if bad.any():
            raise InvalidInput(
                "cred.bad_attribution",
                f"{where}: {names[giver]} → {names[recipient]}: proportion "
                f"{float(values[bad][0])!r} is outside [0, 1]",
                where,
            )
        # The entry in effect at each interval's start: the last one starting at or before.
        found = np.searchsorted(times, starts, side="right") - 1
        active = found >= 0
        value = np.where(active, values[np.maximum(found, 0)], 0.0)
        row = total[rank[giver]]
        # Summed recipient by recipient, in the file's order: the same float sums as
        # SourceCred's, so that the check below refuses exactly what it refuses.
        total[rank[giver]] = np.where(active, np.where(np.isnan(row), 0.0, row) + value, row)
        moving = np.flatnonzero(value != 0)
        giver_rank.append(np.full(len(moving), rank[giver], dtype=np.int64))
        recipient_rank.append(np.full(len(moving), rank[recipient], dtype=np.int64))
        interval.append(moving.astype(np.int64))
        proportion.append(value[moving])
    over = total > 1
    if over.any():
        person, week = (int(i[0]) for i in np.nonzero(over))
        giver_node = int(np.flatnonzero(rank == person)[0])
        day = datetime.fromtimestamp(int(starts[week]) / 1000, tz=UTC).date().isoformat()
        raise InvalidInput(
            "cred.bad_attribution",
            f"{where}: {names[giver_node]} attributes {float(total[person, week])!r} of their cred "
            f"in the interval starting {day}, more than all of it",
            where,
        )
    return Resolved(
        attributed=np.where(np.isnan(total), 0.0, total),
        giver_rank=_joined(giver_rank, np.int64),
        recipient_rank=_joined(recipient_rank, np.int64),
        interval=_joined(interval, np.int64),
        proportion=_joined(proportion, np.float64),
    )


def _joined(parts: list[Any], dtype: Any) -> Any:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)
