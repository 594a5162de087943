"""`partage subscriptions …`: a licence plan, subscribers, and charging what is due."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from partage.cli.context import CliContext
from partage.cli.main import app
from partage.services.context import UnitOfWorkFactory
from tests.conftest import Community, FakeClock

runner = CliRunner()


@pytest.fixture
def run(uow: UnitOfWorkFactory, clock: FakeClock, db_url: str) -> Any:
    def invoke(*args: str, who: str = "aicha") -> Any:
        return runner.invoke(
            app,
            ["--as", f"{who}@tiers-lieux.example", "subscriptions", *args],
            obj=CliContext(make_uow=lambda: uow, clock=clock, database_url=db_url),
        )

    return invoke


def test_a_licence_from_plan_to_charges(run: Any, community: Community) -> None:
    c = community
    made = run(
        "plan-add",
        "tiers-lieux",
        "--name",
        "Licence",
        "--fee",
        "producer=30",
        "--fee",
        "distributor=50.50",
        "--to",
        "reserve",
    )
    assert made.exit_code == 0, made.output
    assert "producer 30.00" in made.output and "fund:reserve" in made.output
    added = run(
        "add",
        "tiers-lieux",
        "--plan",
        "Licence",
        "--member",
        str(c.bruno.member.id),
        "--status",
        "producer",
        "--from",
        "2026-02-01",
        "--json",
    )
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["fee"]["value"] == "30.00"
    charged = run("charge", "tiers-lieux", "--json")
    assert charged.exit_code == 0, charged.output
    report = json.loads(charged.stdout)
    assert [ch["period_start"] for ch in report["charges"]] == ["2026-02-01", "2026-03-01"]
    assert report["total"]["value"] == "60.00"
    listed = run("list", "tiers-lieux")
    assert "charged 2" in listed.output and "next 2026-04-01" in listed.output


def test_refusals_exit_3_with_the_rule(run: Any, community: Community) -> None:
    bad = run("plan-add", "tiers-lieux", "--name", "X", "--fee", "producer")
    assert bad.exit_code == 3
    assert "STATUS=AMOUNT" in bad.output
    weekly = run("plan-add", "tiers-lieux", "--name", "X", "--fee", "a=1", "--period", "weekly")
    assert weekly.exit_code == 3 and "monthly, quarterly or yearly" in weekly.output
    member = run("plan-add", "tiers-lieux", "--name", "X", "--fee", "a=1", who="bruno")
    assert member.exit_code == 5  # forbidden
    assert run("plans", "tiers-lieux").output.strip() == "no plan yet"
