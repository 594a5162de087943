"""`partage flows` and `partage statement` on the March of tests/services/test_value_flows.py:
printed, as JSON, as CSV files; bad days and unknown members exit non-zero."""

from __future__ import annotations

import csv
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
from tests.services.test_value_flows import refund, sale, set_rules

runner = CliRunner()
SLUG = "tiers-lieux"
MARCH = ("--since", "2026-03-01", "--until", "2026-03-31")


@pytest.fixture
def cli(uow: UnitOfWorkFactory, clock: FakeClock, db_url: str, community: Community) -> Any:
    set_rules(community)
    sale(community, community.bruno, "cmd-1")
    sale(community, community.chloe, "cmd-2")
    refund(community, "cmd-2", "rb-2", 1000, day=5)

    def invoke(who: str, *args: str) -> Any:
        return runner.invoke(
            app,
            ["--as", f"{who}@{SLUG}.example", *args],
            obj=CliContext(make_uow=lambda: uow, clock=clock, database_url=db_url),
        )

    return invoke


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_flows_printed_and_as_json(cli: Any) -> None:
    shown = cli("olga", "flows", SLUG, *MARCH)
    assert shown.exit_code == 0, shown.output
    assert "2 transactions, 1 refunds" in shown.output
    assert "sold 99.98 EUR, refunded 10.00 EUR, total 89.98 EUR" in shown.output
    assert "impartible reserve" in shown.output and "3.40 EUR" in shown.output
    body = ok(cli("bruno", "flows", SLUG, *MARCH, "--json"))
    assert body["total"]["minor"] == 8998
    assert [(p["part"], p["amount"]["value"]) for p in body["parts"]] == [
        ("net", "76.84"),
        ("commission", "11.34"),
        ("amount", "1.80"),
    ]


def test_flows_to_csv_files(cli: Any, tmp_path: Path) -> None:
    totals, lines = tmp_path / "flows.csv", tmp_path / "lines.csv"
    assert ok(cli("aicha", "flows", SLUG, *MARCH, "--csv", str(totals), "--json"))["rows"] == 6
    with totals.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["account"]: r["amount"] for r in rows}["fund:operations"] == "5.67"
    done = cli("aicha", "flows", SLUG, *MARCH, "--csv", str(lines), "--lines")
    assert "15 rows" in done.output
    with lines.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 15


def test_a_statement(cli: Any, community: Community, tmp_path: Path) -> None:
    chloe = str(community.chloe.member.id)
    body = ok(cli("dario", "statement", SLUG, "--member", chloe, *MARCH, "--json"))
    assert (body["name"], body["net"]["value"], body["earned"]["value"]) == (
        "Chloé",
        "34.15",
        "34.15",
    )
    assert [r["reference"] for r in body["rows"]] == ["cmd-2", "rb-2"]
    shown = cli("bruno", "statement", SLUG, "--member", chloe, *MARCH)
    assert "commission             5.04 EUR" in shown.output
    out = tmp_path / "chloe.csv"
    cli("bruno", "statement", SLUG, "--member", chloe, *MARCH, "--csv", str(out))
    with out.open(encoding="utf-8") as handle:
        assert [r["amount"] for r in csv.DictReader(handle)] == ["49.99", "-10.00"]


@pytest.mark.parametrize(
    ("args", "kind", "code"),
    [
        (("flows", SLUG, "--since", "mars", "--until", "2026-03-31"), "invalid", "date.bad"),
        (("flows", SLUG, "--since", "2026-04-01", "--until", "2026-03-31"), "invalid", "period.reversed"),
        (("statement", SLUG, "--member", "999", *MARCH), "not_found", "member.not_found"),
        (("flows", "ailleurs", *MARCH), "not_found", "organization.not_found"),
    ],
)  # fmt: skip
def test_refusals(cli: Any, args: tuple[str, ...], kind: str, code: str) -> None:
    result = cli("bruno", *args, "--json")
    assert result.exit_code == EXIT_CODES[kind], result.output
    assert json.loads(result.stdout)["error"]["code"] == code
