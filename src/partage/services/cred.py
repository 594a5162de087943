"""Cred of a contribution graph file: read it, score it with CredRank, publish the result.

A partage graph file is one JSON document (docs/cred.md): nodes, edges, optional parameters
and intervals. Every mistake is refused with the file and the thing named (an edge to an
unknown node, a negative weight, a parameter outside [0, 1]…); nothing is written but the
output the caller asks for, atomically.

The numerical libraries load when first needed, not with this module: a SourceCred instance's
graphs start decompressing (zlib lets go of the interpreter lock) while they load.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import zlib
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from partage.core.errors import InvalidInput

if TYPE_CHECKING:
    import numpy as np

    from partage.core.cred.credrank import Cred
    from partage.core.cred.graph import CredGraph, Params

NO_TIME = -(2**63)  # partage.core.cred.graph.NO_TIME, without loading numpy to know it
WEEK_MS = 7 * 24 * 3600 * 1000

NODE_FIELDS = {"id", "timestamp_ms", "weight", "participant"}
EDGE_FIELDS = {"id", "src", "dst", "timestamp_ms", "forward", "backward"}
ROOT_FIELDS = {"nodes", "edges", "params", "interval_starts", "interval_end"}
PARAMS = ("alpha", "beta", "gamma_forward", "gamma_backward")


def _refuse(where: str, message: str, code: str = "cred.bad_graph") -> InvalidInput:
    return InvalidInput(code, f"{where}: {message}", field=where)


LATEST_MS = 2**53  # far beyond any real time, and exact in a JavaScript number


def _number(value: Any, where: str, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refuse(where, "must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise _refuse(where, "must be a finite number")
    return number


def _time(value: Any, where: str) -> int:
    if value is None:
        return int(NO_TIME)
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole or not -LATEST_MS <= value <= LATEST_MS:
        raise _refuse(where, "must be a whole number of milliseconds")
    return int(value)


def _objects(root: Mapping[str, Any], key: str, fields: set[str]) -> Sequence[Mapping[str, Any]]:
    found = root.get(key, [])
    if not isinstance(found, list):
        raise _refuse(key, "must be a list")
    for i, item in enumerate(found):
        if not isinstance(item, dict):
            raise _refuse(f"{key}[{i}]", "must be an object")
        unknown = sorted(set(item) - fields)
        if unknown:
            raise _refuse(f"{key}[{i}].{unknown[0]}", "is not a known field")
    return found


def parse_graph(document: Any) -> tuple[CredGraph, Params, np.ndarray | None, int | None]:
    """A graph document → the graph, its parameters and its intervals (None: weekly)."""
    import numpy as np

    from partage.core.cred.graph import CredGraph, Params

    if not isinstance(document, dict):
        raise _refuse("graph", "must be a JSON object")
    unknown = sorted(set(document) - ROOT_FIELDS)
    if unknown:
        raise _refuse(unknown[0], "is not a known field")
    nodes = _objects(document, "nodes", NODE_FIELDS)
    edges = _objects(document, "edges", EDGE_FIELDS)
    ids: list[str] = []
    index: dict[str, int] = {}
    for i, node in enumerate(nodes):
        name = node.get("id")
        if not isinstance(name, str) or not name:
            raise _refuse(f"nodes[{i}].id", "must be a non-empty text")
        if name in index:
            raise _refuse(f"nodes[{i}].id", f"'{name}' names a second node", "cred.duplicate")
        index[name] = i
        ids.append(name)
        if not isinstance(node.get("participant", False), bool):
            raise _refuse(f"nodes[{i}].participant", "must be true or false")

    def endpoint(edge: Mapping[str, Any], i: int, key: str) -> int:
        name = edge.get(key)
        if not isinstance(name, str) or name not in index:
            raise _refuse(
                f"edges[{i}].{key}", f"'{name}' is no node of the graph", "cred.unknown_node"
            )
        return index[name]

    graph = CredGraph(
        ids=ids,
        weight=np.array(
            [_number(n.get("weight"), f"nodes[{i}].weight", 1.0) for i, n in enumerate(nodes)],
            dtype=np.float64,
        ),
        participant=np.array([bool(n.get("participant", False)) for n in nodes], dtype=bool),
        node_time=np.array(
            [_time(n.get("timestamp_ms"), f"nodes[{i}].timestamp_ms") for i, n in enumerate(nodes)],
            dtype=np.int64,
        ),
        src=np.array([endpoint(e, i, "src") for i, e in enumerate(edges)], dtype=np.int64),
        dst=np.array([endpoint(e, i, "dst") for i, e in enumerate(edges)], dtype=np.int64),
        edge_time=np.array(
            [_time(e.get("timestamp_ms"), f"edges[{i}].timestamp_ms") for i, e in enumerate(edges)],
            dtype=np.int64,
        ),
        forward=np.array(
            [_number(e.get("forward"), f"edges[{i}].forward", 1.0) for i, e in enumerate(edges)],
            dtype=np.float64,
        ),
        backward=np.array(
            [_number(e.get("backward"), f"edges[{i}].backward", 1.0) for i, e in enumerate(edges)],
            dtype=np.float64,
        ),
        edge_ids=[str(e.get("id") or f"edges[{i}]") for i, e in enumerate(edges)],
    )
    raw = document.get("params", {})
    if not isinstance(raw, dict) or set(raw) - set(PARAMS):
        raise _refuse("params", f"is an object of {', '.join(PARAMS)}")
    defaults = Params()
    params = Params(
        **{
            name: _number(raw.get(name), f"params.{name}", getattr(defaults, name))
            for name in PARAMS
        }
    )
    starts, end = _intervals(document)
    return graph, params, starts, end


def _intervals(document: Mapping[str, Any]) -> tuple[np.ndarray | None, int | None]:
    import numpy as np

    raw = document.get("interval_starts")
    if raw is None:
        if document.get("interval_end") is not None:
            raise _refuse("interval_end", "needs interval_starts")
        return None, None
    if not isinstance(raw, list) or not raw:
        raise _refuse("interval_starts", "must be a non-empty list of times (ms)")
    starts = np.array([_time(v, f"interval_starts[{i}]") for i, v in enumerate(raw)], np.int64)
    if (np.diff(starts) <= 0).any():
        raise _refuse("interval_starts", "must increase")
    end = document.get("interval_end")
    last = int(starts[-1]) + WEEK_MS if end is None else _time(end, "interval_end")
    if last <= int(starts[-1]):
        raise _refuse("interval_end", "must come after the last interval start")
    return starts, last


def score(document: Any) -> tuple[Cred, Params, CredGraph]:
    import numpy as np

    from partage.core.cred.credrank import credrank
    from partage.core.cred.graph import weekly_starts

    graph, params, starts, end = parse_graph(document)
    if starts is None or end is None:
        starts, end = weekly_starts(np.concatenate([graph.node_time, graph.edge_time]))
    return credrank(graph, params, starts, end), params, graph


def published(cred: Cred, params: Params, *, nodes: bool, ids: Sequence[str]) -> dict[str, Any]:
    """The result as JSON: intervals, each participant's cred (total and per interval)."""
    totals = cred.totals()
    body: dict[str, Any] = {
        "interval_starts": cred.interval_starts.tolist(),
        "participants": {
            name: {"cred": float(totals[i]), "per_interval": cred.per_interval[i].tolist()}
            for i, name in enumerate(cred.participants)
        },
        "params": {name: getattr(params, name) for name in PARAMS},
        "iterations": cred.steps,
    }
    if nodes:
        body["nodes"] = dict(zip(ids, cred.node_scores.tolist(), strict=True))
    return body


MAX_GRAPH_BYTES = 50 * 1024 * 1024  # over HTTP; a file on disk may be larger


def compute_bytes(data: bytes, *, nodes: bool = False) -> dict[str, Any]:
    """Cred of a graph document sent as bytes (the API's body)."""
    if len(data) > MAX_GRAPH_BYTES:
        raise InvalidInput("cred.too_large", "the graph is larger than 50 MB", field="graph")
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise InvalidInput("cred.malformed", f"not valid JSON: {error}", "graph") from None
    found, params, graph = score(document)
    return published(found, params, nodes=nodes, ids=graph.ids)


def read_graph_file(path: Path) -> Any:
    if not path.is_file():
        raise InvalidInput("cred.no_file", f"no file {path}", field="path")
    try:
        return orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as error:
        raise InvalidInput(
            "cred.malformed", f"{path.name}: not valid JSON: {error}", "path"
        ) from None


def compute_file(path: Path, *, nodes: bool = False) -> dict[str, Any]:
    """Cred of a partage graph file, or of a SourceCred instance folder."""
    if path.is_dir():
        return compute_instance(path, nodes=nodes)
    document = read_graph_file(path)
    try:
        cred, params, graph = score(document)
    except InvalidInput as error:
        raise InvalidInput(error.code, f"{path.name}: {error.message}", error.field) from None
    return published(cred, params, nodes=nodes, ids=graph.ids)


def compute_instance(folder: Path, *, nodes: bool = False) -> dict[str, Any]:
    """Cred of a SourceCred instance, participants keyed by their identity's name.

    The weeks are those of SourceCred's ``credGrainView``: the graph's, extended to cover
    the cred times of the ledger's grain distributions (weeks that hold no cred), so that
    the arrays line up with what the instance's users know."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="inflate") as pool:
        inflating = _Inflating(pool)
        first = _first_graph(folder)
        if first is not None:
            inflating.start(first)
        # Loads numpy, scipy, Arrow and msgspec while the first graph decompresses.
        import numpy as np

        from partage.core.cred.credrank import credrank
        from partage.core.cred.graph import Params, weekly_starts
        from partage.services.sourcecred_instance import read_instance

        instance = read_instance(folder, inflating)
    graph, paid_at = instance.graph, instance.paid_at
    params = Params()
    times = np.concatenate([graph.node_time, graph.edge_time])
    starts, end = weekly_starts(times)
    cred = credrank(
        graph,
        params,
        starts,
        end,
        instance.attributions,
        str(folder / "config" / "personalAttributions.json"),
    )
    body = published(cred, params, nodes=nodes, ids=graph.ids)
    shown, _ = weekly_starts(np.concatenate([times, np.array(paid_at, dtype=np.int64)]))
    before = int(np.searchsorted(shown, starts[0]))
    after = len(shown) - before - len(starts)
    body["interval_starts"] = shown.tolist()
    for person in body["participants"].values():
        person["per_interval"] = [0.0] * before + person["per_interval"] + [0.0] * after
    return body


class _Inflating:
    """Plugin graphs read and decompressed on a worker thread, each once. A graph's result is
    its JSON bytes, or None when the file is missing or corrupt — the reader then reads it
    itself, and says what is wrong."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self.pool = pool
        self.started: dict[Path, Future[bytes | None]] = {}

    def start(self, path: Path) -> None:
        if path not in self.started:
            self.started[path] = self.pool.submit(_inflated, path)

    def take(self, path: Path) -> bytes | None:
        self.start(path)
        return self.started.pop(path).result()  # not kept: a graph is hundreds of MB


def _inflated(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
        return data if data[:1] in (b"[", b"{") else zlib.decompress(data)
    except (OSError, zlib.error):
        return None


def _first_graph(folder: Path) -> Path | None:
    """The first plugin graph ``sourcecred.json`` names, if it reads (else the reader says
    why)."""
    try:
        plugins = json.loads((folder / "sourcecred.json").read_bytes())["bundledPlugins"]
        return folder / "output" / "graphs" / str(plugins[0]) / "graph"
    except (OSError, ValueError, LookupError, TypeError):
        return None


def write_atomically(path: Path, data: bytes) -> None:
    """Write a whole file or nothing: a temporary file beside it, then a rename."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
