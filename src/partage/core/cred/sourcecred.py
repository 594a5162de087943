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
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from partage.core.cred.graph import NO_TIME, CredGraph, weekly_starts
from partage.core.errors import InvalidInput

Address = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PluginGraph:
    """One plugin's graph as SourceCred writes it: node addresses (sorted), nodes and edges
    pointing into them by number."""

    addresses: Any  # an Arrow list<string> array: every address the graph names
    node_index: npt.NDArray[np.int64]  # each node's address
    node_time: npt.NDArray[np.int64]  # ms, NO_TIME when absent
    edge_addresses: Any  # Arrow list<string>
    edge_src: npt.NDArray[np.int64]  # into ``addresses``
    edge_dst: npt.NDArray[np.int64]
    edge_time: npt.NDArray[np.int64]


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


def prefix_products(
    addresses: Any, prefixes: Mapping[Address, Sequence[float]], columns: int = 1
) -> npt.NDArray[np.float64]:
    """Each address's weights (``columns`` of them): the products of the weights of every
    prefix it starts with.

    One pass per prefix length, in Arrow's compute kernels: each address is cut to that
    length, joined and looked up among the prefixes of that length — never a Python lookup
    per address and prefix (instances weigh single likes and posts: tens of thousands of
    prefixes)."""
    out = np.ones((len(addresses), columns))
    if not prefixes or not len(addresses):
        return out
    parts = (
        addresses if isinstance(addresses, pa.Array) else pa.array(addresses, pa.list_(pa.string()))
    )
    lengths = pc.list_value_length(parts).to_numpy(zero_copy_only=False)
    by_length: dict[int, dict[str, Sequence[float]]] = {}
    for prefix, weights in prefixes.items():
        by_length.setdefault(len(prefix), {})["\0".join(prefix)] = weights
    for length, table in sorted(by_length.items()):
        if length == 0:
            out *= np.asarray(table[""], dtype=np.float64)
            continue
        keys = list(table)
        values = np.array([table[k] for k in keys], dtype=np.float64).reshape(len(keys), columns)
        cut = pc.binary_join(pc.list_slice(parts, 0, length), "\0")
        found = pc.index_in(cut, value_set=pa.array(keys, type=pa.string()))
        at = found.fill_null(-1).to_numpy(zero_copy_only=False)
        hit = (at >= 0) & (lengths >= length)
        out[hit] *= values[at[hit]]
    return out


def instance_graph(
    plugins: Sequence[PluginGraph],
    weights: Weights,
    identities: Sequence[Identity],
    dependencies: Sequence[Dependency],
) -> CredGraph:
    """The contracted, weighted graph with bonus minting; participants are the identities,
    keyed by name."""
    where: dict[str, int] = {}  # an address (joined) → its node, over every plugin
    names: list[str] = []
    weight_parts: list[tuple[Any, Any, Any]] = []
    keys_of: list[list[str]] = []
    for plugin in plugins:
        keys = pc.binary_join(plugin.addresses, "\0").to_pylist()
        keys_of.append(keys)
        local_weight = prefix_products(
            plugin.addresses, {p: (w,) for p, w in weights.nodes.items()}
        )[:, 0]
        for at in plugin.node_index.tolist():
            if keys[at] not in where:
                where[keys[at]] = len(names)
                names.append(keys[at])
        weight_parts.append(
            (
                np.array([where[keys[i]] for i in plugin.node_index.tolist()], dtype=np.int64),
                local_weight[plugin.node_index],
                plugin.node_time,
            )
        )
    size = len(names)
    node_weight = np.ones(size)
    node_time = np.full(size, NO_TIME, dtype=np.int64)
    for at, local_weight, times in weight_parts:
        node_weight[at] = local_weight
        node_time[at] = times
    # Participants: the identities, after every other node; aliases are contracted into them.
    target = np.arange(size, dtype=np.int64)
    drop = np.zeros(size, dtype=bool)
    for k, identity in enumerate(identities):
        for address in (identity.address, *identity.aliases):
            found = where.get("\0".join(address))
            if found is not None:
                drop[found] = True
                target[found] = -1 - k  # resolved below, once the kept nodes are numbered
    kept = np.flatnonzero(~drop)
    renumber = np.full(size, -1, dtype=np.int64)
    renumber[kept] = np.arange(len(kept), dtype=np.int64)
    first_person = len(kept)
    final = np.where(target >= 0, renumber[np.maximum(target, 0)], first_person - 1 - target)
    src_parts, dst_parts, edge_times, forward_parts, backward_parts = [], [], [], [], []
    for plugin, keys in zip(plugins, keys_of, strict=True):
        local = np.array([where.get(k, -1) for k in keys], dtype=np.int64)
        src, dst = local[plugin.edge_src], local[plugin.edge_dst]
        live = (src >= 0) & (dst >= 0)  # dangling edges are dropped
        pairs = _edge_products(plugin.edge_addresses, weights.edges)
        src_parts.append(final[src[live]])
        dst_parts.append(final[dst[live]])
        edge_times.append(plugin.edge_time[live])
        forward_parts.append(pairs[live, 0])
        backward_parts.append(pairs[live, 1])
    people = len(identities)
    graph = CredGraph(
        ids=[names[i] for i in kept.tolist()] + [i.name for i in identities],
        weight=np.concatenate([node_weight[kept], np.zeros(people)]),
        participant=np.arange(len(kept) + people) >= first_person,
        node_time=np.concatenate([node_time[kept], np.full(people, NO_TIME, dtype=np.int64)]),
        src=_joined(src_parts, np.int64),
        dst=_joined(dst_parts, np.int64),
        edge_time=_joined(edge_times, np.int64),
        forward=_joined(forward_parts, np.float64),
        backward=_joined(backward_parts, np.float64),
    )
    by_id = {identity.id: identity for identity in identities}
    person = {identity.address: first_person + k for k, identity in enumerate(identities)}
    return _with_bonus(graph, dependencies, by_id, person)


def _edge_products(
    addresses: Any, prefixes: Mapping[Address, tuple[float, float]]
) -> npt.NDArray[np.float64]:
    """Each edge's forward and backward weights, as rows."""
    return prefix_products(addresses, prefixes, columns=2)


def _joined(parts: list[Any], dtype: Any) -> Any:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)


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
    # Only the bonus rows are built here (a few per week); the graph's arrays are appended
    # to, never turned into Python lists.
    names: list[str] = []
    minting: list[float] = []
    when: list[int] = []
    receiver: list[int] = []
    for dependency in dependencies:
        identity = by_id.get(dependency.id)
        if identity is None:
            raise InvalidInput(
                "cred.unknown_identity",
                f"config/dependencies.json: no identity {dependency.id} in the ledger",
            )
        for k, start in enumerate(starts.tolist()):
            share = _period_weight(dependency.periods, start)
            if share and minted[k]:
                names.append(f"bonus\0{start}\0{identity.name}")
                minting.append(share * float(minted[k]))
                when.append(start)
                receiver.append(index[identity.address])
    count, first = len(names), len(graph.ids)
    times = np.array(when, dtype=np.int64)
    return CredGraph(
        ids=[*graph.ids, *names],
        weight=np.concatenate([graph.weight, np.array(minting, dtype=np.float64)]),
        participant=np.concatenate([graph.participant, np.zeros(count, dtype=bool)]),
        node_time=np.concatenate([graph.node_time, times]),
        src=np.concatenate([graph.src, np.arange(first, first + count, dtype=np.int64)]),
        dst=np.concatenate([graph.dst, np.array(receiver, dtype=np.int64)]),
        edge_time=np.concatenate([graph.edge_time, times]),
        forward=np.concatenate([graph.forward, np.ones(count)]),
        backward=np.concatenate([graph.backward, np.zeros(count)]),
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
