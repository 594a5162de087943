"""`partage import git PATH --org SLUG`: an admin brings a repository's history in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from partage.cli.context import CliContext
from partage.cli.main import app
from tests.conftest import Community
from tests.services.git_repo import GitRepo

runner = CliRunner()


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "site")
    r.commit(
        "Bruno",
        "bruno@tiers-lieux.example",
        "2026-01-05T10:00:00Z",
        "Start",
        {"index.html": "<h1>hi</h1>"},
    )
    r.commit(
        "Noé",
        "noe@example.org",
        "2026-01-06T10:00:00Z",
        "Style it\n\nCo-authored-by: Chloé <chloe@tiers-lieux.example>",
        {"style.css": "h1{}"},
    )
    return r


def run(community: Community, db_url: str, *args: str, who: str = "aicha") -> Result:
    return runner.invoke(
        app,
        ["--as", f"{who}@tiers-lieux.example", "import", "git", *args],
        obj=CliContext(make_uow=lambda: community.uow, clock=community.clock, database_url=db_url),
    )


def test_an_import_prints_what_it_read_and_did(
    community: Community, repo: GitRepo, db_url: str
) -> None:
    done = run(community, db_url, str(repo.path), "--org", "tiers-lieux")
    assert done.exit_code == 0, done.output
    assert "2 commit(s) read" in done.stdout
    assert "2 commit(s) imported: added 3 contribution(s), linked to 2 file(s)" in done.stdout
    assert "members matched: 2" in done.stdout
    assert "members added: 1" in done.stdout and "Noé <noe@example.org>" in done.stdout

    again = run(community, db_url, str(repo.path), "--org", "tiers-lieux", "--json")
    report = json.loads(again.stdout)
    assert again.exit_code == 0
    assert report["contributions_added"] == 0 and report["already_imported"] == 2
    assert report["members_added"] == []


def test_dry_run_and_no_new_members(community: Community, repo: GitRepo, db_url: str) -> None:
    dry = run(
        community, db_url, str(repo.path), "--org", "tiers-lieux", "--dry-run", "--no-new-members"
    )
    assert dry.exit_code == 0, dry.output
    assert "would add 2 contribution(s)" in dry.stdout
    assert "authors skipped (no member): 1" in dry.stdout and "Noé" in dry.stdout
    assert "dry run: nothing was written" in dry.stdout
    listed = runner.invoke(
        app,
        ["--as", "aicha@tiers-lieux.example", "contribution", "list", "tiers-lieux", "--json"],
        obj=CliContext(make_uow=lambda: community.uow, clock=community.clock, database_url=db_url),
    )
    assert json.loads(listed.stdout) == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["{tmp}/nowhere"], "is not a directory"),
        (["{tmp}"], "is not a git repository"),
        (["{repo}", "--branch", "nope"], "has no branch or commit 'nope'"),
        (["{repo}", "--since", "yesterday"], "since must be a date"),
    ],
)
def test_bad_input_exits_2_naming_it(
    community: Community, repo: GitRepo, db_url: str, tmp_path: Path, args: list[str], says: str
) -> None:
    filled = [a.format(tmp=tmp_path, repo=repo.path) for a in args]
    done = run(community, db_url, *filled, "--org", "tiers-lieux")
    assert done.exit_code == 2
    assert says in done.stderr
    as_json = run(community, db_url, *filled, "--org", "tiers-lieux", "--json")
    assert as_json.exit_code == 2 and says in json.loads(as_json.stdout)["error"]["message"]


def test_a_member_who_is_not_admin_is_refused(
    community: Community, repo: GitRepo, db_url: str
) -> None:
    done = run(community, db_url, str(repo.path), "--org", "tiers-lieux", who="bruno")
    assert done.exit_code == 5 and "admin" in done.stderr
