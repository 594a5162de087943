"""`partage cred compute`: the graph file in, cred out; bad files exit 2 naming the thing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from partage.cli.context import CliContext
from partage.cli.main import app

DOC = Path(__file__).parents[2] / "docs" / "cred.md"
runner = CliRunner()


def cli(*args: str):  # type: ignore[no-untyped-def]
    context = CliContext(make_uow=lambda: None, clock=lambda: None, database_url="")  # type: ignore[arg-type, return-value]
    return runner.invoke(app, list(args), obj=context)


def documented_graph() -> str:
    return re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[0]


def test_the_documented_graph_gives_the_documented_cred(tmp_path: Path) -> None:
    graph = tmp_path / "graph.json"
    graph.write_text(documented_graph())
    out = tmp_path / "cred.json"
    done = cli("cred", "compute", str(graph), "--json", "--nodes", "--out", str(out))
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert json.loads(out.read_text()) == result  # the file holds what was printed
    alice, bob = result["participants"]["alice"], result["participants"]["bob"]
    # As docs/cred.md shows it: the walk's precision, not rounded figures.
    shown = json.loads(re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[1])
    assert result["participants"] == shown["participants"]
    assert result["iterations"] == shown["iterations"]
    assert alice["cred"] + bob["cred"] == pytest.approx(1 + 3, rel=1e-5)
    assert set(result["nodes"]) == {"c0", "c1", "alice", "bob"}
    people = cli("cred", "compute", str(graph))
    assert people.exit_code == 0 and people.stdout.splitlines()[1].split()[0] == "bob"
    assert not list(tmp_path.glob(".cred.json.*"))  # no temporary file left behind


def test_bad_graph_files_exit_2_naming_the_thing(tmp_path: Path) -> None:
    graph = tmp_path / "graph.json"
    graph.write_text('{"nodes": [{"id": "a"}], "edges": [{"src": "a", "dst": "zed"}]}')
    done = cli("cred", "compute", str(graph), "--json")
    assert done.exit_code == 2
    error = json.loads(done.stdout)["error"]
    assert error["code"] == "cred.unknown_node" and "graph.json" in error["message"]
    graph.write_text("{not json")
    assert cli("cred", "compute", str(graph)).exit_code == 2
    assert cli("cred", "compute", str(tmp_path / "missing.json")).exit_code == 2


def test_batch_commands_start_without_the_database_layer(tmp_path: Path) -> None:
    graph = tmp_path / "graph.json"
    graph.write_text(documented_graph())
    program = (
        "import sys; from partage.app import main\n"
        f"sys.argv = ['partage', 'cred', 'compute', {str(graph)!r}, '--json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('loaded', 'sqlalchemy' in sys.modules, 'fastapi' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout)["participants"].keys() == {"alice", "bob"}
    assert "loaded False False" in done.stderr
