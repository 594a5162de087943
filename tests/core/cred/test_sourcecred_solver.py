"""partage's walk on SourceCred's own Markov process graph gives SourceCred's scores.

The sample instance (tests/fixtures/sourcecred-test-instance, SourceCred 0.11.2's sharness
snapshot) holds SourceCred's output: its Markov process graph (``output/credGraph``: the
base nodes and edges with their probabilities, the parameters, the mints, each node's
radiation) with every node's score, and each participant's cred per week
(``output/credGrainView``). Rebuilt as one sparse matrix — base nodes, then the seed, then
for each week its accumulator and one node per participant — and walked by
:func:`stationary`, it must give SourceCred's numbers.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sparse

from partage.core.cred.credrank import stationary
from partage.core.cred.markov import MarkovProcess

INSTANCE = Path(__file__).parents[2] / "fixtures" / "sourcecred-test-instance"


def output(name: str) -> Any:
    return json.loads(zlib.decompress((INSTANCE / "output" / name).read_bytes()))


def test_the_walk_reproduces_sourcecred_scores_and_weekly_cred() -> None:
    found = output("credGraph")
    mpg, expected = found["mpg"], np.array(found["scores"])
    base, weeks, people = len(mpg["nodes"]), len(mpg["epochStarts"]), len(mpg["participants"])
    size = base + 1 + weeks * (people + 1)
    assert size == len(expected)
    seed = base

    def accumulator(week: int) -> int:
        return base + 1 + week * (people + 1)

    def epoch(person: int, week: int) -> int:
        return accumulator(week) + 1 + person

    params = mpg["parameters"]
    rows, cols, probs = [], [], []

    def edge(src: int, dst: int, probability: float) -> None:
        rows.append(dst)
        cols.append(src)
        probs.append(probability)

    for e in mpg["indexedEdges"]:
        edge(e["src"], e["dst"], e["transitionProbability"])
    for person in range(people):
        for week in range(weeks):
            here = epoch(person, week)
            edge(here, accumulator(week), params["beta"])
            edge(here, epoch(person, min(week + 1, weeks - 1)), params["gammaForward"])
            edge(here, epoch(person, max(week - 1, 0)), params["gammaBackward"])
    mints = mpg["indexedMints"]
    for node, mint in mints:
        edge(seed, node, mint / sum(m for _, m in mints))
    for node, radiation in enumerate(mpg["radiationTransitionProbabilities"]):
        if node != seed and radiation:
            edge(node, seed, radiation)
    transition = sparse.csr_matrix((probs, (rows, cols)), shape=(size, size))
    accumulators = np.array([accumulator(w) for w in range(weeks)])
    process = MarkovProcess(
        transition=transition,
        size=size,
        node_index=np.arange(base),
        participants=np.arange(people),
        seed=seed,
        accumulators=accumulators,
        epoch_first=base + 1,
        intervals=weeks,
        payout=params["beta"],
        mint_total=sum(n["mint"] for n in mpg["nodes"]),
    )
    pi, steps = stationary(process)
    scores = pi / pi[accumulators].sum() * process.mint_total
    assert steps == 47
    shown = np.abs(expected) > 1e-9
    assert np.max(np.abs(scores - expected)[shown] / np.abs(expected[shown])) < 1e-9
    assert np.max(np.abs(scores - expected)) < 1e-9
    # A participant's cred in a week is β × their week node's score.
    view = {p["identity"]["address"]: p for p in output("credGrainView")["participants"]}
    for person, participant in enumerate(mpg["participants"]):
        weekly = [scores[epoch(person, w)] * params["beta"] for w in range(weeks)]
        shown_weeks = view[participant["address"]]["credPerInterval"]
        # The view adds one empty week after the last one the graph covers.
        assert len(shown_weeks) == weeks + 1 and shown_weeks[-1] == 0
        assert np.allclose(weekly, shown_weeks[:weeks], rtol=1e-9, atol=0)
