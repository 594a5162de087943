"""A SourceCred instance's contribution graph, as SourceCred 0.11.2's ``credrank`` builds it.

From the plugin graphs, the weights, the ledger's identities and the dependencies:

1. the plugin graphs are merged; a node's weight is the product of every node-prefix weight
   matching its address (default 1), an edge's forward and backward weights the products of
   the matching edge-prefix weights; the instance's ``config/weights.json`` overrides the
   plugins' own weights prefix by prefix; edges whose endpoints are not both nodes are
   dropped;
2. every identity of the ledger is a participant; each of its aliases (a plugin's user node)
   is contracted into the identity's node;
3. each dependency mints a bonus, per week from its period's start: its weight × what that
   week's nodes mint, as a node at the week's start with an edge to the dependency's identity.

Addresses are tuples of parts, as in the graph files (``("sourcecred", "github", …)``);
weights files write them joined, ``N\\0part\\0…\\0``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from partage.core.cred.graph import NO_TIME, CredGraph, weekly_starts
from partage.core.errors import InvalidInput

Address = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PluginGraph:
    nodes: list[tuple[Address, int | None]]  # address, time (ms)
    edges: list[tuple[Address, Address, Address, int | None]]  # address, src, dst, time


@dataclass(slots=True)
class Weights:
    nodes: dict[Address, float] = field(default_factory=dict)
    edges: dict[Address, tuple[float, float]] = field(default_factory=dict)  # forwards, backwards

    def update(self, other: Weights) -> None:
        self.nodes.update(other.nodes)
        self.edges.update(other.edges)


@dataclass(frozen=True, slots=True)
class Identity:
    id: str
    name: str
    address: Address
    aliases: tuple[Address, ...]


@dataclass(frozen=True, slots=True)
class Dependency:
    id: str
    periods: tuple[tuple[int, float], ...]  # (start ms, weight), in time order


def split_address(joined: str, kind: str, where: str) -> Address:
    """``N\\0a\\0b\\0`` → ("a", "b")."""
    if not joined.startswith(kind + "\0") or not joined.endswith("\0"):
        raise InvalidInput("cred.bad_address", f"{where}: '{joined[:60]}' is no {kind} address")
    inner = joined[2:-1]
    return tuple(inner.split("\0")) if inner else ()


def _lengths(prefixes: Mapping[Address, object]) -> list[int]:
    """The prefix lengths that have a weight: only those are looked up, address by address."""
    return sorted({len(prefix) for prefix in prefixes})


def _weight_of(address: Address, prefixes: Mapping[Address, float], lengths: list[int]) -> float:
    weight = 1.0
    for length in lengths:
        if length > len(address):
            break
        found = prefixes.get(address[:length])
        if found is not None:
            weight *= found
    return weight


def _edge_weight_of(
    address: Address, prefixes: Mapping[Address, tuple[float, float]], lengths: list[int]
) -> tuple[float, float]:
    forwards = backwards = 1.0
    for length in lengths:
        if length > len(address):
            break
        found = prefixes.get(address[:length])
        if found is not None:
            forwards *= found[0]
            backwards *= found[1]
    return forwards, backwards


def instance_graph(
    plugins: Sequence[PluginGraph],
    weights: Weights,
    identities: Sequence[Identity],
    dependencies: Sequence[Dependency],
) -> CredGraph:
    """The contracted, weighted graph with bonus minting; participants are the identities,
    keyed by name."""
    times: dict[Address, int | None] = {}
    for plugin in plugins:
        for address, when in plugin.nodes:
            times[address] = when
    edges: dict[Address, tuple[Address, Address, int | None]] = {}
    for plugin in plugins:
        for address, tail, head, when in plugin.edges:
            if tail in times and head in times:  # dangling edges are dropped
                edges[address] = (tail, head, when)
    # Aliases are contracted into their identity's node.
    into: dict[Address, Address] = {}
    for identity in identities:
        for alias in identity.aliases:
            into[alias] = identity.address
    people = {identity.address: identity for identity in identities}
    nodes = [a for a in times if a not in into and a not in people]
    ids = ["\0".join(a) for a in nodes] + [i.name for i in identities]
    index = {a: i for i, a in enumerate(nodes)}
    for k, identity in enumerate(identities):
        index[identity.address] = len(nodes) + k
    node_lengths, edge_lengths = _lengths(weights.nodes), _lengths(weights.edges)
    weight = [_weight_of(a, weights.nodes, node_lengths) for a in nodes] + [0.0] * len(identities)
    node_time = [_ms(times[a]) for a in nodes] + [int(NO_TIME)] * len(identities)
    src: list[int] = []
    dst: list[int] = []
    edge_time: list[int] = []
    forward: list[float] = []
    backward: list[float] = []
    for address, (a, b, when) in edges.items():
        fw, bw = _edge_weight_of(address, weights.edges, edge_lengths)
        src.append(index[into.get(a, a)])
        dst.append(index[into.get(b, b)])
        edge_time.append(_ms(when))
        forward.append(fw)
        backward.append(bw)
    graph = CredGraph(
        ids=ids,
        weight=np.array(weight, dtype=np.float64),
        participant=np.arange(len(ids)) >= len(nodes),
        node_time=np.array(node_time, dtype=np.int64),
        src=np.array(src, dtype=np.int64),
        dst=np.array(dst, dtype=np.int64),
        edge_time=np.array(edge_time, dtype=np.int64),
        forward=np.array(forward, dtype=np.float64),
        backward=np.array(backward, dtype=np.float64),
    )
    by_id = {identity.id: identity for identity in identities}
    return _with_bonus(graph, dependencies, by_id, index)


def _ms(when: int | None) -> int:
    return int(NO_TIME) if when is None else int(when)


def _with_bonus(
    graph: CredGraph,
    dependencies: Sequence[Dependency],
    by_id: Mapping[str, Identity],
    index: Mapping[Address, int],
) -> CredGraph:
    """Each dependency's bonus: per week, its weight × the week's mint, from a node at the
    week's start to the dependency's identity."""
    if not dependencies:
        return graph
    starts, _end = weekly_starts(np.concatenate([graph.node_time, graph.edge_time]))
    timed = (graph.node_time != NO_TIME) & ~graph.participant
    week = np.searchsorted(starts, graph.node_time[timed], side="left") - 1
    minted = np.bincount(
        np.maximum(week, 0), weights=graph.weight[timed] * (week >= 0), minlength=len(starts)
    )
    ids, weight, node_time = list(graph.ids), list(graph.weight), list(graph.node_time)
    src, dst, edge_time = list(graph.src), list(graph.dst), list(graph.edge_time)
    forward, backward = list(graph.forward), list(graph.backward)
    for dependency in dependencies:
        identity = by_id.get(dependency.id)
        if identity is None:
            raise InvalidInput(
                "cred.unknown_identity",
                f"config/dependencies.json: no identity {dependency.id} in the ledger",
            )
        for k, start in enumerate(starts.tolist()):
            share = _period_weight(dependency.periods, start)
            if not share or not minted[k]:
                continue
            ids.append(f"bonus\0{start}\0{identity.name}")
            weight.append(share * float(minted[k]))
            node_time.append(start)
            src.append(len(ids) - 1)
            dst.append(index[identity.address])
            edge_time.append(start)
            forward.append(1.0)
            backward.append(0.0)
    return CredGraph(
        ids=ids,
        weight=np.array(weight, dtype=np.float64),
        participant=np.concatenate([graph.participant, np.zeros(len(ids) - len(graph.ids), bool)]),
        node_time=np.array(node_time, dtype=np.int64),
        src=np.array(src, dtype=np.int64),
        dst=np.array(dst, dtype=np.int64),
        edge_time=np.array(edge_time, dtype=np.int64),
        forward=np.array(forward, dtype=np.float64),
        backward=np.array(backward, dtype=np.float64),
    )


def _period_weight(periods: Sequence[tuple[int, float]], at: int) -> float:
    """The weight of the period in effect at ``at`` (0 before the first)."""
    found = bisect_left([start for start, _ in periods], at + 1) - 1
    return periods[found][1] if found >= 0 else 0.0


def day_ms(text: str, where: str) -> int:
    try:
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise InvalidInput("cred.bad_date", f"{where}: '{text}' is no date (YYYY-MM-DD)") from None
    return int(day.timestamp() * 1000)
