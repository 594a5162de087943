"""Split rules and transactions from the command line: rules typed in YAML, a 49.99 € sale,
a partial refund, the listing and the detail; bad input exits non-zero and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from partage.cli.context import CliContext
from partage.cli.main import app
from partage.cli.output import EXIT_CODES
from partage.services.context import UnitOfWorkFactory
from tests.conftest import Community, FakeClock

runner = CliRunner()
SLUG = "tiers-lieux"
RULES_YAML = """\
commissions:
  producer: {rate: 12, fixed: 0.30, cap: 20}
splits:
  - {of: commission, to: reserve, percent: 30, label: réserve}
  - {of: commission, to: "project:solidarite", percent: 20}
  - {of: amount, to: "pool:contributeurs", percent: 2}
"""


@pytest.fixture
def cli(uow: UnitOfWorkFactory, clock: FakeClock, db_url: str, community: Community) -> Any:
    def invoke(who: str, *args: str, stdin: str | None = None) -> Any:
        return runner.invoke(
            app,
            ["--as", f"{who}@{SLUG}.example", *args],
            input=stdin,
            obj=CliContext(make_uow=lambda: uow, clock=clock, database_url=db_url),
        )

    return invoke


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_rules_a_sale_a_refund_and_what_members_see(cli: Any, community: Community) -> None:
    bruno = community.bruno.member.id
    v1 = ok(
        cli(
            "aicha",
            "rules",
            "set",
            SLUG,
            "-",
            "--from",
            "2026-03-01",
            "--note",
            "AG de mars",
            "--json",
            stdin=RULES_YAML,
        )
    )
    assert v1["version"] == 1
    assert v1["document"]["commissions"]["producer"] == {
        "rate": "12",
        "fixed": "0.30",
        "cap": "20.00",
    }
    shown = cli("bruno", "rules", "show", SLUG)
    assert shown.exit_code == 0, shown.output
    assert "version 1, in force from 2026-03-01 — AG de mars" in shown.output
    assert "30 % of the commission → reserve" in shown.output
    assert ok(cli("olga", "rules", "list", SLUG, "--json"))[0]["note"] == "AG de mars"

    sale = ok(cli("aicha", "transactions", "record", SLUG, "--reference", "cmd-1001", "--amount", "49.99",
                  "--status", "producer", "--payee", f"member:{bruno}", "--kind", "delivery",
                  "--at", "2026-03-02T08:00:00Z", "--json"))  # fmt: skip
    assert (sale["amount"], sale["commission"], sale["rule_version"]) == (4999, 630, 1)
    back = ok(cli("aicha", "transactions", "refund", SLUG, "cmd-1001", "--reference", "cmd-1001-r",
                  "--amount", "10", "--json"))  # fmt: skip
    assert (back["amount"], back["refund_of"]) == (1000, "cmd-1001")

    detail = ok(cli("chloé", "transactions", "show", SLUG, "cmd-1001", "--json"))
    assert [(x["account"], x["amount"]) for x in detail["lines"]] == [
        (f"member:{bruno}", 4269),
        ("fund:reserve", 189),
        ("fund:project:solidarite", 126),
        ("fund:operations", 315),
        ("fund:pool:contributeurs", 100),
    ]
    assert detail["left_to_refund"] == 3999
    human = cli("chloé", "transactions", "show", SLUG, "cmd-1001")
    assert "left to refund: 39.99" in human.output
    assert "42.69  paid to Bruno" in human.output
    listed = ok(cli("dario", "transactions", "list", SLUG, "--member", str(bruno), "--json"))
    assert [x["reference"] for x in listed] == ["cmd-1001-r", "cmd-1001"]
    assert ok(cli("dario", "transactions", "list", SLUG, "--until", "2026-03-01", "--json")) == []
    checked = ok(cli("aicha", "ledger", "check", SLUG, "--json"))
    assert checked["ok"]


def test_bad_input_exits_non_zero_and_writes_nothing(
    cli: Any, community: Community, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"commissions": {"producer": {"rate": "90"}},
                                 "splits": [{"of": "amount", "to": "reserve", "percent": "20"}]}))  # fmt: skip
    over = cli("aicha", "rules", "set", SLUG, str(rules), "--from", "2026-03-01", "--json")
    assert over.exit_code == EXIT_CODES["invalid"]
    assert json.loads(over.stdout)["error"]["code"] == "rules.over_100"
    assert ok(cli("aicha", "rules", "list", SLUG, "--json")) == []
    ok(cli("aicha", "rules", "set", SLUG, "-", "--from", "2026-03-01", "--json", stdin=RULES_YAML))
    base = ["transactions", "record", SLUG, "--reference", "x", "--amount", "10",
            "--payee", "member:2", "--json"]  # fmt: skip
    for extra, code in (
        (["--status", "wholesaler"], "transaction.unknown_status"),
        (["--status", "producer", "--currency", "USD"], "currency.mismatch"),
        (["--status", "producer", "--amount", "-5"], "transaction.negative_amount"),
        (["--status", "producer", "--party", "referrer"], "transaction.bad_parties"),
    ):
        refused = cli("aicha", *base, *extra)
        assert refused.exit_code == EXIT_CODES["invalid"], refused.output
        assert json.loads(refused.stdout)["error"]["code"] == code
    forbidden = cli("bruno", *base, "--status", "producer")
    assert forbidden.exit_code == EXIT_CODES["forbidden"]
    assert ok(cli("aicha", "transactions", "list", SLUG, "--json")) == []
    ok(cli("aicha", *base, "--status", "producer"))
    duplicate = cli("aicha", *base, "--status", "producer")
    assert duplicate.exit_code == EXIT_CODES["conflict"]
    too_much = cli(
        "aicha", "transactions", "refund", SLUG, "x", "--reference", "x-r", "--amount", "10.01"
    )
    assert too_much.exit_code == EXIT_CODES["invalid"]
    assert "more than the 1000 left" in too_much.output
    assert len(ok(cli("aicha", "transactions", "list", SLUG, "--json"))) == 1
