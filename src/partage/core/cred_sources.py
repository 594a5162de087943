"""Where a participant's cred came from: the flows into each participant-week.

In CredRank's Markov process a participant's cred in week w is β × the score of their epoch
node (w). At the stationary distribution that score is exactly what flows into the epoch
node: from graph nodes (a contribution, a claim, a gift… through an edge to the participant)
and from the participant's own neighbouring weeks (the γ webbing). The flow from node c is
score(c) × T[epoch node, c].

:func:`inflows` lists, for every participant-week, the flow from each graph node that sends
it anything; per participant-week the flows sum to what came in from graph nodes (the
webbing, which only moves a participant's cred between their own weeks, is left out).
:func:`attributed` turns flows into cred: the webbing keeps a fixed share of each
participant's epoch scores inside the participant, so cred is proportional to what came in
from graph nodes, and each flow's part of the participant's cred (all weeks) is its part of
those flows. Those parts sum, per participant, to their cred (exactly, whatever the walk's
precision). A flow is timed by the week it entered, which may not be the week the webbing
lets its cred show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sparse

from partage.core.cred.markov import MarkovProcess

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Inflows:
    """One row per (participant, week, graph node) with a positive flow."""

    participant: Ints  # rank among the participants (graph order)
    week: Ints  # interval index
    node: Ints  # graph node the flow came from
    flow: Floats  # in score units: score(node) × T[epoch node, node]


def inflows(process: MarkovProcess, scores: Floats) -> Inflows:
    """The flows into every epoch node from graph nodes, given the chain's node scores."""
    k = process.intervals
    epoch_rows = process.transition[process.epoch_first :, : process.seed]
    flows = sparse.coo_matrix(epoch_rows.multiply(scores[None, : process.seed]))
    keep = flows.data > 0
    rows = flows.row[keep].astype(np.int64)
    cols = flows.col[keep].astype(np.int64)
    graph_node = np.full(process.seed, -1, dtype=np.int64)
    ordinary = np.flatnonzero(process.node_index >= 0)
    graph_node[process.node_index[ordinary]] = ordinary
    order = np.lexsort((cols, rows))
    return Inflows(
        participant=rows[order] // k,
        week=rows[order] % k,
        node=graph_node[cols[order]],
        flow=np.asarray(flows.data[keep], dtype=np.float64)[order],
    )


def received(flows: Inflows, participants: int, weeks: int) -> Floats:
    """Per participant × week, the sum of the flows that came in from graph nodes."""
    total = np.zeros(participants * weeks)
    np.add.at(total, flows.participant * weeks + flows.week, flows.flow)
    return total.reshape(participants, weeks)


def attributed(flows: Inflows, cred: Floats) -> Floats:
    """Each flow's share of its participant's cred: ``cred`` (per participant, all weeks) ×
    flow / Σ the participant's flows. A participant nothing flowed into has no row."""
    per_participant = np.bincount(flows.participant, weights=flows.flow, minlength=cred.size)
    denominator = per_participant[flows.participant]
    safe = np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, cred[flows.participant] * flows.flow / safe, 0.0)
