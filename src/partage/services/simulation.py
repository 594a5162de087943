"""Simulate before you adopt: run allocation models side by side on a collective's data.

A spec is a JSON (or YAML) document; reading it keeps every number exact (JSON decimals are
read as ``Decimal``, never as binary floats). Nothing is stored: a simulation reads no
organization's data and writes nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import yaml

from partage.core.errors import InvalidInput
from partage.core.models.registry import as_json, simulate
from partage.core.models.spec import parse_spec

MAX_SPEC_BYTES = 50 * 1024 * 1024


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


def run(document: Any) -> dict[str, Any]:
    """``{"results": [...]}``: one result per model of the spec, in order."""
    spec = parse_spec(document)
    return {"results": [as_json(result, spec) for result in simulate(spec)]}


def run_bytes(data: bytes) -> dict[str, Any]:
    return run(read_document(data))
