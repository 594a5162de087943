"""CredRank's Markov process graph, built as one sparse matrix with array operations.

Nodes of the chain: every contribution node, one seed, one accumulator per interval, and one
node per participant and interval (the participant's "epoch node"); participants themselves
are replaced by their epoch nodes. Transitions (each node's out-probabilities sum to 1):

* an edge of the graph, forward (weight ``forward``) and backward (``backward``), zero weights
  dropped; an endpoint that is a participant becomes its epoch node for the edge's interval
  (a time on a boundary falls into the earlier interval). From a contribution node the
  probability is w / Σw_out × (1 − α); from an epoch node w / Σw_out × (1 − α − β − γf − γb);
* epoch node → the interval's accumulator: β (the payout), or β × (1 − Σ proportions) when
  the participant attributes part of their cred, and then β × proportion → each recipient's
  epoch node of the same interval (:mod:`partage.core.cred.attribution`);
* epoch node → the same participant's next interval: γf (the last one loops on itself), and
  → the previous interval: γb (the first one loops on itself);
* seed → each minting node: its weight / Σ weights;
* every node but the seed → seed: whatever is left (an accumulator: all of it).

The matrix is column-stochastic: ``pi ← T @ pi`` moves the walk one step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sparse

from partage.core.cred.attribution import Attribution, resolve
from partage.core.cred.graph import CredGraph, Params
from partage.core.errors import InvalidInput

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class MarkovProcess:
    transition: sparse.csr_matrix  # T[to, from]
    size: int
    node_index: Ints  # graph node → chain node (−1 for participants)
    participants: Ints  # graph node numbers of the participants, in graph order
    seed: int
    accumulators: Ints  # one per interval
    epoch_first: int  # epoch node of participant k in interval e: epoch_first + k × K + e
    intervals: int
    payout: Floats | float  # epoch node → accumulator: participants × intervals (or one)
    mint_total: float


def interval_of(starts: Ints, end: int, times: Ints) -> Ints:
    """The interval each time falls in, −1 outside: (start_e, start_e+1], the last up to end."""
    found = np.searchsorted(starts, times, side="left") - 1
    outside = (found < 0) | (times > end)
    return np.where(outside, -1, found)


def markov_process(
    graph: CredGraph,
    params: Params,
    starts: Ints,
    end: int,
    attributions: Sequence[Attribution] = (),
    where: str = "attributions",
) -> MarkovProcess:
    n_graph = len(graph.ids)
    k = len(starts)
    if k == 0:
        raise InvalidInput("cred.no_interval", "there is no interval to score", "interval_starts")
    is_participant = graph.participant
    participants = np.flatnonzero(is_participant).astype(np.int64)
    ordinary = np.flatnonzero(~is_participant).astype(np.int64)
    node_index = np.full(n_graph, -1, dtype=np.int64)
    node_index[ordinary] = np.arange(len(ordinary), dtype=np.int64)
    seed = len(ordinary)
    accumulators = seed + 1 + np.arange(k, dtype=np.int64)
    epoch_first = seed + 1 + k
    rank = np.full(n_graph, -1, dtype=np.int64)
    rank[participants] = np.arange(len(participants), dtype=np.int64)
    size = epoch_first + len(participants) * k

    # Graph edges in both directions, zero weights dropped.
    src = np.concatenate([graph.src, graph.dst])
    dst = np.concatenate([graph.dst, graph.src])
    weight = np.concatenate([graph.forward, graph.backward])
    times = np.concatenate([graph.edge_time, graph.edge_time])
    numbers = np.concatenate([np.arange(len(graph.src))] * 2)
    keep = weight > 0
    src, dst, weight, times, numbers = (
        src[keep],
        dst[keep],
        weight[keep],
        times[keep],
        numbers[keep],
    )
    touches = is_participant[src] | is_participant[dst]
    epoch = interval_of(starts, end, times)
    stray = touches & (epoch < 0)
    if stray.any():
        name = graph.edge_name(int(numbers[np.flatnonzero(stray)[0]]))
        raise InvalidInput(
            "cred.edge_outside",
            f"{name} touches a participant at a time outside the intervals",
            "edges",
        )

    def rewritten(ends: Ints) -> Ints:
        mine = is_participant[ends]
        return np.where(mine, epoch_first + rank[ends] * k + epoch, node_index[ends])

    frm, to = rewritten(src), rewritten(dst)
    out_weight = np.bincount(frm, weights=weight, minlength=size)
    share = np.where(
        frm >= epoch_first, 1 - params.alpha - _epoch_outflow(params), 1 - params.alpha
    )
    base_pr = weight / out_weight[frm] * share

    # Epoch nodes: payout, webbing forward and backward (self-loops at the ends).
    p_count = len(participants)
    e_nodes = epoch_first + np.arange(p_count * k, dtype=np.int64)
    e_interval = np.tile(np.arange(k, dtype=np.int64), p_count)
    forward_to = np.where(e_interval == k - 1, e_nodes, e_nodes + 1)
    backward_to = np.where(e_interval == 0, e_nodes, e_nodes - 1)
    payout: Floats = np.full(len(e_nodes), params.beta)
    rows_extra: list[Ints] = []
    cols_extra: list[Ints] = []
    probs_extra: list[Floats] = []
    if attributions:
        laid = resolve(attributions, rank, starts, graph.ids, where)
        # β − Σ·β, not β × (1 − Σ): SourceCred's expression, to the last bit.
        payout = (params.beta - laid.attributed * params.beta).reshape(-1)
        rows_extra.append(epoch_first + laid.recipient_rank * k + laid.interval)
        cols_extra.append(epoch_first + laid.giver_rank * k + laid.interval)
        probs_extra.append(params.beta * laid.proportion)

    # Seed → minting nodes.
    mint = np.where(is_participant, 0.0, graph.weight)
    minting = np.flatnonzero(mint > 0)
    mint_total = float(mint[minting].sum())

    rows = [to, accumulators[e_interval], forward_to, backward_to, node_index[minting], *rows_extra]
    cols = [
        frm,
        e_nodes,
        e_nodes,
        e_nodes,
        np.full(len(minting), seed, dtype=np.int64),
        *cols_extra,
    ]
    probs = [
        base_pr,
        payout,
        np.full(len(e_nodes), params.gamma_forward),
        np.full(len(e_nodes), params.gamma_backward),
        mint[minting] / mint_total,
        *probs_extra,
    ]
    # Radiation: every node but the seed sends what is left back to the seed.
    sent = sum(
        (np.bincount(c, weights=p, minlength=size) for c, p in zip(cols, probs, strict=True)),
        np.zeros(size),
    )
    others = np.flatnonzero(np.arange(size) != seed)
    rows.append(np.full(len(others), seed, dtype=np.int64))
    cols.append(others)
    probs.append(np.maximum(1 - sent[others], 0.0))
    transition = sparse.csr_matrix(
        (np.concatenate(probs), (np.concatenate(rows), np.concatenate(cols))), shape=(size, size)
    )
    return MarkovProcess(
        transition=transition,
        size=size,
        node_index=node_index,
        participants=participants,
        seed=seed,
        accumulators=accumulators,
        epoch_first=epoch_first,
        intervals=k,
        payout=payout.reshape(p_count, k),
        mint_total=mint_total,
    )


def _epoch_outflow(params: Params) -> float:
    return params.beta + params.gamma_forward + params.gamma_backward
