"""The command line, as an administrator of a small collective uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from partage.cli.context import CliContext
from partage.cli.main import app
from partage.services.context import UnitOfWorkFactory
from tests.conftest import FakeClock

runner = CliRunner()


@pytest.fixture
def cli(uow: UnitOfWorkFactory, clock: FakeClock, db_url: str):  # type: ignore[no-untyped-def]
    def invoke(
        *args: str, acting: str | None = "ana@coop.example", env: dict[str, str] | None = None
    ):  # type: ignore[no-untyped-def]
        head = ["--as", acting] if acting else []
        return runner.invoke(
            app,
            [*head, *args],
            obj=CliContext(make_uow=lambda: uow, clock=clock, database_url=db_url),
            env=env,
        )

    return invoke


def _json(result) -> dict:  # type: ignore[no-untyped-def, type-arg]
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_round_from_the_command_line(cli, clock: FakeClock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert (
        cli(
            "user",
            "create",
            "--email",
            "ana@coop.example",
            "--name",
            "Ana",
            "--password",
            "long enough pw",
        ).exit_code
        == 0
    )
    org = _json(cli("org", "create", "Coop des Communs", "--legal-form", "scic", "--json"))
    assert org["slug"] == "coop-des-communs" and org["currency"]["code"] == "EUR"
    slug = org["slug"]
    ben = _json(
        cli(
            "member",
            "add",
            slug,
            "Ben",
            "--email",
            "ben@coop.example",
            "--password",
            "long enough pw",
            "--json",
        )
    )
    assert (
        _json(cli("ledger", "deposit", slug, "5000", "--memo", "Subvention", "--json"))["seq"] == 1
    )
    opened = _json(
        cli(
            "round",
            "open",
            slug,
            "--name",
            "Printemps",
            "--envelope",
            "3000",
            "--mission",
            "Accueil:1000",
            "--json",
        )
    )
    declared = _json(
        cli(
            "claim",
            "declare",
            slug,
            str(opened["id"]),
            "--amount",
            "450,50",
            "--justification",
            "3 ateliers",
            "--json",
            acting="ben@coop.example",
        )
    )
    assert declared["claim"]["amount"] == 45050
    objected = cli("claim", "object", slug, str(declared["claim"]["id"]), "--reason", "détail ?")
    assert objected.exit_code == 0
    own = cli(
        "claim",
        "object",
        slug,
        str(declared["claim"]["id"]),
        "--reason",
        "x",
        "--json",
        acting="ben@coop.example",
    )
    assert own.exit_code == 3 and json.loads(own.stdout)["error"]["code"] == "objection.own_claim"
    amended = _json(
        cli(
            "claim",
            "amend",
            slug,
            str(declared["claim"]["id"]),
            "--amount",
            "400",
            "--json",
            acting="ben@coop.example",
        )
    )
    assert amended["claim"]["amount"] == 40000
    clock.advance(days=8)
    closing = _json(cli("round", "close", slug, str(opened["id"]), "--json"))
    assert [c["granted"] for c in closing["claims"]] == [40000]
    paid = cli("ledger", "pay", slug, str(ben["id"]), "400", "--reference", "VIR-1")
    assert paid.exit_code == 0, paid.output
    check = _json(cli("ledger", "check", slug, "--json"))
    assert check == {"entries": 4, "ok": True, "problems": []}
    whole = json.loads(cli("ledger", "journal", slug, "--json").stdout)
    assert [e["seq"] for e in whole] == [1, 2, 3, 4]
    page = json.loads(
        cli("ledger", "journal", slug, "--after", "1", "--limit", "2", "--json").stdout
    )
    assert page == whole[1:3]
    assert cli("ledger", "journal", slug, "--limit", "0").exit_code == 2
    csv_file = tmp_path / "c.csv"
    csv_file.write_text(
        "member,activity,date,hours,description\nBen,Animation,2026-03-01,2,atelier\nNobody,X,2026-03-01,1,\n"
    )
    bad = cli("contribution", "import", slug, str(csv_file), "--json")
    assert bad.exit_code == 3
    assert json.loads(bad.stdout)["errors"][0]["line"] == 3
    assert _json(cli("contribution", "list", slug, "--json")) == []


def test_errors_exit_non_zero_and_name_the_rule(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("round", "list", "nowhere", acting=None).exit_code == 3
    missing = cli("round", "list", "nowhere", "--json")
    assert missing.exit_code == 4
    assert json.loads(missing.stdout)["error"]["code"] == "organization.not_found"
    cli(
        "user",
        "create",
        "--email",
        "ana@coop.example",
        "--name",
        "Ana",
        "--password",
        "long enough pw",
    )
    bad_currency = cli("org", "create", "X coop", "--currency", "XYZ", "--json")
    assert bad_currency.exit_code == 3
    assert json.loads(bad_currency.stdout)["error"]["code"] == "currency.unknown"
    cli("org", "create", "Coop", "--currency", "HOUR", "--decimals", "2")
    for amount in ("-5", "0", "1.234", "NaN", "1e309"):
        result = cli("ledger", "deposit", "coop", "--memo", "x", "--json", "--", amount)
        assert result.exit_code == 3, amount
    assert _json(cli("ledger", "check", "coop", "--json"))["entries"] == 0


def test_changing_a_password(cli) -> None:  # type: ignore[no-untyped-def]
    cli(
        "user",
        "create",
        "--email",
        "ana@coop.example",
        "--name",
        "Ana",
        "--password",
        "long enough pw",
    )
    wrong = cli("user", "password", "--current", "nope nope", "--new", "another pw", "--json")
    assert (
        wrong.exit_code == 3
        and json.loads(wrong.stdout)["error"]["code"] == "password.wrong_current"
    )
    assert (
        cli("user", "password", "--current", "long enough pw", "--new", "another pw").exit_code == 0
    )
    assert cli("org", "create", "Coop").exit_code == 0
