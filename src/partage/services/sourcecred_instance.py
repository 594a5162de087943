"""Reading a SourceCred instance folder: its plugin graphs, weights, ledger and dependencies.

The files are read as SourceCred 0.11.2 writes them (graphs zlib-deflated or plain JSON, the
ledger as JSON lines); nothing in the folder is ever written. A missing or corrupt file is
refused naming the file.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import orjson
import pyarrow as pa

from partage.core.cred.graph import NO_TIME, CredGraph
from partage.core.cred.sourcecred import (
    Dependency,
    Identity,
    PluginGraph,
    Weights,
    day_ms,
    instance_graph,
    split_address,
)
from partage.core.errors import InvalidInput


def _refuse(path: Path, message: str, code: str = "cred.bad_instance") -> InvalidInput:
    return InvalidInput(code, f"{path}: {message}", field="path")


def _json(path: Path, *, compressed: bool = False) -> Any:
    if not path.is_file():
        raise _refuse(path, "is missing", "cred.missing_file")
    data = path.read_bytes()
    if compressed and data[:1] != b"[" and data[:1] != b"{":
        try:
            data = zlib.decompress(data)
        except zlib.error:
            raise _refuse(path, "is neither JSON nor zlib-compressed JSON") from None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise _refuse(path, f"is not valid JSON: {error}") from None


def _versioned(path: Path, document: Any, kind: str) -> Any:
    """SourceCred's ``[{"type": kind, "version": …}, body]`` files."""
    if (
        not isinstance(document, list)
        or len(document) != 2
        or not isinstance(document[0], dict)
        or document[0].get("type") != kind
    ):
        raise _refuse(path, f"is not a {kind} file")
    return document[1]


def read_weights(path: Path, body: Any) -> Weights:
    if not isinstance(body, dict):
        raise _refuse(path, "weights must be an object")
    weights = Weights()
    try:
        for joined, value in body.get("nodeWeights", {}).items():
            weights.nodes[split_address(joined, "N", str(path))] = float(value)
        for joined, value in body.get("edgeWeights", {}).items():
            pair = (float(value["forwards"]), float(value["backwards"]))
            weights.edges[split_address(joined, "E", str(path))] = pair
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise _refuse(path, f"has a malformed weight ({error!r})") from None
    return weights


class _Header(msgspec.Struct):
    type: str
    version: str


class _Node(msgspec.Struct):
    index: int
    timestampMs: int | None = None  # noqa: N815 - SourceCred's field name


class _Edge(msgspec.Struct):
    address: msgspec.Raw  # decoded later, in chunks, straight into Arrow
    srcIndex: int  # noqa: N815
    dstIndex: int  # noqa: N815
    timestampMs: int | None = None  # noqa: N815


class _Graph(msgspec.Struct):
    sortedNodeAddresses: list[msgspec.Raw]  # noqa: N815
    nodes: list[_Node]
    edges: list[_Edge]


class _Body(msgspec.Struct):
    graphJSON: tuple[_Header, _Graph]  # noqa: N815
    weightsJSON: msgspec.Raw  # noqa: N815


CHUNK = 200_000  # addresses decoded at a time: Python lists never hold them all at once
_ADDRESSES = msgspec.json.Decoder(list[list[str]])


def _addresses(raw: list[msgspec.Raw]) -> Any:
    """JSON arrays of parts as one Arrow list array, decoded a chunk at a time (each chunk
    in one call: the raw arrays joined into one JSON list)."""
    chunks = [
        pa.array(
            _ADDRESSES.decode(b"[" + b",".join(raw[i : i + CHUNK]) + b"]"),
            type=pa.list_(pa.string()),
        )
        for i in range(0, len(raw), CHUNK)
    ]
    if not chunks:
        return pa.array([], type=pa.list_(pa.string()))
    return pa.concat_arrays(chunks)


def read_plugin(path: Path) -> tuple[PluginGraph, Weights]:
    """One plugin's weighted graph, read into typed records and arrays: node descriptions
    are skipped and addresses go straight into Arrow, so that a graph of millions of edges
    is never millions of Python dictionaries."""
    if not path.is_file():
        raise _refuse(path, "is missing", "cred.missing_file")
    data = path.read_bytes()
    if data[:1] not in (b"[", b"{"):
        try:
            data = zlib.decompress(data)
        except zlib.error:
            raise _refuse(path, "is neither JSON nor zlib-compressed JSON") from None
    try:
        header, body = msgspec.json.decode(data, type=tuple[_Header, _Body])
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise _refuse(path, f"is not a SourceCred weighted graph ({error})") from None
    del data
    graph_header, graph = body.graphJSON
    if header.type != "sourcecred/weightedGraph" or graph_header.type != "sourcecred/graph":
        raise _refuse(path, "is not a sourcecred/weightedGraph file")
    try:
        plugin = PluginGraph(
            addresses=_addresses(graph.sortedNodeAddresses),
            node_index=np.array([n.index for n in graph.nodes], dtype=np.int64),
            node_time=_times([n.timestampMs for n in graph.nodes]),
            edge_addresses=_addresses([e.address for e in graph.edges]),
            edge_src=np.array([e.srcIndex for e in graph.edges], dtype=np.int64),
            edge_dst=np.array([e.dstIndex for e in graph.edges], dtype=np.int64),
            edge_time=_times([e.timestampMs for e in graph.edges]),
        )
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise _refuse(path, f"has a malformed address ({error})") from None
    top = len(plugin.addresses)
    for numbers in (plugin.node_index, plugin.edge_src, plugin.edge_dst):
        if numbers.size and (numbers.min() < 0 or numbers.max() >= top):
            raise _refuse(path, "points past its list of addresses")
    weights_document = msgspec.json.decode(body.weightsJSON)
    weights = read_weights(path, _versioned(path, weights_document, "sourcecred/weights"))
    return plugin, weights


def _times(values: list[Any]) -> Any:
    """Milliseconds, with NO_TIME where SourceCred writes null."""
    return np.array([NO_TIME if v is None else v for v in values], dtype=np.int64)


def read_identities(path: Path) -> tuple[list[Identity], list[int]]:
    """The ledger's identities with their aliases, in order of creation, and the cred times
    of its grain distributions."""
    if not path.is_file():
        raise _refuse(path, "is missing", "cred.missing_file")
    found: dict[str, dict[str, Any]] = {}
    paid_at: list[int] = []
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            _apply(orjson.loads(line)["action"], found, paid_at, str(path))
        except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
            raise _refuse(path, f"line {number} is no ledger action partage can read") from None
    identities = [
        Identity(id=key, name=v["name"], address=v["address"], aliases=tuple(v["aliases"]))
        for key, v in found.items()
    ]
    return identities, paid_at


def _apply(action: Any, found: dict[str, dict[str, Any]], paid_at: list[int], where: str) -> None:
    """One ledger action, as far as cred needs it: identities, aliases, names, payouts."""
    kind = action.get("type")
    if kind == "CREATE_IDENTITY":
        identity = action["identity"]
        found[identity["id"]] = {
            "name": identity["name"],
            "address": split_address(identity["address"], "N", where),
            "aliases": [split_address(a["address"], "N", where) for a in identity["aliases"]],
        }
    elif kind == "ADD_ALIAS":
        found[action["identityId"]]["aliases"].append(
            split_address(action["alias"]["address"], "N", where)
        )
    elif kind == "CHANGE_IDENTITY_NAME":
        found[action["identityId"]]["name"] = action["newName"]
    elif kind == "DISTRIBUTE_GRAIN" and "credTimestamp" in action["distribution"]:
        paid_at.append(int(action["distribution"]["credTimestamp"]))


def read_dependencies(path: Path) -> list[Dependency]:
    if not path.is_file():
        return []
    document = _json(path)
    if not isinstance(document, list):
        raise _refuse(path, "must be a list of dependencies")
    try:
        return [
            Dependency(
                id=d["id"],
                periods=tuple(
                    sorted(
                        (day_ms(p["startTime"], str(path)), float(p["weight"]))
                        for p in d["periods"]
                    )
                ),
            )
            for d in document
        ]
    except (KeyError, TypeError, ValueError) as error:
        raise _refuse(path, f"has a malformed dependency ({error!r})") from None


def read_instance(folder: Path) -> tuple[CredGraph, list[int]]:
    """The instance's contracted graph, ready for CredRank, and the cred times of the
    ledger's grain distributions (SourceCred's view of cred and grain covers them too)."""
    config = _json(folder / "sourcecred.json")
    plugins = config.get("bundledPlugins") if isinstance(config, dict) else None
    if not isinstance(plugins, list):
        raise _refuse(folder / "sourcecred.json", "names no bundledPlugins")
    graphs, weights = [], Weights()
    for name in plugins:
        graph, own = read_plugin(folder / "output" / "graphs" / name / "graph")
        graphs.append(graph)
        weights.update(own)
    overrides = folder / "config" / "weights.json"
    if overrides.is_file():
        weights.update(
            read_weights(overrides, _versioned(overrides, _json(overrides), "sourcecred/weights"))
        )
    attributions = folder / "config" / "personalAttributions.json"
    if attributions.is_file() and attributions.stat().st_size and _json(attributions):
        # Computing without them would give other cred than SourceCred's: refuse, do not guess.
        raise _refuse(
            attributions,
            "personal attributions are not read yet; this instance's cred would differ",
            "cred.unsupported",
        )
    identities, paid_at = read_identities(folder / "data" / "ledger.json")
    dependencies = read_dependencies(folder / "config" / "dependencies.json")
    return instance_graph(graphs, weights, identities, dependencies), paid_at
