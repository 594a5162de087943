"""Credits and the time bank from the command line: the worked example, refusals, --json."""

from __future__ import annotations

import json

from click.testing import Result
from typer.testing import CliRunner

from partage.cli.context import CliContext
from partage.cli.main import app
from partage.services import contributions
from tests.conftest import Community

runner = CliRunner()
ORG = "tiers-lieux"


def _cli(c: Community, db_url: str):  # type: ignore[no-untyped-def]
    def cli(*args: str, acting: str = "aicha") -> Result:
        return runner.invoke(
            app,
            ["--as", f"{acting}@tiers-lieux.example", *args],
            obj=CliContext(make_uow=lambda: c.uow, clock=c.clock, database_url=db_url),
        )

    return cli


def _entries(cli) -> int:  # type: ignore[no-untyped-def]
    return int(json.loads(cli("ledger", "check", ORG, "--json").stdout)["entries"])


def test_credits_from_the_command_line(community: Community, db_url: str) -> None:
    c = community
    cli = _cli(c, db_url)
    b = str(c.bruno.member.id)
    defined = cli("units", "define", ORG, "credit", "--name", "Crédits", "--price", "0.50",
                  "--json")  # fmt: skip
    assert defined.exit_code == 0, defined.output
    assert json.loads(defined.stdout)["code"] == "CREDIT"
    assert cli("units", "earning", ORG, "CREDIT", "--activity", "entraide", "--amount", "5"
               ).exit_code == 0  # fmt: skip
    bought = cli("units", "buy", ORG, "CREDIT", "--member", b, "--quantity", "20")
    assert bought.exit_code == 0, bought.output
    assert "paid 10.00 EUR" in bought.stdout
    with c.uow() as u:
        helped = contributions.record(
            u,
            actor=c.bruno,
            activity="entraide",
            occurred_on="2026-03-01",
            hours="1",
            now=c.clock(),
        )
    earned = cli("units", "earn", ORG, "CREDIT", "--contribution", str(helped.id), "--json")
    assert json.loads(earned.stdout)["quantity"] == 5
    twice = cli("units", "earn", ORG, "CREDIT", "--contribution", str(helped.id), "--json")
    assert twice.exit_code == 6
    assert json.loads(twice.stdout)["error"]["code"] == "units.already_earned"
    spent = cli("units", "spend", ORG, "CREDIT", "--quantity", "12", "--purpose",
                "publish an offer", acting="bruno")  # fmt: skip
    assert spent.exit_code == 0, spent.output
    before = _entries(cli)
    over = cli("units", "spend", ORG, "CREDIT", "--quantity", "14", "--purpose", "x", "--json",
               acting="bruno")  # fmt: skip
    assert over.exit_code == 3
    error = json.loads(over.stdout)["error"]
    assert (error["code"], error["field"]) == ("units.insufficient_balance", "quantity")
    assert _entries(cli) == before
    mine = json.loads(cli("units", "balances", ORG, "--json", acting="bruno").stdout)
    assert mine == [{"unit": "CREDIT", "balance": "13", "available": "13", "balance_minor": 13}]
    shown = cli("units", "show", ORG, "CREDIT")
    assert "in circulation: 13" in shown.stdout and "Bruno: 13" in shown.stdout
    assert "Bruno bought 20 CREDIT" in shown.stdout
    moves = json.loads(cli("units", "movements", ORG, "--member", b, "--json").stdout)
    assert [m["kind"] for m in moves] == ["spend", "earn", "buy"]
    assert cli("units", "buy", ORG, "CREDIT", "--member", b, "--quantity", "1",
               acting="bruno").exit_code == 5  # fmt: skip
    assert cli("units", "show", ORG, "NOPE").exit_code == 4
    # an activity that no longer earns
    assert cli("units", "earning", ORG, "CREDIT", "--activity", "entraide", "--remove"
               ).exit_code == 0  # fmt: skip
    with c.uow() as u:
        again = contributions.record(
            u,
            actor=c.bruno,
            activity="entraide",
            occurred_on="2026-03-01",
            hours="1",
            now=c.clock(),
        )
    no_rule = cli("units", "earn", ORG, "CREDIT", "--contribution", str(again.id), "--json")
    assert json.loads(no_rule.stdout)["error"]["code"] == "units.no_earning_rule"
    assert json.loads(cli("ledger", "check", ORG, "--json").stdout)["ok"] is True


def test_the_time_bank_from_the_command_line(community: Community, db_url: str) -> None:
    c = community
    cli = _cli(c, db_url)
    assert cli("units", "define", ORG, "HOUR", "--name", "Heures", "--kind", "time").exit_code == 0
    listed = cli("units", "list", ORG)
    assert "HOUR Heures: time, down to -10.00" in listed.stdout
    gave = cli("units", "exchange", ORG, "HOUR", "--giver", str(c.bruno.member.id),
               "--quantity", "2", "--service", "gardening", acting="chloé")  # fmt: skip
    assert gave.exit_code == 0, gave.output
    theirs = json.loads(cli("units", "balances", ORG, "--json", acting="chloé").stdout)
    assert theirs[0]["balance"] == "-2.00" and theirs[0]["available"] == "8.00"
    before = _entries(cli)
    beyond = cli("units", "exchange", ORG, "HOUR", "--giver", str(c.dario.member.id),
                 "--quantity", "9", "--service", "moving", acting="chloé")  # fmt: skip
    assert beyond.exit_code == 3
    assert "may go down to -10.00 HOUR" in beyond.output
    assert _entries(cli) == before
    self_exchange = cli("units", "exchange", ORG, "HOUR", "--giver", str(c.chloe.member.id),
                        "--quantity", "1", "--service", "x", "--json", acting="chloé")  # fmt: skip
    assert json.loads(self_exchange.stdout)["error"]["code"] == "units.same_member"
    assert json.loads(cli("ledger", "check", ORG, "--json").stdout)["ok"] is True
