"""Governance from the command line: a consent proposal that turns the public page on, with an
objection, an amendment and its passing; votes, advice, bodies, roles and the log."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from partage.cli.context import CliContext
from partage.cli.main import app
from partage.services.context import UnitOfWorkFactory
from tests.conftest import Community, FakeClock
from tests.services.test_governance_power import paid_by_scores

runner = CliRunner()
SLUG = "tiers-lieux"


@pytest.fixture
def cli(uow: UnitOfWorkFactory, clock: FakeClock, db_url: str, community: Community) -> Any:
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


def test_a_consent_proposal_objected_amended_and_passed_turns_the_public_page_on(
    cli: Any, community: Community
) -> None:
    opened = ok(
        cli(
            "bruno",
            "proposal", "open", SLUG,
            "--title", "Ouvrir nos comptes",
            "--text", "Publions nos comptes.",
            "--closes-in-days", "3",
            "--action", '{"kind": "set_public_page", "public": true}',
            "--json",
        )
    )  # fmt: skip
    pid = opened["proposal"]["id"]
    assert opened["status"] == "open"
    assert opened["proposal"]["action"]["kind"] == "set_public_page"

    objected = ok(
        cli("chloé", "proposal", "object", SLUG, str(pid), "--reason", "Et les noms ?", "--json")
    )
    objection = objected["objections"][0]
    assert objection["resolved_at"] is None

    said = cli("bruno", "proposal", "comment", SLUG, str(pid), "Masquons-les")
    assert said.exit_code == 0, said.output
    shown = cli("aicha", "proposal", "show", SLUG, str(pid))
    assert shown.exit_code == 0, shown.output
    assert "Ouvrir nos comptes — open" in shown.output
    assert "standing" in shown.output
    assert "1 standing objection(s): it would not pass now" in shown.output
    assert "comment by Bruno" in shown.output and "Masquons-les" in shown.output
    assert "if it passes: turn the public page on" in shown.output

    community.clock.advance(days=1)
    amended = ok(
        cli("bruno", "proposal", "amend", SLUG, str(pid), "--text", "Publions nos comptes, sans courriels.",
            "--note", "Les courriels restent privés", "--json")
    )  # fmt: skip
    assert amended["objections"][0]["resolution"] == "amended"
    assert (
        amended["proposal"]["closes_at"] == "2026-03-06T09:00:00+00:00"
    )  # 3 days from the amendment

    community.clock.advance(days=2)
    early = cli("aicha", "proposal", "close", SLUG, str(pid))
    assert early.exit_code != 0 and "proposal.not_due" in early.output

    community.clock.advance(days=1, hours=1)
    closed = cli("aicha", "proposal", "close", SLUG)
    assert closed.exit_code == 0, closed.output
    assert (
        f"proposal #{pid}: passed — no objection stood at closing; applied: turn the public page on"
        in closed.output
    )
    assert community.actor(community.admin).organization.public_page

    log = cli("olga", "decisions", SLUG)
    assert log.exit_code == 0, log.output
    lines = log.output.splitlines()
    assert any("amended the proposal" in line for line in lines)
    assert any("applied: turn the public page on" in line for line in lines)
    kinds = [
        e["kind"] for e in ok(cli("olga", "decisions", SLUG, "--proposal", str(pid), "--json"))
    ]
    assert kinds == [
        "proposal_opened",
        "objection_raised",
        "comment",
        "proposal_amended",
        "proposal_closed",
        "action_applied",
    ]


def test_a_vote_counted_and_a_vote_changed_until_closing(cli: Any, community: Community) -> None:
    pid = ok(
        cli("aicha", "proposal", "open", SLUG, "--title", "Horaires", "--text", "Ouvrir le samedi",
            "--method", "vote", "--threshold", "two_thirds", "--closes-in-days", "1", "--json")
    )["proposal"]["id"]  # fmt: skip
    for who, choice in (("aicha", "agree"), ("bruno", "agree"), ("chloé", "disagree")):
        ok(cli(who, "proposal", "vote", SLUG, str(pid), choice, "--json"))
    changed = ok(cli("chloé", "proposal", "vote", SLUG, str(pid), "agree", "--json"))
    assert [v["choice"] for v in changed["votes"]] == ["agree", "agree", "agree"]

    observer = cli("olga", "proposal", "vote", SLUG, str(pid), "agree")
    assert observer.exit_code == 5, observer.output  # forbidden
    nothing = cli("bruno", "proposal", "vote", SLUG, str(pid))
    assert nothing.exit_code == 3 and "give a choice" in nothing.output

    community.clock.advance(days=2)
    late = cli("dario", "proposal", "vote", SLUG, str(pid), "agree")
    assert late.exit_code != 0
    closed = ok(cli("bruno", "proposal", "close", SLUG, str(pid), "--json"))
    assert closed[0]["outcome"]["outcome"] == "passed"
    listed = cli("bruno", "proposal", "list", SLUG)
    assert f"#{pid:<4} closed vote" in listed.output


def test_advice_then_the_deciders_decision(cli: Any, community: Community) -> None:
    pid = ok(
        cli("bruno", "proposal", "open", SLUG, "--title", "Nouveau four", "--text", "Acheter un four",
            "--method", "advice", "--closes-in-days", "2", "--json")
    )["proposal"]["id"]  # fmt: skip
    ok(cli("chloé", "proposal", "advise", SLUG, str(pid), "--text", "Un four d'occasion", "--json"))
    too_early = cli("bruno", "proposal", "decide", SLUG, str(pid), "--text", "Oui")
    assert too_early.exit_code != 0
    community.clock.advance(days=3)
    decided = cli("bruno", "proposal", "decide", SLUG, str(pid), "--text", "D'occasion, donc")
    assert decided.exit_code == 0, decided.output
    assert "passed — decided by the decider: D'occasion, donc" in decided.output
    shown = cli("dario", "proposal", "show", SLUG, str(pid))
    assert "advice by Chloé" in shown.output


def test_bodies_circles_and_roles(cli: Any, community: Community) -> None:
    bodies = ok(cli("bruno", "body", "list", SLUG, "--json"))
    assert [b["kind"] for b in bodies] == ["assembly", "admins"]
    bruno, chloe = community.bruno.member.id, community.chloe.member.id
    refused = cli("bruno", "body", "create", SLUG, "--name", "Cuisine", "--member", str(bruno))
    assert refused.exit_code == 5
    circle = ok(cli("aicha", "body", "create", SLUG, "--name", "Cuisine", "--member", str(bruno),
                    "--member", str(chloe), "--json"))  # fmt: skip
    assert circle["member_ids"] == [bruno, chloe]

    assert "no role yet" in cli("dario", "role", "list", SLUG).output
    action = json.dumps(
        {"kind": "fill_role", "name": "Trésorière", "holder_id": chloe, "term_days": 30}
    )
    pid = ok(cli("aicha", "proposal", "open", SLUG, "--title", "Trésorerie", "--text", "Chloé",
                 "--closes-in-days", "1", "--action", action, "--json"))["proposal"]["id"]  # fmt: skip
    community.clock.advance(days=1, minutes=1)
    ok(cli("aicha", "proposal", "close", SLUG, str(pid), "--json"))
    roles = cli("dario", "role", "list", SLUG)
    assert (
        "Trésorière — Chloé, since 2026-03-03 09:01 UTC, until 2026-04-02 09:01 UTC" in roles.output
    )
    community.clock.advance(days=31)
    assert "term" in cli("dario", "role", "list", SLUG).output
    assert ok(cli("dario", "role", "list", SLUG, "--active", "--json")) == []


def test_bad_input_names_the_rule_and_writes_nothing(cli: Any, community: Community) -> None:
    bad_json = cli(
        "bruno", "proposal", "open", SLUG, "--title", "T", "--text", "x", "--action", "{"
    )
    assert bad_json.exit_code == 3 and "the action is a JSON object" in bad_json.output
    negative = cli(
        "bruno", "proposal", "open", SLUG, "--title", "T", "--text", "x",
        "--action", '{"kind": "open_round", "name": "R", "envelope": -5, "window_hours": 24}',
    )  # fmt: skip
    assert negative.exit_code == 3, negative.output
    assert "envelope" in negative.output
    as_json = cli("bruno", "proposal", "open", SLUG, "--title", "T", "--text", "x",
                  "--method", "poll", "--json")  # fmt: skip
    assert as_json.exit_code == 3
    assert json.loads(as_json.stdout)["error"]["field"] == "method"
    assert ok(cli("bruno", "proposal", "list", SLUG, "--json")) == []
    assert ok(cli("bruno", "decisions", SLUG, "--json")) == []


def test_power_from_contribution_from_the_command_line(cli: Any) -> None:
    assert "off: one member, one vote" in cli("bruno", "contribution-power", SLUG).output
    assert cli("bruno", "contribution-power", SLUG, "--cap", "2").exit_code == 5
    on = cli("aicha", "contribution-power", SLUG, "--cap", "2", "--hours-per-step", "8")
    assert on.exit_code == 0, on.output
    assert "a vote weighs 1 + hours / 8, at most 2" in on.output
    assert ok(cli("dario", "contribution-power", SLUG, "--json")) == {
        "cap": "2",
        "hours_per_step": "8",
        "basis": "hours",
        "distribution_id": None,
    }
    assert ok(cli("aicha", "contribution-power", SLUG, "--off", "--json")) is None


def test_power_from_a_distribution_from_the_command_line(cli: Any, community: Community) -> None:
    unknown = cli("aicha", "contribution-power", SLUG, "--cap", "2", "--distribution", "4")
    assert unknown.exit_code == 3
    assert "no recorded distribution #4" in unknown.output
    assert ok(cli("aicha", "contribution-power", SLUG, "--json")) is None
    distribution_id = paid_by_scores(community)
    on = cli("aicha", "contribution-power", SLUG, "--cap", "2", "--distribution", "1")
    assert on.exit_code == 0, on.output
    assert "a vote weighs 1 + payout / average payout of distribution #1, at most 2" in on.output
    assert ok(cli("dario", "contribution-power", SLUG, "--json")) == {
        "cap": "2",
        "hours_per_step": "10",
        "basis": "distribution",
        "distribution_id": distribution_id,
    }
