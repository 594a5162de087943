"""CredRank: the stationary walk of the Markov process graph, and each participant's cred.

The walk starts uniform over the chain's nodes and takes steps ``pi ← T @ pi`` until no
node moves by 1e-7 or more (at most 255 steps), keeping the distribution *before* the last
step, as SourceCred does. A node's score is pi / Σ pi(accumulators) × Σ mint; a
participant's cred in an interval is their epoch node's score × their payout probability
(β, less what they attribute to others), so the participants' cred adds up to what was
minted (to the walk's precision): the accumulators receive the payouts and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from partage.core.cred.attribution import Attribution
from partage.core.cred.graph import CredGraph, Params
from partage.core.cred.markov import MarkovProcess, markov_process

TOLERANCE = 1e-7
MAX_STEPS = 255


@dataclass(frozen=True, slots=True)
class Cred:
    interval_starts: npt.NDArray[np.int64]
    participants: list[str]  # node ids, in graph order
    per_interval: npt.NDArray[np.float64]  # participants × intervals
    node_scores: npt.NDArray[np.float64]  # per graph node (participants: their total cred)
    steps: int

    def totals(self) -> npt.NDArray[np.float64]:
        return self.per_interval.sum(axis=1)  # type: ignore[no-any-return]


def stationary(process: MarkovProcess) -> tuple[npt.NDArray[np.float64], int]:
    """The walk's distribution, and the number of steps taken."""
    pi = np.full(process.size, 1.0 / process.size)
    previous = pi
    transition = process.transition
    for step in range(1, MAX_STEPS + 1):
        following = transition @ pi
        if float(np.max(np.abs(following - pi))) < TOLERANCE:
            return pi, step
        previous, pi = pi, following
    return previous, MAX_STEPS


def credrank(
    graph: CredGraph,
    params: Params,
    starts: npt.NDArray[np.int64],
    end: int,
    attributions: Sequence[Attribution] = (),
    where: str = "attributions",
) -> Cred:
    """Each participant's cred per interval; ``attributions`` pass shares of it on (``where``
    names their source in errors)."""
    process = markov_process(graph.checked(), params.checked(), starts, end, attributions, where)
    pi, steps = stationary(process)
    scores = pi / pi[process.accumulators].sum() * process.mint_total
    k = process.intervals
    epoch = scores[process.epoch_first :].reshape(len(process.participants), k)
    per_interval = epoch * process.payout
    node_scores = np.zeros(len(graph.ids))
    ordinary = process.node_index >= 0
    node_scores[ordinary] = scores[process.node_index[ordinary]]
    node_scores[process.participants] = per_interval.sum(axis=1)
    return Cred(
        interval_starts=starts,
        participants=[graph.ids[i] for i in process.participants.tolist()],
        per_interval=per_interval,
        node_scores=node_scores,
        steps=steps,
    )
