"""A SourceCred instance read by partage gives SourceCred's own cred, week by week.

The sample instance (tests/fixtures/sourcecred-test-instance) holds SourceCred 0.11.2's
inputs and its output ``credGrainView``: each participant's cred per week. partage reads the
inputs — plugin graphs, weights and their overrides, identities and aliases, the dependency's
bonus — builds its own Markov process graph and must give the same numbers.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from partage.cli.context import CliContext
from partage.cli.main import app
from partage.core.errors import InvalidInput
from partage.services.cred import compute_file

INSTANCE = Path(__file__).parents[2] / "fixtures" / "sourcecred-test-instance"


def sourcecred_view() -> dict[str, list[float]]:
    view = json.loads(zlib.decompress((INSTANCE / "output" / "credGrainView").read_bytes()))
    return {p["identity"]["name"]: p["credPerInterval"] for p in view["participants"]}


def test_every_participant_gets_sourcecreds_cred_per_week() -> None:
    result = compute_file(INSTANCE)
    expected = sourcecred_view()
    assert set(result["participants"]) == set(expected)  # keyed by identity name
    for name, weeks in expected.items():
        mine = np.array(result["participants"][name]["per_interval"])
        theirs = np.array(weeks)
        assert mine.shape == theirs.shape, name
        shown = theirs != 0
        assert np.all(mine[~shown] == 0), name
        if shown.any():
            assert np.max(np.abs(mine[shown] - theirs[shown]) / np.abs(theirs[shown])) < 1e-9
    view = json.loads(zlib.decompress((INSTANCE / "output" / "credGrainView").read_bytes()))
    assert result["interval_starts"] == [i["startTimeMs"] for i in view["intervals"]]


def test_the_command_reads_the_folder_and_leaves_it_untouched(tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in INSTANCE.rglob("*") if p.is_file()}
    context = CliContext(make_uow=lambda: None, clock=lambda: None, database_url="")  # type: ignore[arg-type, return-value]
    out = tmp_path / "cred.json"
    done = CliRunner().invoke(
        app, ["cred", "compute", str(INSTANCE), "--out", str(out)], obj=context
    )
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[1].split()[0] == "beanow"  # the most cred first
    assert json.loads(out.read_text())["participants"]["dandelion"]["cred"] == pytest.approx(
        319.0726988544602, rel=1e-9
    )
    assert {p: p.read_bytes() for p in INSTANCE.rglob("*") if p.is_file()} == before


def test_a_broken_instance_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "sourcecred.json").write_text('{"bundledPlugins": ["sourcecred/github"]}')
    with pytest.raises(InvalidInput) as err:
        compute_file(tmp_path)
    assert err.value.code == "cred.missing_file" and "github/graph" in err.value.message
    graph = tmp_path / "output" / "graphs" / "sourcecred" / "github" / "graph"
    graph.parent.mkdir(parents=True)
    graph.write_bytes(b"\x78\x9c not really zlib")
    with pytest.raises(InvalidInput) as err:
        compute_file(tmp_path)
    assert err.value.code == "cred.bad_instance" and "github/graph" in err.value.message


@pytest.mark.parametrize(
    ("file", "text", "says"),
    [
        ("data/ledger.json", '{"action": {"type": "ADD_ALIAS"}}\n', "line 1"),
        ("data/ledger.json", "not json\n", "line 1"),
        ("config/weights.json", '[{"type": "sourcecred/weights"}, {"nodeWeights": 3}]', "weight"),
        ("config/dependencies.json", '[{"id": "x"}]', "dependency"),
    ],
)
def test_a_malformed_instance_file_is_refused_naming_it(
    tmp_path: Path, file: str, text: str, says: str
) -> None:
    import shutil

    copy = tmp_path / "instance"
    shutil.copytree(INSTANCE, copy)
    (copy / file).write_text(text)
    with pytest.raises(InvalidInput) as err:
        compute_file(copy)
    assert err.value.code == "cred.bad_instance"
    assert file.split("/")[-1] in err.value.message and says in err.value.message
