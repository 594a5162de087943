"""Every example of docs/simulate.md runs, through the command line, and gives what it shows."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from partage.cli.context import CliContext
from partage.cli.main import app

DOC = Path(__file__).parents[1] / "docs" / "simulate.md"
BLOCK = re.compile(r"```json (spec|result)\n(.*?)```", re.S)


def examples() -> list[tuple[str, Any, Any]]:
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    pairs = []
    for (kind, spec), (kind2, expected) in zip(blocks[::2], blocks[1::2], strict=True):
        assert (kind, kind2) == ("spec", "result"), "each spec block is followed by its result"
        document = json.loads(spec, parse_float=Decimal)
        pairs.append((document["models"][0]["type"], spec, json.loads(expected)))
    return pairs


def test_every_model_has_an_example() -> None:
    from partage.core.models.registry import MODEL_NAMES

    documented = {name for name, _, _ in examples()}
    assert documented == set(MODEL_NAMES)


@pytest.mark.parametrize(
    ("model", "spec", "expected"),
    examples(),
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else "",
)
def test_example_gives_the_documented_result(
    model: str, spec: str, expected: dict[str, Any]
) -> None:
    done = CliRunner().invoke(
        app,
        ["simulate", "-"],
        input=spec,
        obj=CliContext(make_uow=lambda: None, clock=lambda: None, database_url=""),  # type: ignore[arg-type, return-value]
    )
    assert done.exit_code == 0, done.output
    [result] = json.loads(done.stdout)["results"]
    assert result["model"] == model
    for key, value in expected.items():
        assert result[key] == value, key
