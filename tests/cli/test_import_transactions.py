"""`partage import transactions FILE --org SLUG`: the summary, --json, --errors, --dry-run,
and the exit status of a file that cannot be imported."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from partage.cli.context import CliContext
from partage.cli.main import app
from partage.services import transactions as txs
from tests.conftest import Community
from tests.services.test_transaction_import import MARKET, as_csv, six_rows

runner = CliRunner()


@pytest.fixture
def market(community: Community) -> Community:
    with community.uow() as u:
        txs.set_rules(
            u,
            actor=community.admin,
            document=MARKET,
            effective_from=date(2026, 3, 1),
            now=community.clock(),
        )
    return community


def run(c: Community, db_url: str, *args: str) -> Result:
    return runner.invoke(
        app,
        ["--as", "aicha@tiers-lieux.example", "import", "transactions", *args],
        obj=CliContext(make_uow=lambda: c.uow, clock=c.clock, database_url=db_url),
    )


def test_an_import_prints_its_summary_and_writes_the_refused_rows(
    market: Community, db_url: str, tmp_path: Path
) -> None:
    export = tmp_path / "market.csv"
    export.write_bytes(as_csv(six_rows(market)))
    report = tmp_path / "refused.csv"
    done = run(market, db_url, str(export), "--org", "tiers-lieux", "--errors", str(report))
    assert done.exit_code == 0, done.output
    assert "import #1 of market.csv (csv): done" in done.stdout
    assert "rows read: 6" in done.stdout
    assert "posted: 4, refused: 2 (of 6 rows)" in done.stdout
    assert "row 5: the rules have no commission for status 'baker'" in done.stdout
    assert "(transaction.duplicate_reference)" in done.stdout
    assert f"every refused row: in {report}" in done.stdout
    with report.open() as f:
        assert [r[:3] for r in csv.reader(f)] == [
            ["row", "field", "code"],
            ["5", "status", "transaction.unknown_status"],
            ["6", "reference", "transaction.duplicate_reference"],
        ]
    checked = runner.invoke(
        app,
        ["--as", "aicha@tiers-lieux.example", "ledger", "check", "tiers-lieux"],
        obj=CliContext(make_uow=lambda: market.uow, clock=market.clock, database_url=db_url),
    )
    assert checked.exit_code == 0, checked.output
    assert "the books are sound" in checked.stdout

    again = run(market, db_url, str(export), "--org", "tiers-lieux", "--json")
    assert again.exit_code == 6
    assert json.loads(again.stdout)["error"]["code"] == "import.already_done"


def test_a_dry_run_in_json_writes_nothing(market: Community, db_url: str, tmp_path: Path) -> None:
    export = tmp_path / "market.jsonl"
    export.write_text(
        "\n".join(json.dumps({k: v for k, v in r.items() if v}) for r in six_rows(market))
    )
    report = tmp_path / "refused.csv"
    dry = run(
        market,
        db_url,
        str(export),
        "--org",
        "tiers-lieux",
        "--dry-run",
        "--json",
        "--errors",
        str(report),
    )
    assert dry.exit_code == 0, dry.output
    data = json.loads(dry.stdout)
    assert (data["posted"], data["failed"], data["status"], data["id"]) == (4, 2, "dry_run", None)
    assert [e["row"] for e in data["errors"]] == [5, 6]
    assert len(report.read_text().splitlines()) == 3
    real = run(market, db_url, str(export), "--org", "tiers-lieux", "--format", "jsonl")
    assert real.exit_code == 0, real.output
    assert "import #1 of market.jsonl (jsonl): done" in real.stdout


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"reference,amount\nS-1,1.00\n", "import.bad_header"),
        (b"reference,occurred_at,amount,status,payee\n\xff,,,,\n", "import.unreadable"),
    ],
)
def test_an_unreadable_file_or_a_wrong_header_exits_2(
    market: Community, db_url: str, tmp_path: Path, content: bytes, code: str
) -> None:
    export = tmp_path / "bad.csv"
    export.write_bytes(content)
    done = run(market, db_url, str(export), "--org", "tiers-lieux", "--json")
    assert done.exit_code == 2
    assert json.loads(done.stdout)["error"]["code"] == code
    missing = run(market, db_url, str(tmp_path / "nope.csv"), "--org", "tiers-lieux")
    assert missing.exit_code == 2
    assert "cannot read" in missing.stderr
