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
weights files write them joined, ``N\\0part\\0…\\0``. In bulk they are held as
:class:`Addresses` — one byte buffer, each address's parts joined by NUL (which SourceCred
forbids inside a part) — so that a million addresses are never a million Python objects.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from partage.core.cred.graph import NO_TIME, CredGraph, weekly_starts
from partage.core.errors import InvalidInput

Address = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Addresses:
    """Addresses in one UTF-8 buffer: address i is ``data[offsets[i]:offsets[i + 1]]``, its
    parts joined by NUL. ``nuls`` holds where every NUL is, in order, and address i's are
    ``nuls[first[i]:first[i + 1]]`` (an empty address reads as one empty part: graphs have
    no address of no parts)."""

    data: npt.NDArray[np.uint8]
    offsets: npt.NDArray[np.int64]
    nuls: npt.NDArray[np.int64]
    first: npt.NDArray[np.int64]

    @classmethod
    def of(cls, addresses: Iterable[Sequence[str]]) -> Addresses:
        encoded = ["\0".join(parts).encode() for parts in addresses]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        return cls.found(np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets)

    @classmethod
    def found(cls, data: npt.NDArray[np.uint8], offsets: npt.NDArray[np.int64]) -> Addresses:
        """Addresses whose NULs are yet to be found."""
        nuls = np.flatnonzero(data == 0)
        return cls(data, offsets, nuls, np.searchsorted(nuls, offsets).astype(np.int64))

    @classmethod
    def joined(cls, parts: Sequence[Addresses]) -> Addresses:
        if len(parts) == 1:
            return parts[0]
        bases = np.cumsum([0] + [len(p.data) for p in parts])
        counts = np.cumsum([0] + [len(p.nuls) for p in parts])
        return cls(
            np.concatenate([np.zeros(0, dtype=np.uint8)] + [p.data for p in parts]),
            np.concatenate(
                [np.zeros(1, dtype=np.int64)]
                + [p.offsets[1:] + base for p, base in zip(parts, bases, strict=False)]
            ),
            np.concatenate(
                [np.zeros(0, dtype=np.int64)]
                + [p.nuls + base for p, base in zip(parts, bases, strict=False)]
            ),
            np.concatenate(
                [np.zeros(1, dtype=np.int64)]
                + [p.first[1:] + count for p, count in zip(parts, counts, strict=False)]
            ),
        )

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def arrow(self) -> Any:
        """The addresses as an Arrow string array, sharing this buffer."""
        return _strings(self.data, self.offsets, len(self))

    def part_counts(self) -> npt.NDArray[np.int64]:
        return np.diff(self.first) + 1

    def cut(self, length: int) -> tuple[npt.NDArray[np.int64], Any]:
        """The addresses of at least ``length`` parts, and an Arrow array whose even strings
        are their first ``length`` parts (joined) — the odd ones are what lies between, so
        that the array shares this buffer: its offsets keep increasing."""
        counts = self.part_counts()
        which = np.flatnonzero(counts >= length)
        ends = self.offsets[which + 1]
        longer = counts[which] > length
        ends[longer] = self.nuls[self.first[which[longer]] + length - 1]
        bounds = np.empty(2 * len(which) + 1, dtype=np.int64)
        bounds[0:-1:2] = self.offsets[which]
        bounds[1:-1:2] = ends
        bounds[-1] = self.offsets[-1]
        return which, _strings(self.data, bounds, 2 * len(which))


def _strings(data: npt.NDArray[np.uint8], offsets: npt.NDArray[np.int64], count: int) -> Any:
    return pa.Array.from_buffers(
        pa.large_string(), count, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


@dataclass(frozen=True, slots=True)
class PluginGraph:
    """One plugin's graph as SourceCred writes it: node addresses (sorted), nodes and edges
    pointing into them by number."""

    addresses: Addresses  # every address the graph names
    node_index: npt.NDArray[np.int64]  # each node's address
    node_time: npt.NDArray[np.int64]  # ms, NO_TIME when absent
    edge_addresses: Addresses
    edge_src: npt.NDArray[np.int64]  # into ``addresses``
    edge_dst: npt.NDArray[np.int64]
    edge_time: npt.NDArray[np.int64]


@dataclass(slots=True)
class Weights:
    """Prefix weights keyed as weights files write them: ``"N\\0a\\0b\\0"`` (nodes),
    ``"E\\0…"`` (edges)."""

    nodes: dict[str, float] = field(default_factory=dict)
    edges: dict[str, tuple[float, float]] = field(default_factory=dict)  # forwards, backwards

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
    addresses: Addresses | Sequence[Sequence[str]],
    prefixes: Mapping[str, float | Sequence[float]] | Mapping[Address, float | Sequence[float]],
    columns: int = 1,
) -> npt.NDArray[np.float64]:
    """Each address's weights (``columns`` of them): the products of the weights of every
    prefix it starts with, the shorter prefixes' first.

    One pass per prefix length, in array kernels: each address of that many parts or more is
    cut to that length and looked up among the prefixes of that length (a hash lookup in
    Arrow) — never a Python lookup per address and prefix (instances weigh single likes and
    posts: tens of thousands of prefixes)."""
    found = addresses if isinstance(addresses, Addresses) else Addresses.of(addresses)
    out = np.ones((len(found), columns))
    if not prefixes or not len(found):
        return out
    count = len(prefixes)
    values = np.array(list(prefixes.values()), dtype=np.float64).reshape(count, columns)
    listed = list(prefixes)
    if isinstance(listed[0], str):  # "N\0a\0b\0": two parts, looked up as "a\0b"
        keys = pa.array(listed, pa.large_string())
        lengths = pc.count_substring(keys, "\0").to_numpy(zero_copy_only=False) - 1
        keys = pc.utf8_slice_codeunits(keys, 2, -1)
    else:
        keys = pa.array(["\0".join(p) for p in listed], pa.large_string())
        lengths = np.array([len(p) for p in listed], dtype=np.int64)
    for length in np.unique(lengths).tolist():
        chosen = lengths == length
        if length == 0:
            out *= values[chosen][0]
            continue
        which, cuts = found.cut(length)
        at = _index_in(cuts, keys.filter(pa.array(chosen)))[0::2]
        hit = at >= 0
        out[which[hit]] *= values[chosen][at[hit]]
    return out


def _index_in(strings: Any, keys: Any) -> npt.NDArray[np.int64]:
    """Where each string is among ``keys``, −1 when it is not."""
    found = pc.index_in(strings, value_set=keys).fill_null(-1)
    return found.to_numpy(zero_copy_only=False).astype(np.int64)  # type: ignore[no-any-return]


def instance_graph(
    plugins: Sequence[PluginGraph],
    weights: Weights,
    identities: Sequence[Identity],
    dependencies: Sequence[Dependency],
    edge_weights: Sequence[Callable[[], npt.NDArray[np.float64]]] | None = None,
) -> CredGraph:
    """The contracted, weighted graph with bonus minting; participants are the identities,
    keyed by name. ``edge_weights``: each plugin's edges' weights (forward, backward), when
    the caller finds them (as ``prefix_products(edge_addresses, weights.edges, 2)``)."""
    owned = [
        ("\0".join(address), k)
        for k, identity in enumerate(identities)
        for address in (identity.address, *identity.aliases)
    ]
    names, numbers, locals_, found = _numbered(plugins, [key for key, _ in owned])
    size = len(names)
    node_weight = np.ones(size)
    node_time = np.full(size, NO_TIME, dtype=np.int64)
    for plugin, at in zip(plugins, numbers, strict=True):
        node_weight[at] = prefix_products(plugin.addresses, weights.nodes)[plugin.node_index, 0]
        node_time[at] = plugin.node_time
    # Participants: the identities, after every other node; aliases are contracted into them.
    owner = np.array([k for _, k in owned], dtype=np.int64)
    target = np.arange(size, dtype=np.int64)
    drop = np.zeros(size, dtype=bool)
    drop[found[found >= 0]] = True
    target[found[found >= 0]] = -1 - owner[found >= 0]  # resolved once the kept are numbered
    kept = np.flatnonzero(~drop)
    renumber = np.full(size, -1, dtype=np.int64)
    renumber[kept] = np.arange(len(kept), dtype=np.int64)
    first_person = len(kept)
    final = np.where(target >= 0, renumber[np.maximum(target, 0)], first_person - 1 - target)
    src_parts, dst_parts, edge_times, forward_parts, backward_parts = [], [], [], [], []
    for k, (plugin, local) in enumerate(zip(plugins, locals_, strict=True)):
        src, dst = local[plugin.edge_src], local[plugin.edge_dst]
        live = (src >= 0) & (dst >= 0)  # dangling edges are dropped
        pairs = (
            edge_weights[k]()
            if edge_weights is not None
            else prefix_products(plugin.edge_addresses, weights.edges, columns=2)
        )
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


def _numbered(
    plugins: Sequence[PluginGraph], aliases: list[str]
) -> tuple[list[str], list[npt.NDArray[np.int64]], list[npt.NDArray[np.int64]], Any]:
    """One numbering of the plugins' nodes, in order of first appearance (a node two plugins
    share is one node: the later plugin's weight and time stand). Returns the nodes' names;
    for each plugin, its nodes' numbers and the number of each address it names (−1: no
    node); and each alias's node (−1: none)."""
    single = len(plugins) == 1 and (
        not len(plugins[0].node_index) or np.bincount(plugins[0].node_index).max() <= 1
    )
    if single:
        # One graph, each address one node (as SourceCred writes them): no hashing needed.
        plugin = plugins[0]
        names = plugin.addresses.arrow().take(pa.array(plugin.node_index)).to_pylist()
        local = np.full(len(plugin.addresses), -1, dtype=np.int64)
        local[plugin.node_index] = np.arange(len(names), dtype=np.int64)
        number = {name: k for k, name in enumerate(names)}
        found = np.array([number.get(key, -1) for key in aliases], dtype=np.int64)
        return names, [local[plugin.node_index]], [local], found
    # Several graphs: one dictionary encoding of every address named anywhere — the nodes
    # first, then what else the edges point to, then the aliases. Numbers from the node
    # count on are no node.
    listed = [plugin.addresses.arrow().take(pa.array(plugin.node_index)) for plugin in plugins]
    named = [plugin.addresses.arrow() for plugin in plugins]
    encoded = pc.dictionary_encode(
        pa.concat_arrays([*listed, *named, pa.array(aliases, pa.large_string())])
    )
    numbers = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    node_count = sum(len(plugin.node_index) for plugin in plugins)
    size = int(numbers[:node_count].max()) + 1 if node_count else 0
    numbers[numbers >= size] = -1
    bounds = np.cumsum(
        [0] + [len(p.node_index) for p in plugins] + [len(p.addresses) for p in plugins]
    )
    parts = [numbers[a:b] for a, b in pairwise(bounds.tolist())]
    return (
        encoded.dictionary.slice(0, size).to_pylist(),
        parts[: len(plugins)],
        parts[len(plugins) :],
        numbers[bounds[-1] :],
    )


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
