"""`partage import sourcecred` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from partage.cli.context import CliContext
from partage.cli.main import app
from tests.conftest import Community

INSTANCE = Path(__file__).parents[1] / "fixtures" / "sourcecred-test-instance"
runner = CliRunner()


def invoke(
    c: Community, db_url: str, *args: str, acting: str = "aicha@tiers-lieux.example"
) -> Result:
    return runner.invoke(
        app,
        ["--as", acting, "import", "sourcecred", *args],
        obj=CliContext(make_uow=lambda: c.uow, clock=c.clock, database_url=db_url),
    )


def counts(c: Community) -> tuple[int, int, int]:
    with c.uow(readonly=True) as u:
        org = c.admin.org_id
        return (
            len(u.community.members(org)),
            len(u.aliases.all(org)),
            len(u.distributions.all(org)),
        )


def test_import_prints_a_summary_then_matches_on_a_second_run(
    community: Community, db_url: str
) -> None:
    c = community
    dry = invoke(c, db_url, str(INSTANCE), "--org", "tiers-lieux", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith("Dry run — nothing written.")
    assert counts(c) == (5, 0, 0)

    done = invoke(c, db_url, str(INSTANCE), "--org", "tiers-lieux")
    assert done.exit_code == 0, done.output
    out = done.stdout
    assert "identities read: 10 (7 inactive)" in out
    assert "members added: 10, matched: 0" in out
    assert "aliases added: 20" in out
    assert "distributions imported: 6 of 6" in out
    assert "grain transfers skipped (not earnings): 2" in out
    assert "#6 dandelion" in out
    assert counts(c) == (15, 20, 6)

    again = invoke(
        c, db_url, str(INSTANCE / "data" / "ledger.json"), "--org", "tiers-lieux", "--json"
    )
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert report["members_added"] == 0 and report["members_matched"] == 10
    assert report["distributions_imported"] == 0 and report["distributions_present"] == 6
    assert report["totals"] == {"EUR": {"currency": "EUR", "minor": 0, "value": "0.00"}}
    assert counts(c) == (15, 20, 6)


def test_json_report_and_grain_value(community: Community, db_url: str) -> None:
    c = community
    done = invoke(
        c, db_url, str(INSTANCE), "--org", "tiers-lieux", "--grain-value", "0.5", "--json"
    )
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["grain_value"] == "0.5"
    assert report["identities"] == 10
    # 5,000.000… grain were paid in all: 2,500 EUR less what each receipt's rounding drops.
    assert report["grain_imported"].startswith("5000.")
    assert 249_990 < report["totals"]["EUR"]["minor"] <= 250_000
    by_name = {m["name"]: m for m in report["members"]}
    assert by_name["SourceCred"]["subtype"] == "PROJECT" and by_name["SourceCred"]["added"]


def test_refusals_exit_2_and_write_nothing(
    community: Community, db_url: str, tmp_path: Path
) -> None:
    c = community
    missing = invoke(c, db_url, str(tmp_path), "--org", "tiers-lieux")
    assert missing.exit_code == 2
    assert "data/ledger.json: is missing" in missing.stderr

    bad = tmp_path / "ledger.json"
    bad.write_text('{"action": {"type": "CREATE_IDENTITY"}, "ledgerTimestamp": 1}\nnot json\n')
    corrupt = invoke(c, db_url, str(bad), "--org", "tiers-lieux", "--json")
    assert corrupt.exit_code == 2
    error = json.loads(corrupt.stdout)["error"]
    assert error["code"] == "sourcecred.bad_ledger" and "line 1:" in error["message"]

    value = invoke(c, db_url, str(INSTANCE), "--org", "tiers-lieux", "--grain-value", "-2")
    assert value.exit_code == 2 and "grain_value" in value.stderr

    member = invoke(
        c, db_url, str(INSTANCE), "--org", "tiers-lieux", acting="bruno@tiers-lieux.example"
    )
    assert member.exit_code == 2 and "only an admin" in member.stderr

    elsewhere = invoke(c, db_url, str(INSTANCE), "--org", "nowhere")
    assert elsewhere.exit_code == 2 and "no organization" in elsewhere.stderr
    assert counts(c) == (5, 0, 0)


def test_imported_history_reads_as_such_in_list_and_show(community: Community, db_url: str) -> None:
    c = community
    assert invoke(c, db_url, str(INSTANCE), "--org", "tiers-lieux").exit_code == 0
    context = CliContext(make_uow=lambda: c.uow, clock=c.clock, database_url=db_url)
    args = ["--as", "bruno@tiers-lieux.example", "distribution"]
    listed = runner.invoke(app, [*args, "list", "tiers-lieux"], obj=context)
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert len(lines) == 6 and all("(imported from SourceCred, distribution " in x for x in lines)
    shown = runner.invoke(app, [*args, "show", "tiers-lieux", "1", "--lang", "fr"], obj=context)
    assert shown.exit_code == 0, shown.output
    received = [x for x in shown.stdout.splitlines()[1:] if x.strip()]
    assert received and all(x.endswith("reçu dans SourceCred") for x in received)
    # Members by name, not by number.
    assert not any(x.split()[0].isdigit() for x in received)
