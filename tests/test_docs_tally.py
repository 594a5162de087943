"""Every example of docs/tally.md runs, through the command line, and gives what it shows."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from partage.cli.context import CliContext
from partage.cli.main import app

DOC = Path(__file__).parents[1] / "docs" / "tally.md"
BLOCK = re.compile(r"```json (tally|result|error)\n(.*?)```", re.S)


def examples() -> list[tuple[str, str, str, Any]]:
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    found = []
    for (kind, document), (kind2, expected) in zip(blocks[::2], blocks[1::2], strict=True):
        assert kind == "tally" and kind2 in ("result", "error"), "a tally, then what it gives"
        found.append((kind2, document, expected))
    names = [f"{i}-{kind}" for i, (kind, _, _) in enumerate(found)]
    return [(name, *example) for name, example in zip(names, found, strict=True)]


def run(document: str) -> Any:
    def no_database() -> None:
        raise AssertionError("tally must not open the database")

    obj = CliContext(make_uow=no_database, clock=lambda: None, database_url="")  # type: ignore[arg-type, return-value]
    return CliRunner().invoke(app, ["tally", "-"], input=document, obj=obj)


def test_the_doc_has_the_issue_examples() -> None:
    text = DOC.read_text(encoding="utf-8")
    outcomes = {
        json.loads(e).get("outcome") for k, _, e in [x[1:] for x in examples()] if k == "result"
    }
    assert outcomes == {"passed", "rejected", "no_quorum", "blocked", "chosen"}
    for heading in (
        "40/25/25/10",
        "Quorum not reached",
        "tie",
        "block",
        "standing objection",
        "no expressed vote",
        "SCIC refused",
    ):
        assert heading in text, heading


@pytest.mark.parametrize(
    ("name", "kind", "document", "expected"),
    examples(),
    ids=lambda v: v if isinstance(v, str) and len(v) < 12 else "",
)
def test_example_gives_the_documented_answer(
    name: str, kind: str, document: str, expected: str
) -> None:
    done = run(document)
    wanted = json.loads(expected)
    if kind == "error":
        assert done.exit_code == 2, done.output
        assert done.stderr.strip() == f"error: {wanted['message']} ({wanted['code']})"
        return
    assert done.exit_code == 0, done.output
    answer = json.loads(done.stdout)
    for key, value in wanted.items():
        assert answer[key] == value, key
