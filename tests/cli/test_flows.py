"""Epochs and funding calls from the command line."""

from __future__ import annotations

import json

from click.testing import Result
from typer.testing import CliRunner

from partage.cli.context import CliContext
from partage.cli.main import app
from tests.conftest import Community

runner = CliRunner()


def _cli(c: Community, db_url: str):  # type: ignore[no-untyped-def]
    def cli(*args: str, acting: str = "aicha") -> Result:
        return runner.invoke(
            app,
            ["--as", f"{acting}@tiers-lieux.example", *args],
            obj=CliContext(make_uow=lambda: c.uow, clock=c.clock, database_url=db_url),
        )

    return cli


def test_an_epoch_from_the_command_line(community: Community, db_url: str) -> None:
    c = community
    cli = _cli(c, db_url)
    b, ch = c.bruno.member.id, c.chloe.member.id
    opened = cli(
        "epoch", "open", "tiers-lieux", "--name", "Été", "--budget", "100", "--blinded", "--json"
    )
    assert opened.exit_code == 0, opened.output
    e = str(json.loads(opened.stdout)["id"])
    given = cli("epoch", "give", "tiers-lieux", e, "--to", f"{ch}=30", acting="bruno")
    assert given.exit_code == 0, given.output
    assert cli("epoch", "give", "tiers-lieux", e, "--to", f"{b}=70", acting="chloé").exit_code == 0
    over = cli("epoch", "give", "tiers-lieux", e, "--to", f"{ch}=101", "--json", acting="bruno")
    assert over.exit_code == 3 and json.loads(over.stdout)["error"]["code"] == "epoch.over_budget"
    assert cli("epoch", "give", "tiers-lieux", e, "--to", f"{b}=1", acting="olga").exit_code == 5
    shown = cli("epoch", "show", "tiers-lieux", e, "--json", acting="bruno")
    seen = json.loads(shown.stdout)
    assert seen["hidden"] and seen["givers"] == 2 and len(seen["gifts"]) == 1
    assert cli("epoch", "opt-out", "tiers-lieux", e, acting="dario").exit_code == 0
    assert cli("epoch", "close", "tiers-lieux", e, acting="bruno").exit_code == 5
    closed = cli("epoch", "close", "tiers-lieux", e, "--json")
    assert closed.exit_code == 0, closed.output
    result = json.loads(closed.stdout)["distribution"]["result"]
    assert result["allocations"][str(b)] == "70.00" and result["allocations"][str(ch)] == "30.00"
    assert cli("epoch", "close", "tiers-lieux", e).exit_code == 6
    listed = cli("epoch", "list", "tiers-lieux")
    assert "closed" in listed.stdout and "Été" in listed.stdout
    assert cli("epoch", "show", "tiers-lieux", "99").exit_code == 4
    assert json.loads(cli("ledger", "check", "tiers-lieux", "--json").stdout)["ok"] is True


def test_a_funding_call_from_the_command_line(community: Community, db_url: str) -> None:
    c = community
    cli = _cli(c, db_url)
    opened = cli(
        "funding", "open", "tiers-lieux", "--name", "Appel", "--pool", "20",
        "--project", "jardin", "--project", "four", "--json",
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output
    f = str(json.loads(opened.stdout)["id"])
    assert (
        cli("funding", "pledge", "tiers-lieux", f, "--to", "jardin=1", acting="bruno").exit_code
        == 0
    )
    pledged = cli(
        "funding", "pledge", "tiers-lieux", f, "--to", "jardin=4", "--to", "four=2", acting="chloé"
    )
    assert pledged.exit_code == 0, pledged.output
    zero = cli("funding", "pledge", "tiers-lieux", f, "--to", "jardin=0", "--json", acting="dario")
    assert zero.exit_code == 3 and json.loads(zero.stdout)["error"]["code"] == "amount.zero"
    shown = cli("funding", "show", "tiers-lieux", f)
    assert "Chloé → jardin: 4.00" in shown.stdout
    closed = cli("funding", "close", "tiers-lieux", f, "--json")
    assert closed.exit_code == 0, closed.output
    # 2·√(100·400) = 400 cents.
    assert json.loads(closed.stdout)["distribution"]["result"]["allocations"]["jardin"] == "4.00"
    assert cli("funding", "close", "tiers-lieux", f).exit_code == 6
    assert "Appel" in cli("funding", "list", "tiers-lieux").stdout
