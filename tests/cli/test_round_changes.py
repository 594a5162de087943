"""Changing an open round's envelope and window from the command line."""

from __future__ import annotations

import json

from tests.cli.test_cli import _json
from tests.cli.test_cli import cli as cli  # the fixture, shared


def _setup(cli) -> tuple[str, int]:  # type: ignore[no-untyped-def]
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
    slug = _json(cli("org", "create", "Coop", "--json"))["slug"]
    cli("ledger", "deposit", slug, "5000", "--memo", "Subvention")
    opened = _json(
        cli("round", "open", slug, "--name", "Printemps", "--envelope", "3000", "--json")
    )
    return slug, int(opened["id"])


def test_an_admin_changes_the_envelope_and_the_window(cli) -> None:  # type: ignore[no-untyped-def]
    slug, r = _setup(cli)
    raised = cli("round", "set-envelope", slug, str(r), "4500")
    assert raised.exit_code == 0, raised.output
    assert "envelope 4500.00 EUR" in raised.stdout
    assert (
        _json(cli("round", "set-envelope", slug, str(r), "2500,50", "--json"))["envelope"] == 250050
    )
    shown = _json(cli("round", "show", slug, str(r), "--json"))
    assert shown["view"]["round"]["envelope"] == 250050
    changed = _json(cli("round", "set-window", slug, str(r), "2", "--json"))
    assert changed["window"] == 2 * 24 * 3600
    check = _json(cli("ledger", "check", slug, "--json"))
    assert check["entries"] == 4 and check["ok"] is True


def test_bad_changes_are_refused_naming_the_rule(cli) -> None:  # type: ignore[no-untyped-def]
    slug, r = _setup(cli)
    too_much = cli("round", "set-envelope", slug, str(r), "9000", "--json")
    assert too_much.exit_code != 0
    assert json.loads(too_much.stdout)["error"]["code"] == "round.insufficient_fund"
    negative = cli("round", "set-envelope", slug, str(r), "--json", "--", "-1")
    assert negative.exit_code != 0
    zero_days = cli("round", "set-window", slug, str(r), "0", "--json")
    assert json.loads(zero_days.stdout)["error"]["code"] == "round.bad_window"
    assert _json(cli("ledger", "check", slug, "--json"))["entries"] == 2


def test_a_consent_proposal_from_the_command_line_changes_the_window(cli, clock) -> None:  # type: ignore[no-untyped-def]
    slug, r = _setup(cli)
    action = json.dumps({"kind": "set_round_window", "round_id": r, "window_hours": 48})
    opened = _json(
        cli("proposal", "open", slug, "--title", "Deux jours", "--text", "x", "--action", action,
            "--json")
    )  # fmt: skip
    pid = opened["proposal"]["id"]
    clock.advance(days=8)
    closed = _json(cli("proposal", "close", slug, str(pid), "--json"))[0]  # one closed
    assert closed["outcome"]["action_status"] == "applied", closed
    assert _json(cli("round", "show", slug, str(r), "--json"))["view"]["round"]["window"] == 172800
    refused = cli("proposal", "open", slug, "--title", "Trop", "--text", "x", "--action",
                  json.dumps({"kind": "set_round_envelope", "round_id": r, "envelope": 10**9}),
                  "--json")  # fmt: skip
    assert json.loads(refused.stdout)["error"]["code"] == "round.insufficient_fund"
