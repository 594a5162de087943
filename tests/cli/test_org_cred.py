"""`partage cred org` and `partage cred weights`: the organization's cred from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from typer.testing import CliRunner, Result

from partage.cli import batch
from partage.cli.context import CliContext
from partage.cli.cred_commands import sparkline
from partage.cli.main import app
from partage.services import contributions
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


def _work(c: Community) -> None:
    for who, activity, day, hours in (
        (c.bruno, "animation", date(2026, 2, 2), "3"),
        (c.bruno, "animation", date(2026, 2, 20), "1"),
        (c.chloe, "design", date(2026, 2, 10), "2"),
        (c.dario, "accueil", date(2026, 2, 25), "1"),
    ):
        with c.uow() as u:
            contributions.record(
                u,
                actor=who,
                activity=activity,
                occurred_on=day,
                hours=hours,
                description=f"{activity} du {day:%d/%m}",
                now=c.clock(),
            )


def test_members_by_cred_for_people_and_for_programs(community: Community, db_url: str) -> None:
    c = community
    cli = _cli(c, db_url)
    _work(c)
    shown = cli("cred", "org", "tiers-lieux", "--sources", acting="olga")
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0] == "5 member(s), 4 week(s) from 2026-02-01 to 2026-02-22; 7 cred minted"
    assert [line.split()[0] for line in lines[2:] if not line.startswith("    ")] == [
        "Bruno",
        "Chloé",
        "Dario",
        "Aïcha",
        "Olga",
    ]
    assert "animation, 3 h, 2026-02-02: animation du 02/02" in shown.stdout
    as_json = cli("cred", "org", "tiers-lieux", "--json", acting="olga")
    assert as_json.exit_code == 0, as_json.output
    found = json.loads(as_json.stdout)
    assert found["weeks"] == ["2026-02-01", "2026-02-08", "2026-02-15", "2026-02-22"]
    assert found["minted"] == 7
    bruno = found["members"][0]
    assert bruno["name"] == "Bruno" and abs(bruno["cred"] - 4) < 1e-3
    assert abs(bruno["share"] - 4 / 7) < 1e-3 and len(bruno["per_week"]) == 4
    assert bruno["sources"][0]["label_fr"] == "animation, 3 h, 2 février 2026 : animation du 02/02"
    assert abs(sum(m["share"] for m in found["members"]) - 1) < 1e-12
    period = cli(
        "cred", "org", "tiers-lieux", "--since", "2026-02-15", "--until", "2026-02-28", "--json"
    )
    assert json.loads(period.stdout)["weeks"] == ["2026-02-15", "2026-02-22"]


def test_refusals_exit_2_for_bad_input(community: Community, db_url: str) -> None:
    cli = _cli(community, db_url)
    empty = cli("cred", "org", "tiers-lieux", "--json")
    assert empty.exit_code == 2
    assert json.loads(empty.stdout)["error"]["code"] == "cred.nothing_to_score"
    bad_day = cli("cred", "org", "tiers-lieux", "--since", "15/02/2026")
    assert bad_day.exit_code == 2 and "since must be a date" in bad_day.stderr
    assert cli("cred", "org", "nowhere").exit_code == 4


def test_weights_shown_and_set_by_admins_only(community: Community, db_url: str) -> None:
    c = community
    cli = _cli(c, db_url)
    _work(c)
    shown = cli("cred", "weights", "tiers-lieux", acting="bruno")
    assert shown.exit_code == 0, shown.output
    assert "animation  1  (default)" in shown.stdout
    assert "alpha = 0.1, beta = 0.4" in shown.stdout
    refused = cli("cred", "weights", "tiers-lieux", "--set", "design=3", acting="bruno")
    assert refused.exit_code == 5
    bad = cli("cred", "weights", "tiers-lieux", "--set", "design=-3", "--json")
    assert bad.exit_code == 2
    assert json.loads(bad.stdout)["error"]["field"] == "activities.design"
    assert cli("cred", "weights", "tiers-lieux", "--set", "design").exit_code == 2
    done = cli(
        "cred",
        "weights",
        "tiers-lieux",
        "--set",
        "design=3",
        "--set",
        "claim=0.5",
        "--set",
        "alpha=0.2",
        "--set",
        "edge.touches.backward=0.5",
        "--json",
    )
    assert done.exit_code == 0, done.output
    saved = json.loads(done.stdout)
    assert saved["activities"] == {"design": "3"} and saved["claim"] == "0.5"
    assert saved["params"]["alpha"] == "0.2"
    assert saved["edges"]["touches"] == {"forward": "0.25", "backward": "0.5"}
    assert saved["effective"]["animation"] == "1"
    found = json.loads(cli("cred", "org", "tiers-lieux", "--json").stdout)
    assert found["members"][0]["name"] == "Chloé"  # her 2 design hours now weigh 6
    reset = cli("cred", "weights", "tiers-lieux", "--set", "design=", "--json")
    assert json.loads(reset.stdout)["activities"] == {}


def test_a_sparkline_scales_to_the_largest_week() -> None:
    assert sparkline((0.0, 1.0, 2.0, 4.0)) == " ▃▅█"
    assert sparkline((0.0, 0.0)) == "  "


def test_only_reading_a_graph_file_is_a_batch_command() -> None:
    assert batch.handles(["cred", "compute", "graph.json"])
    assert batch.handles(["simulate", "x"])
    assert not batch.handles(["cred", "org", "tiers-lieux"])
    assert not batch.handles(["cred", "weights", "tiers-lieux"])
    assert not batch.handles(["org", "list"])
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from partage.cli import batch; batch.run(['cred', 'org', 'tiers-lieux'])",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "reads the organization's records" in done.stderr
