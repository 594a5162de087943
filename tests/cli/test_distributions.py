"""Distributions from the command line."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from partage.cli.context import CliContext
from partage.cli.main import app
from partage.services import contributions
from tests.conftest import Community

runner = CliRunner()


def test_preview_then_run(community: Community, db_url: str) -> None:
    c = community
    with c.uow() as u:
        contributions.record(
            u,
            actor=c.bruno,
            activity="Animation",
            occurred_on="2026-02-02",
            hours="4",
            now=c.clock(),
        )

    def cli(*args: str, acting: str = "aicha@tiers-lieux.example"):  # type: ignore[no-untyped-def]
        return runner.invoke(
            app,
            ["--as", acting, *args],
            obj=CliContext(make_uow=lambda: c.uow, clock=c.clock, database_url=db_url),
        )

    grid = '{"type": "rate_grid", "rates": {"Animation": 25.50}}'
    shown = cli(
        "distribution",
        "preview",
        "tiers-lieux",
        "--budget",
        "500",
        "--model",
        grid,
        "--model",
        '{"type": "proportional"}',
    )
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[1].split() == ["Bruno", "102.00", "500.00"]
    refused = cli(
        "distribution",
        "run",
        "tiers-lieux",
        "--budget",
        "500",
        "--model",
        grid,
        "--json",
        acting="bruno@tiers-lieux.example",
    )
    assert refused.exit_code == 5
    done = cli("distribution", "run", "tiers-lieux", "--budget", "500", "--model", grid, "--json")
    assert done.exit_code == 0, done.output
    posted = json.loads(done.stdout)
    assert posted["paid"] == 10200 and posted["entry_seq"] == 2
    listed = json.loads(cli("distribution", "list", "tiers-lieux", "--json").stdout)
    assert [d["id"] for d in listed] == [posted["id"]]
    english = cli("distribution", "show", "tiers-lieux", str(posted["id"])).stdout
    french = cli("distribution", "show", "tiers-lieux", str(posted["id"]), "--lang", "fr").stdout
    assert "4 h × 25.50 EUR = 102.00 EUR" in english
    assert "4 h × 25,50 EUR = 102,00 EUR" in french
    bad = cli(
        "distribution", "preview", "tiers-lieux", "--budget", "5", "--model", "{not json", "--json"
    )
    assert (
        bad.exit_code == 3 and json.loads(bad.stdout)["error"]["code"] == "distribution.bad_model"
    )


def test_grain_from_a_scores_file(community: Community, db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    c = community
    scores = tmp_path / "cred.csv"
    scores.write_text("member,week 1,week 2\nBruno,3,1\nChloé,0,4\n")

    def cli(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(
            app,
            ["--as", "aicha@tiers-lieux.example", *args],
            obj=CliContext(make_uow=lambda: c.uow, clock=c.clock, database_url=db_url),
        )

    grain = '{"type": "grain", "policy": "immediate", "lookback": 2}'
    done = cli(
        "distribution",
        "run",
        "tiers-lieux",
        "--budget",
        "80",
        "--model",
        grain,
        "--scores",
        str(scores),
        "--json",
    )
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)["result"]
    assert result["allocations"] == {
        str(c.bruno.member.id): "40.00",
        str(c.chloe.member.id): "40.00",
    }
    missing = cli(
        "distribution", "run", "tiers-lieux", "--budget", "80", "--model", grain, "--json"
    )
    assert (
        missing.exit_code == 3
        and json.loads(missing.stdout)["error"]["code"] == "distribution.no_scores"
    )


def test_grain_over_cred_from_the_command_line(community: Community, db_url: str) -> None:
    c = community
    for who, hours in ((c.bruno, "3"), (c.dario, "1")):
        with c.uow() as u:
            contributions.record(
                u,
                actor=who,
                activity="Accueil",
                occurred_on="2026-02-04",
                hours=hours,
                now=c.clock(),
            )
    context = CliContext(make_uow=lambda: c.uow, clock=c.clock, database_url=db_url)
    args = ["--as", "aicha@tiers-lieux.example", "distribution"]
    grain = '{"type": "grain", "policy": "immediate"}'
    done = runner.invoke(
        app,
        [*args, "run", "tiers-lieux", "--budget", "40", "--model", grain, "--cred", "--json"],
        obj=context,
    )
    assert done.exit_code == 0, done.output
    posted = json.loads(done.stdout)
    bruno, dario = str(c.bruno.member.id), str(c.dario.member.id)
    assert posted["result"]["allocations"][bruno] == "30.00"
    assert posted["result"]["allocations"][dario] == "10.00"
    assert "vient de : Accueil" in posted["result"]["explanations_fr"][bruno]
    shown = runner.invoke(
        app, [*args, "show", "tiers-lieux", str(posted["id"]), "--lang", "fr"], obj=context
    )
    assert "Votre cred de ces semaines vient de" in shown.stdout
