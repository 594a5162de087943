"""Simulate before you adopt: run allocation models side by side on a collective's data.

A spec is a JSON (or YAML) document; reading it keeps every number exact (JSON decimals are
read as ``Decimal``, never as binary floats). Nothing is stored: a simulation reads no
organization's data and writes nothing.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import yaml

from partage.core.errors import InvalidInput
from partage.core.models.registry import as_json, simulate
from partage.core.models.spec import parse_spec

MAX_SPEC_BYTES = 50 * 1024 * 1024
MAX_SECTION_BYTES = 1024 * 1024 * 1024


class _ExactLoader(yaml.SafeLoader):
    """YAML whose decimals stay exact: 12.50 is read as Decimal('12.50')."""


_ExactLoader.add_constructor(
    "tag:yaml.org,2002:float",
    lambda loader, node: Decimal(loader.construct_scalar(node)),  # type: ignore[arg-type]
)


def read_document(data: bytes) -> Any:
    """JSON, or YAML when the text is not JSON; a clear error when it is neither."""
    if len(data) > MAX_SPEC_BYTES:
        raise InvalidInput("spec.too_large", "the spec is larger than 50 MB", field="spec")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("spec.encoding", "the spec is not UTF-8 text", field="spec") from None
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as json_error:
        stripped = text.lstrip()
        if stripped.startswith(("{", "[")):
            raise InvalidInput(
                "spec.malformed",
                f"the spec is not valid JSON: {json_error.msg} (line {json_error.lineno}, "
                f"column {json_error.colno})",
                field="spec",
            ) from None
    try:
        return yaml.load(text, Loader=_ExactLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as yaml_error:
        raise InvalidInput(
            "spec.malformed", f"the spec is neither JSON nor YAML: {yaml_error}", field="spec"
        ) from None


def _no_constant(name: str) -> Any:
    raise InvalidInput("spec.not_a_number", f"{name} is not a number", field="spec")


def run(document: Any, *, base: Path | None = None) -> dict[str, Any]:
    """``{"results": [...]}``: one result per model of the spec, in order.

    With ``base`` (the spec's folder), a large section may be given as a file name instead of
    its content: CSV with a header row, or JSON lines (``.jsonl``, ``.ndjson``).
    """
    columns: dict[str, Any] = {}
    if isinstance(document, dict):
        document = dict(document)
        for section in FILE_SECTIONS:
            name = document.get(section)
            if not isinstance(name, str):
                continue
            if base is None:
                raise InvalidInput(
                    "spec.file_section",
                    f"{section}: a section given as a file name needs the spec to be a file "
                    "(partage simulate spec.json), not stdin or an HTTP body",
                    field=section,
                )
            path = base / name
            if section in COLUMN_SECTIONS:
                # Read as columns straight away: a million rows never become a million dicts.
                columns[section] = read_columns(path, section)
                del document[section]
            else:
                document[section] = [_typed(section, row) for row in read_rows(path, section)]
    spec = parse_spec(
        document,
        contribution_columns=columns.get("contributions"),
        score_columns=columns.get("scores"),
        paid_columns=columns.get("paid"),
    )
    return {"results": [as_json(result, spec) for result in simulate(spec)]}


def run_bytes(data: bytes) -> dict[str, Any]:
    return run(read_document(data))


def run_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InvalidInput("spec.no_file", f"no file {path}", field="spec")
    return run(read_document(path.read_bytes()), base=path.parent)


FILE_SECTIONS = ("contributions", "gifts", "funding", "claims", "scores", "paid")
# Sections read as columns of text; the others as rows.
COLUMN_SECTIONS = ("contributions", "scores", "paid")
JSON_LINES = (".jsonl", ".ndjson")


def read_rows(path: Path, section: str) -> list[dict[str, Any]]:
    """The rows of a section file: CSV (header row) or JSON lines, exact decimals kept."""
    _check_file(path, section)
    if path.suffix.lower() in JSON_LINES:
        rows = []
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line, parse_float=Decimal, parse_constant=_no_constant)
                except json.JSONDecodeError as error:
                    raise InvalidInput(
                        "spec.malformed",
                        f"{section}: line {number} of {path.name}: {error.msg}",
                        field=section,
                    ) from None
                if not isinstance(row, dict):
                    raise InvalidInput(
                        "spec.not_an_object", f"{section}: line {number} is not an object", section
                    )
                rows.append(row)
        return rows
    if path.suffix.lower() != ".csv":
        raise InvalidInput(
            "spec.file_kind",
            f"{section}: {path.name} should end in .csv, .jsonl or .ndjson",
            section,
        )
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise InvalidInput("spec.empty", f"{section}: {path.name} has no header row", section)
        names = [h.strip() for h in header]
        out = []
        for number, cells in enumerate(reader, start=2):
            if len(cells) != len(names):
                raise InvalidInput(
                    "spec.malformed",
                    f"{section}: line {number} of {path.name} has {len(cells)} cells, "
                    f"the header {len(names)}",
                    field=section,
                )
            out.append(dict(zip(names, cells, strict=True)))
        return out


def read_columns(path: Path, section: str) -> dict[str, Any]:
    """A section file as columns of text: CSV read by Arrow, or JSON lines.

    Scores in JSON lines are ``{"recipient": ..., "scores": [...]}``; as columns they become
    ``recipient`` and one column per interval, as in a CSV file.
    """
    if path.suffix.lower() == ".csv":
        return read_csv_columns(path, section)
    rows = read_rows(path, section)
    if section != "scores":
        return _columns(rows)
    return _score_columns(rows, section)


def read_csv_columns(path: Path, section: str) -> dict[str, Any]:
    """A CSV section as Arrow columns of text, checked for its shape."""
    _check_file(path, section)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        raise InvalidInput("spec.empty", f"{section}: {path.name} has no header row", section)
    names = [h.strip() for h in header]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise InvalidInput(
            "spec.malformed", f"{section}: {path.name} names the column '{twice}' twice", section
        )
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(skip_rows=1, column_names=names),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        raise InvalidInput(
            "spec.malformed", f"{section}: {path.name} is not well-formed CSV: {error}", section
        ) from None
    return {name: table.column(name) for name in names}


def _score_columns(rows: list[dict[str, Any]], section: str) -> dict[str, Any]:
    recipients: list[Any] = []
    series: list[list[Any]] = []
    for number, row in enumerate(rows):
        values = row.get("scores")
        if set(row) != {"recipient", "scores"} or not isinstance(values, list):
            raise InvalidInput(
                "spec.malformed",
                f'{section}: line {number + 1} should be {{"recipient": ..., "scores": [...]}}',
                section,
            )
        if series and len(values) != len(series[0]):
            raise InvalidInput(
                "spec.ragged_scores",
                f"{section}: every recipient needs the same number of intervals "
                f"(line {number + 1})",
                section,
            )
        recipients.append(row["recipient"])
        series.append(values)
    intervals = len(series[0]) if series else 0
    found: dict[str, Any] = {"recipient": [None if r is None else str(r) for r in recipients]}
    for j in range(intervals):
        found[str(j + 1)] = [_cell_text(s[j]) for s in series]
    return found


def _cell_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _check_file(path: Path, section: str) -> None:
    if not path.is_file():
        raise InvalidInput("spec.no_file", f"{section}: no file {path.name}", field=section)
    if path.stat().st_size > MAX_SECTION_BYTES:
        raise InvalidInput("spec.too_large", f"{section}: {path.name} is larger than 1 GB", section)


def _columns(rows: list[dict[str, Any]]) -> dict[str, list[str | None]]:
    """Rows of JSON lines as columns of text (a missing field is an empty cell)."""
    names: dict[str, None] = {}
    for row in rows[:1]:
        names.update(dict.fromkeys(row))
    for row in rows:
        if row.keys() != names.keys():
            names.update(dict.fromkeys(row))
    return {
        name: [None if (v := row.get(name)) is None else str(v) for row in rows] for name in names
    }


def _typed(section: str, row: dict[str, Any]) -> dict[str, Any]:
    """Points are whole numbers: in a CSV file they arrive as text."""
    if (
        section == "gifts"
        and isinstance(row.get("points"), str)
        and row["points"].strip().isdigit()
    ):
        return {**row, "points": int(row["points"])}
    return row
