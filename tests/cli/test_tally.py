"""`partage tally`: a file or stdin, JSON by default, a table for people, exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from partage.cli import batch
from partage.cli.context import CliContext
from partage.cli.main import app

runner = CliRunner()

ASSEMBLY: dict[str, Any] = {
    "method": "college_vote",
    "threshold": "majority",
    "legal_form": "scic",
    "quorum": "0.5",
    "colleges": [
        {"name": "workers", "weight": "40", "members": ["ana", "ben", "carla"]},
        {"name": "users", "weight": "25", "members": ["eve", "fred"]},
        {"name": "partners", "weight": "25", "members": ["ivo"]},
        {"name": "supporters", "weight": "10", "members": 20,
         "counts": {"agree": 3, "disagree": 1, "abstain": 1}},
    ],
    "votes": [
        {"voter": "ana", "choice": "agree"},
        {"voter": "ben", "choice": "disagree"},
        {"voter": "carla", "choice": "abstain"},
        {"voter": "eve", "choice": "disagree"},
        {"voter": "ivo", "choice": "abstain"},
    ],
}  # fmt: skip


def invoke(*args: str, stdin: str | None = None) -> Any:
    def no_database() -> None:
        raise AssertionError("tally must not open the database")

    obj = CliContext(make_uow=no_database, clock=lambda: None, database_url="")  # type: ignore[arg-type, return-value]
    return runner.invoke(app, list(args), obj=obj, input=stdin)


def test_a_file_and_stdin_give_the_same_json(tmp_path: Path) -> None:
    path = tmp_path / "assembly.json"
    path.write_text(json.dumps(ASSEMBLY))
    from_file = invoke("tally", str(path))
    assert from_file.exit_code == 0, from_file.output
    answer = json.loads(from_file.stdout)
    # Partners all abstained: left out. (40 × 1/2 + 25 × 0 + 10 × 3/4) / 75 = 27.5 / 75 = 11/30.
    assert answer["result_exact"] == "11/30"
    assert answer["result"] == "0.366667"
    # Voters 3 + 1 + 1 + 5 = 10 of 3 + 2 + 1 + 20 = 26 members: below the 0.5 quorum.
    assert (answer["outcome"], answer["turnout"]) == ("no_quorum", "0.384615")
    assert answer["colleges"]["partners"]["share"] is None
    from_stdin = invoke("tally", "-", stdin=json.dumps(ASSEMBLY))
    assert json.loads(from_stdin.stdout) == answer


def test_yaml_is_read_too() -> None:
    document = """
method: vote
threshold: two_thirds
members: [ana, ben, carla]
votes:
  - {voter: ana, choice: agree}
  - {voter: ben, choice: agree}
  - {voter: carla, choice: disagree}
"""
    done = invoke("tally", "-", stdin=document)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["outcome"] == "passed"


def test_the_table_says_the_outcome_in_words_with_a_line_per_college() -> None:
    without_quorum = {k: v for k, v in ASSEMBLY.items() if k != "quorum"}
    shown = invoke("tally", "-", "--format", "table", stdin=json.dumps(without_quorum))
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0] == "Vote by colleges — majority (more than half): REJECTED"
    assert lines[1].split() == ["result", "0.366667", "turnout", "0.384615", "(10", "of", "26)"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[5:9]}
    # weight, counts for %, members, voters, agree, disagree, abstain, block, agree share
    assert rows["workers"] == ["40", "53.333333", "3", "3", "1", "1", "1", "0", "0.500000"]
    assert rows["partners"] == ["25", "0.000000", "1", "1", "0", "0", "1", "0", "—"]
    assert rows["supporters"][-1] == "0.750000"
    assert lines[-1] == "partners: no expressed vote: left out, the other weights rescaled"


def test_the_table_in_french() -> None:
    consent = {
        "method": "consent",
        "quorum": "0.5",
        "members": ["ana", "ben"],
        "objections": [{"by": "ben"}],
    }
    shown = invoke("tally", "-", "--format", "table", "--lang", "fr", stdin=json.dumps(consent))
    lines = shown.stdout.splitlines()
    assert lines[0] == "Consentement\u202f: REJETÉE (objections maintenues\u202f: ben)"
    assert lines[1].endswith("quorum 0.5\u202f: atteint")
    assert lines[3].split() == ["collège", "membres", "votants", "pour", "contre", "abstention",
                                "blocage", "part", "de", "pour"]  # fmt: skip


def test_a_block_is_named_in_the_table() -> None:
    vote = {
        "method": "vote",
        "members": ["ana", "ben"],
        "votes": [{"voter": "ana", "choice": "agree"}, {"voter": "ben", "choice": "block"}],
    }
    shown = invoke("tally", "-", "--format", "table", stdin=json.dumps(vote))
    assert (
        shown.stdout.splitlines()[0] == "Vote — majority (more than half): BLOCKED (blocked by ben)"
    )


def test_bad_input_exits_2_naming_the_rule() -> None:
    weights_given = ["55", "15", "15", "15"]
    heavy = [{**c, "weight": w} for c, w in zip(ASSEMBLY["colleges"], weights_given, strict=True)]
    weights = {**ASSEMBLY, "colleges": heavy}
    bad = invoke("tally", "-", stdin=json.dumps(weights))
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: in a SCIC each college weighs between 10 % and 50 %")
    assert bad.stderr.rstrip().endswith("(tally.scic_weight)")
    assert bad.stdout == ""
    intruder = {**ASSEMBLY, "votes": [{"voter": "zoe", "choice": "agree"}]}
    bad = invoke("tally", "-", stdin=json.dumps(intruder))
    assert (bad.exit_code, bad.stderr) == (
        2,
        "error: 'zoe' votes but is not among the members (tally.unknown_voter)\n",
    )
    broken = invoke("tally", "-", stdin='{"method": "vote",')
    assert broken.exit_code == 2
    assert "the tally document is not valid JSON" in broken.stderr
    assert "(tally.malformed)" in broken.stderr


def test_a_missing_file_and_bad_options_exit_2(tmp_path: Path) -> None:
    missing = invoke("tally", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2
    assert "cannot read" in missing.stderr and "(tally.unreadable)" in missing.stderr
    assert invoke("tally", "-", "--format", "csv", stdin="{}").exit_code == 2
    assert invoke("tally", "-", "--lang", "de", stdin="{}").exit_code == 2


def test_the_batch_program_runs_it_without_the_database() -> None:
    assert batch.handles(["tally", "assembly.json"])
    done = runner.invoke(batch.program("tally"), ["tally", "-"], input=json.dumps(ASSEMBLY))
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["result_exact"] == "11/30"


def test_a_score_table_lists_the_options_and_each_colleges_mean() -> None:
    document = {
        "method": "score",
        "options": ["garden", "workshop"],
        "colleges": [
            {"name": "residents", "weight": "60", "members": ["ana", "ben"]},
            {"name": "neighbours", "weight": "40", "members": ["dan"]},
        ],
        "votes": [
            {"voter": "ana", "scores": {"garden": 5, "workshop": 2}},
            {"voter": "ben", "scores": {"garden": 4}},
            {"voter": "dan", "scores": {"garden": 1, "workshop": 5}},
        ],
    }
    shown = invoke("tally", "-", "--format", "table", "--lang", "fr", stdin=json.dumps(document))
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    # garden 0.6 × 4.5 + 0.4 × 1 = 3.1; workshop 0.6 × 2 + 0.4 × 5 = 3.2.
    assert lines[0] == "Vote par notes\u202f: RETENUE — workshop"
    assert lines[3].split() == ["option", "note", "(0–5)", "notée", "par", "residents", "(60",
                                "%)", "neighbours", "(40", "%)"]  # fmt: skip
    assert lines[5].split() == ["garden", "3.100000", "3", "4.500000", "1.000000"]
    assert lines[6].split() == ["workshop", "3.200000", "2", "2.000000", "5.000000"]
