"""Reading a SourceCred instance folder: its plugin graphs, weights, ledger, dependencies and
personal attributions.

The files are read as SourceCred 0.11.2 writes them (graphs zlib-deflated or plain JSON, the
ledger as JSON lines); nothing in the folder is ever written. A missing or corrupt file is
refused naming the file.
"""

from __future__ import annotations

import zlib
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any, Protocol

import msgspec
import numpy as np
import numpy.typing as npt
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from partage.core.cred.attribution import Attribution
from partage.core.cred.graph import NO_TIME, CredGraph
from partage.core.cred.sourcecred import (
    Addresses,
    Dependency,
    Identity,
    PluginGraph,
    Weights,
    day_ms,
    instance_graph,
    prefix_products,
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


class _Header(msgspec.Struct):
    type: str
    version: str


class _Pair(msgspec.Struct):
    forwards: float
    backwards: float


class _WeightsBody(msgspec.Struct):
    nodeWeights: dict[str, float] = {}  # noqa: N815 - SourceCred's field names
    edgeWeights: dict[str, _Pair] = {}  # noqa: N815


_WEIGHTS = msgspec.json.Decoder(tuple[_Header, _WeightsBody])


def read_weights(path: Path, data: bytes) -> Weights:
    """A ``sourcecred/weights`` document: prefix weights keyed as SourceCred writes them."""
    try:
        header, body = _WEIGHTS.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise _refuse(path, f"has a malformed weight ({error})") from None
    if header.type != "sourcecred/weights":
        raise _refuse(path, "is not a sourcecred/weights file")
    for kind, found in (("N", body.nodeWeights), ("E", body.edgeWeights)):
        keys = pa.array(list(found), pa.large_string())
        well = pc.and_(pc.starts_with(keys, kind + "\0"), pc.ends_with(keys, "\0"))
        if len(keys) and not pc.all(well).as_py():
            bad = keys.filter(pc.invert(well))[0].as_py()
            raise InvalidInput(
                "cred.bad_address", f"{path}: '{bad[:60]}' is no {kind} address", "path"
            )
    return Weights(
        nodes=body.nodeWeights,
        edges={key: (pair.forwards, pair.backwards) for key, pair in body.edgeWeights.items()},
    )


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
    weightsJSON: msgspec.Raw  # noqa: N815 - read by read_weights


CHUNK = 500_000  # addresses parsed at a time: the working arrays stay a few tens of MB
_ADDRESSES = msgspec.json.Decoder(list[list[str]])
QUOTE, COMMA, OPEN, CLOSE, BACKSLASH = b'"'[0], b","[0], b"["[0], b"]"[0], b"\\"[0]


def _addresses(raw: list[msgspec.Raw]) -> Addresses:
    """JSON arrays of parts as one buffer of NUL-joined addresses, a chunk at a time."""
    chunks = [
        _canonical(raw[i : i + CHUNK]) or _decoded(raw[i : i + CHUNK])
        for i in range(0, len(raw), CHUNK)
    ]
    return Addresses.joined(chunks) if chunks else Addresses.of([])


def _decoded(raw: list[msgspec.Raw]) -> Addresses:
    """Any JSON arrays of strings: decoded in one call (the raw arrays joined into one list)."""
    return Addresses.of(_ADDRESSES.decode(b"[" + b",".join(raw) + b"]"))  # from Python lists


def _canonical(raw: list[msgspec.Raw]) -> Addresses | None:
    """Arrays written as SourceCred writes them — ``["a","b"]``, no space, no escape — turned
    into NUL-joined addresses by array operations on their bytes; None when some is written
    otherwise (then :func:`_decoded` reads them).

    Without a backslash no string holds a quote, so every quote delimits a string, and
    ``","`` is a separator — unless a string is a lone comma, which shows as one separator
    too many for the quotes counted. Each array opens with ``["`` and closes with ``"]``:
    what is left between the quotes is the parts."""
    count = len(raw)
    lengths = np.fromiter(map(len, raw), dtype=np.int64, count=count)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    joined = b"".join(raw)
    # Byte searches in C where they do: no 60 MB temporary array (each one's pages cost).
    if not count or (lengths < 4).any() or joined.find(b"\\") >= 0:
        return None
    text = np.frombuffer(joined, dtype=np.uint8)
    if (
        (text[starts] != OPEN).any()
        or (text[starts + 1] != QUOTE).any()
        or (text[ends - 2] != QUOTE).any()
        or (text[ends - 1] != CLOSE).any()
    ):
        return None
    comma = np.equal(text[1:-1], COMMA)
    quoted = np.equal(text[:-2], QUOTE)
    comma &= quoted
    np.equal(text[2:], QUOTE, out=quoted)
    comma &= quoted
    del quoted
    separators = np.flatnonzero(comma) + 1
    del comma
    if joined.count(b'"') != 2 * (count + len(separators)):
        return None
    keep = np.ones(len(text), dtype=bool)
    for dropped in (starts, starts + 1, ends - 2, ends - 1, separators - 1, separators):
        keep[dropped] = False
    inside = np.diff(np.searchsorted(separators, ends), prepend=0)  # separators per array
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(lengths - 4 - 2 * inside, out=offsets[1:])
    first = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(inside, out=first[1:])
    # Separator g (of array e) becomes the NUL where its next part's opening quote stood,
    # less what was dropped before: 4 bytes per earlier array, 2 per earlier separator,
    # and this array's ``["`` and this separator's ``",``.
    owner = np.repeat(np.arange(count, dtype=np.int64), inside)
    nuls = separators + 1 - 4 * owner - 2 * np.arange(len(separators), dtype=np.int64) - 4
    data = text[keep]
    data[nuls] = 0
    return Addresses(data, offsets, nuls, first)


def read_plugin(
    path: Path, data: bytes | None = None, pool: Executor | None = None
) -> tuple[PluginGraph, Weights]:
    """One plugin's weighted graph, read into typed records and arrays: node descriptions
    are skipped and addresses go into one buffer, so that a graph of millions of edges is
    never millions of Python dictionaries. ``data``: the file's JSON, already read;
    ``pool``: a worker that reads the edges' addresses meanwhile."""
    if data is not None:
        return _plugin(path, data, pool)
    if not path.is_file():
        raise _refuse(path, "is missing", "cred.missing_file")
    data = path.read_bytes()
    if data[:1] not in (b"[", b"{"):
        try:
            data = zlib.decompress(data)
        except zlib.error:
            raise _refuse(path, "is neither JSON nor zlib-compressed JSON") from None
    return _plugin(path, data, pool)


def _plugin(path: Path, data: bytes, pool: Executor | None) -> tuple[PluginGraph, Weights]:
    try:
        header, body = msgspec.json.decode(data, type=tuple[_Header, _Body])
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise _refuse(path, f"is not a SourceCred weighted graph ({error})") from None
    del data
    graph_header, graph = body.graphJSON
    if header.type != "sourcecred/weightedGraph" or graph_header.type != "sourcecred/graph":
        raise _refuse(path, "is not a sourcecred/weightedGraph file")
    nodes, edges = graph.nodes, graph.edges
    edge_raw = list(map(attrgetter("address"), edges))
    # The edges' addresses are mostly array work, which lets go of the interpreter lock:
    # on a worker, they overlap the nodes' addresses and the Python-bound reading below.
    later = pool.submit(_addresses, edge_raw) if pool is not None else None
    try:
        plugin = PluginGraph(
            addresses=_addresses(graph.sortedNodeAddresses),
            node_index=_ints(nodes, "index"),
            node_time=_times(nodes),
            edge_addresses=later.result() if later is not None else _addresses(edge_raw),
            edge_src=_ints(edges, "srcIndex"),
            edge_dst=_ints(edges, "dstIndex"),
            edge_time=_times(edges),
        )
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise _refuse(path, f"has a malformed address ({error})") from None
    top = len(plugin.addresses)
    for numbers in (plugin.node_index, plugin.edge_src, plugin.edge_dst):
        if numbers.size and (numbers.min() < 0 or numbers.max() >= top):
            raise _refuse(path, "points past its list of addresses")
    return plugin, read_weights(path, bytes(body.weightsJSON))


def _ints(records: list[Any], name: str) -> npt.NDArray[np.int64]:
    return np.fromiter(map(attrgetter(name), records), dtype=np.int64, count=len(records))


def _times(records: list[Any]) -> npt.NDArray[np.int64]:
    """Milliseconds, with NO_TIME where SourceCred writes null."""
    try:
        return _ints(records, "timestampMs")
    except TypeError:  # some null: the slower way
        values = map(attrgetter("timestampMs"), records)
        return np.array([NO_TIME if v is None else v for v in values], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Ledger:
    """What cred needs from a ledger: its accounts' identities in SourceCred's order, every
    identity id ever created (a merged one names the identity it was merged into), and
    the cred times of its grain distributions."""

    identities: list[Identity]
    by_id: dict[str, Identity]
    paid_at: list[int]

    def by_name(self, name: str) -> Identity | None:
        """The account of that name now (renames followed; merged-away names are gone)."""
        return next((i for i in self.identities if i.name == name), None)


def read_identities(path: Path) -> Ledger:
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
    made: dict[int, Identity] = {}  # one per account, in the order SourceCred lists them
    for v in found.values():
        if id(v) not in made:
            made[id(v)] = Identity(
                id=v["id"], name=v["name"], address=v["address"], aliases=tuple(v["aliases"])
            )
    return Ledger(
        identities=list(made.values()),
        by_id={key: made[id(v)] for key, v in found.items()},
        paid_at=paid_at,
    )


def _apply(action: Any, found: dict[str, dict[str, Any]], paid_at: list[int], where: str) -> None:
    """One ledger action, as far as cred needs it: identities, aliases, names, merges,
    payouts. Merged identities share one record, under each of their ids, as SourceCred's
    ledger maps every merged id to the surviving account (which keeps the place of the
    earliest of those ids)."""
    kind = action.get("type")
    if kind == "CREATE_IDENTITY":
        identity = action["identity"]
        found[identity["id"]] = {
            "id": identity["id"],
            "name": identity["name"],
            "address": split_address(identity["address"], "N", where),
            "aliases": [split_address(a["address"], "N", where) for a in identity["aliases"]],
            "merged": [identity["id"]],
        }
    elif kind == "ADD_ALIAS":
        found[action["identityId"]]["aliases"].append(
            split_address(action["alias"]["address"], "N", where)
        )
    elif kind == "RENAME_IDENTITY":
        found[action["identityId"]]["name"] = action["newName"]
    elif kind == "MERGE_IDENTITIES":
        base, target = found[action["base"]], found[action["target"]]
        if base is target:
            raise ValueError("an identity merged into itself")
        # The target's aliases, then its own address, become the base's aliases.
        base["aliases"].extend([*target["aliases"], target["address"]])
        for key in target["merged"]:
            found[key] = base
        base["merged"].extend(target["merged"])
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


def _start_ms(text: Any, where: str) -> int:
    """A proportion's ``startDate``: an ISO 8601 date or time, or month/day/year.

    SourceCred hands the text to JavaScript's ``Date.parse``, which reads a date alone as
    UTC but a time without an offset, or month/day/year, in the machine's time zone; partage
    reads them as UTC, as on the UTC machines (GitHub's runners) instances ran on."""
    if isinstance(text, str):
        try:
            if "/" in text:
                moment = datetime.strptime(text.strip(), "%m/%d/%Y")
            else:
                moment = datetime.fromisoformat(text.strip())
        except ValueError:
            pass
        else:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return int(moment.timestamp() * 1000)
    raise InvalidInput(
        "cred.bad_date", f"{where}: startDate {text!r} is no date (2021-01-30)", "path"
    )


def _fields(item: Any, required: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(item, dict) or any(name not in item for name in required):
        raise InvalidInput(
            "cred.bad_instance", f"{where} must be an object with {', '.join(required)}", "path"
        )
    return item


def read_attributions(path: Path, ledger: Ledger, node_of: dict[str, int]) -> list[Attribution]:
    """``config/personalAttributions.json``: who passes which share of their cred to whom,
    from when. A participant is named by ``…ParticipantId`` when given (an identity id,
    merged ones included), else by ``…ParticipantName`` (a current identity name, as
    SourceCred looks them up). ``node_of`` gives each identity id's participant node."""
    if not path.is_file() or not path.stat().st_size:
        return []
    document = _json(path)
    if not isinstance(document, list):
        raise _refuse(path, "must be a list of personal attributions")

    def who(item: dict[str, Any], role: str, where: str) -> Identity:
        key = item.get(f"{role}ParticipantId")
        name = item.get(f"{role}ParticipantName")
        found = ledger.by_id.get(key) if key is not None else None
        if key is None and isinstance(name, str):
            found = ledger.by_name(name)
        if found is None:
            named = f"id {key}" if key is not None else f"name {name!r}"
            raise InvalidInput(
                "cred.unknown_identity",
                f"{path}: {where}: no identity with the {named} in data/ledger.json",
                "path",
            )
        return found

    attributions: list[Attribution] = []
    givers: set[str] = set()
    for i, raw in enumerate(document):
        where = f"{path}: [{i}]"
        item = _fields(raw, ("fromParticipantName", "recipients"), where)
        giver = who(item, "from", f"[{i}]")
        if giver.id in givers:
            raise InvalidInput(
                "cred.bad_attribution",
                f"{path}: [{i}]: {giver.name} has a second list of recipients",
                "path",
            )
        givers.add(giver.id)
        if not isinstance(item["recipients"], list):
            raise _refuse(path, f"[{i}].recipients must be a list")
        for j, raw_recipient in enumerate(item["recipients"]):
            at = f"[{i}].recipients[{j}]"
            recipient = _fields(
                raw_recipient, ("toParticipantName", "proportions"), f"{path}: {at}"
            )
            receiver = who(recipient, "to", at)
            if not isinstance(recipient["proportions"], list):
                raise _refuse(path, f"{at}.proportions must be a list")
            starts: list[int] = []
            values: list[float] = []
            for n, raw_proportion in enumerate(recipient["proportions"]):
                there = f"{at}.proportions[{n}]"
                entry = _fields(
                    raw_proportion, ("startDate", "decimalProportion"), f"{path}: {there}"
                )
                value = entry["decimalProportion"]
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise _refuse(path, f"{there}.decimalProportion must be a number")
                if not 0 <= value <= 1:
                    raise InvalidInput(
                        "cred.bad_attribution",
                        f"{path}: {there}.decimalProportion is {value}, outside [0, 1]",
                        "path",
                    )
                starts.append(_start_ms(entry["startDate"], f"{path}: {there}"))
                values.append(float(value))
            attributions.append(
                Attribution(
                    giver=node_of[giver.id],
                    recipient=node_of[receiver.id],
                    starts=tuple(starts),
                    proportions=tuple(values),
                )
            )
    return attributions


@dataclass(frozen=True, slots=True)
class Instance:
    graph: CredGraph  # contracted, weighted, with the dependencies' bonus
    attributions: list[Attribution]  # participants pointed at by graph node
    paid_at: list[int]  # the cred times of the ledger's grain distributions


class Inflating(Protocol):
    """Plugin graphs read and decompressed on another thread."""

    def start(self, path: Path) -> None: ...

    def take(self, path: Path) -> bytes | None:
        """The file's JSON (None: missing or corrupt), forgotten once taken."""


def read_instance(folder: Path, inflating: Inflating | None = None) -> Instance:
    """The instance's contracted graph, ready for CredRank, its personal attributions, and
    the cred times of the ledger's grain distributions (SourceCred's view of cred and grain
    covers them too).

    ``inflating`` reads and decompresses a plugin graph on another thread: the next graph is
    started while one is decoded (two at most in memory at once)."""
    config = _json(folder / "sourcecred.json")
    plugins = config.get("bundledPlugins") if isinstance(config, dict) else None
    if not isinstance(plugins, list):
        raise _refuse(folder / "sourcecred.json", "names no bundledPlugins")
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cred") as pool:
        graphs, weights = [], Weights()
        paths = [folder / "output" / "graphs" / str(name) / "graph" for name in plugins]
        for k, path in enumerate(paths):
            data = None
            if inflating is not None:
                if k + 1 < len(paths):
                    inflating.start(paths[k + 1])
                data = inflating.take(path)
            plugin, own = read_plugin(path, data, pool)
            del data
            graphs.append(plugin)
            weights.update(own)
        overrides = folder / "config" / "weights.json"
        if overrides.is_file():
            weights.update(read_weights(overrides, overrides.read_bytes()))
        # The edges' weights (Arrow's kernels, without the interpreter lock) are found on
        # the worker while the nodes are numbered and weighed.
        pairs = [
            pool.submit(prefix_products, g.edge_addresses, weights.edges, 2).result for g in graphs
        ]
        ledger = read_identities(folder / "data" / "ledger.json")
        dependencies = [
            # A dependency may name an identity merged since: SourceCred follows the merge.
            replace(d, id=ledger.by_id[d.id].id) if d.id in ledger.by_id else d
            for d in read_dependencies(folder / "config" / "dependencies.json")
        ]
        graph = instance_graph(graphs, weights, ledger.identities, dependencies, pairs)
    # The identities are the graph's participants, in the same order.
    people = np.flatnonzero(graph.participant).tolist()
    place = {identity.id: people[k] for k, identity in enumerate(ledger.identities)}
    node_of = {key: place[identity.id] for key, identity in ledger.by_id.items()}
    attributions = read_attributions(
        folder / "config" / "personalAttributions.json", ledger, node_of
    )
    return Instance(graph=graph, attributions=attributions, paid_at=ledger.paid_at)
