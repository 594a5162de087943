"""`partage simulate`: JSON by default, a table for people, exit 2 for a bad spec."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from partage.cli.context import CliContext
from partage.cli.main import app

runner = CliRunner()
SPEC = {
    "currency": "EUR",
    "budget": "1000.00",
    "claims": [
        {"recipient": "alice", "amount": "700", "accepted_at": "2026-05-01T10:00:00Z"},
        {"recipient": "bob", "amount": "500", "accepted_at": "2026-05-02T10:00:00Z"},
    ],
    "models": [
        {"type": "contributive_round", "policy": "pro_rata"},
        {"type": "contributive_round", "policy": "in_order"},
    ],
}


def invoke(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    # simulate touches no database: the context's factory must never be called.
    def no_database():  # type: ignore[no-untyped-def]
        raise AssertionError("simulate must not open the database")

    obj = CliContext(make_uow=no_database, clock=lambda: None, database_url="")  # type: ignore[arg-type, return-value]
    return runner.invoke(app, list(args), obj=obj, input=stdin)


def test_simulate_a_file_and_stdin(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC))
    from_file = invoke("simulate", str(path))
    assert from_file.exit_code == 0, from_file.output
    results = json.loads(from_file.stdout)["results"]
    assert results[0]["allocations"] == {"alice": "583.33", "bob": "416.67"}
    assert results[1]["allocations"] == {"alice": "700.00", "bob": "300.00"}
    from_stdin = invoke("simulate", "-", stdin=json.dumps(SPEC))
    assert json.loads(from_stdin.stdout) == json.loads(from_file.stdout)


def test_the_table_is_for_people(tmp_path: Path) -> None:
    shown = invoke("simulate", "-", "--format", "table", stdin=json.dumps(SPEC))
    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    assert lines[0] == "budget 1000.00 EUR"
    assert lines[3].split() == ["alice", "583.33", "700.00"]
    assert any(line.startswith("gini") for line in lines)


def test_a_bad_spec_exits_2_naming_the_field() -> None:
    bad = invoke("simulate", "-", stdin=json.dumps({**SPEC, "budget": "ten"}))
    assert bad.exit_code == 2
    assert json.loads(bad.stdout)["error"]["field"] == "budget"
    assert invoke("simulate", "/no/such/file").exit_code == 2
    assert invoke("simulate", "-", "--format", "xml", stdin="{}").exit_code == 2
