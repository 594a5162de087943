"""`partage scheduler run`: one pass by default, or a pass every N seconds until interrupted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from partage.cli import scheduler_commands
from partage.cli.context import CliContext
from partage.cli.main import app
from partage.services.context import UnitOfWorkFactory
from tests.conftest import Community, FakeClock
from tests.services.test_governance import cast, propose

runner = CliRunner()


@pytest.fixture
def run(uow: UnitOfWorkFactory, clock: FakeClock, db_url: str) -> Any:
    def invoke(*args: str) -> Any:
        return runner.invoke(
            app,
            ["scheduler", "run", *args],
            obj=CliContext(make_uow=lambda: uow, clock=clock, database_url=db_url),
        )

    return invoke


def test_one_pass_counts_what_is_due_and_says_so(run: Any, community: Community) -> None:
    c = community
    pid = propose(c, c.bruno, days=1, action={"kind": "set_public_page", "public": True})
    cast(c, c.bruno, pid, "agree")
    early = run()
    assert early.exit_code == 0, early.output
    assert "nothing was due" in early.output
    c.clock.advance(days=1)
    done = run("--json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["totals"] == {
        "proposals_closed": 1,
        "roles_ended": 0,
        "subscriptions_charged": 0,
    }
    assert report["organizations"] == [
        {
            "organization": "tiers-lieux",
            "counts": {"proposals_closed": 1},
            "done": {"proposals_closed": [pid]},
            "refused": [],
        }
    ]
    assert c.actor(c.admin).organization.public_page
    assert json.loads(run("--json").stdout)["organizations"] == []


def test_every_runs_a_pass_each_period_until_interrupted(
    run: Any, community: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = community
    first = propose(c, c.bruno, days=1, title="Premier")
    second = propose(c, c.bruno, days=2, title="Second")
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        # The fake clock stands for the time the process sleeps; the third sleep is Ctrl-C.
        slept.append(seconds)
        if len(slept) == 3:
            raise KeyboardInterrupt
        c.clock.advance(days=1)

    monkeypatch.setattr(scheduler_commands.time, "sleep", sleep)
    done = run("--every", "86400", "--json")
    assert done.exit_code == 0, done.output
    passes = [json.loads(line) for line in done.stdout.splitlines()]
    assert [p["totals"]["proposals_closed"] for p in passes] == [0, 1, 1]
    assert [p["organizations"][0]["done"] for p in passes[1:]] == [
        {"proposals_closed": [first]},
        {"proposals_closed": [second]},
    ]
    assert slept == [86400, 86400, 86400]
    assert "scheduler stopped" in done.stderr


def test_a_period_out_of_range_is_refused(run: Any, community: Community) -> None:
    refused = run("--every", "0")
    assert refused.exit_code == 3
    assert "--every is a number of seconds from 1 to 86400" in refused.stderr
