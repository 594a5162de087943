"""`partage units reverse`: a mistaken operation undone from the command line, and refusals."""

from __future__ import annotations

import json

from tests.cli.test_units import ORG, _cli, _entries
from tests.conftest import Community


def test_reverse_a_purchase_from_the_command_line(community: Community, db_url: str) -> None:
    c = community
    cli = _cli(c, db_url)
    b = str(c.bruno.member.id)
    assert cli("units", "define", ORG, "CREDIT", "--name", "Crédits", "--price", "0.50"
               ).exit_code == 0  # fmt: skip
    bought = json.loads(
        cli("units", "buy", ORG, "CREDIT", "--member", b, "--quantity", "20", "--json").stdout
    )
    done = cli("units", "reverse", str(bought["id"]), "--org", ORG, "--reason",
               "recorded twice", "--json")  # fmt: skip
    assert done.exit_code == 0, done.output
    reversal = json.loads(done.stdout)
    assert (reversal["kind"], reversal["reverses"], reversal["purpose"]) == (
        "reversal",
        bought["id"],
        "recorded twice",
    )
    assert (reversal["quantity"], reversal["money_amount"]) == (20, 1000)
    mine = json.loads(cli("units", "balances", ORG, "--json", acting="bruno").stdout)
    assert mine[0]["balance"] == "0"
    moves = cli("units", "movements", ORG)
    assert f"[reversed by #{reversal['id']}]" in moves.stdout
    assert f"operation #{bought['id']} reversed, 20 CREDIT: recorded twice" in moves.stdout
    checked = json.loads(cli("ledger", "check", ORG, "--json").stdout)
    assert checked["ok"] is True
    # Plain text names the reversal and its entry.
    again = cli("units", "buy", ORG, "CREDIT", "--member", b, "--quantity", "2", "--json")
    plain = cli("units", "reverse", str(json.loads(again.stdout)["id"]), "--org", ORG,
                "--reason", "wrong member")  # fmt: skip
    assert plain.exit_code == 0, plain.output
    assert plain.stdout.startswith(f"reversal #{reversal['id'] + 2}: operation #")


def test_refused_reversals_exit_with_their_code(community: Community, db_url: str) -> None:
    c = community
    cli = _cli(c, db_url)
    b = str(c.bruno.member.id)
    assert cli("units", "define", ORG, "CREDIT", "--name", "Crédits").exit_code == 0
    granted = json.loads(cli("units", "grant", ORG, "CREDIT", "--member", b, "--quantity",
                             "10", "--reason", "welcome", "--json").stdout)  # fmt: skip
    op = str(granted["id"])
    before = _entries(cli)

    def code(*args: str, acting: str = "aicha") -> tuple[int, str]:
        found = cli("units", "reverse", *args, "--json", acting=acting)
        return found.exit_code, json.loads(found.stdout)["error"]["code"]

    assert code("999", "--org", ORG, "--reason", "x") == (4, "units.operation_not_found")
    assert code(op, "--org", ORG, "--reason", "x", acting="bruno") == (5, "role.not_admin")
    assert code(op, "--org", ORG, "--reason", " ") == (3, "reason.required")
    assert _entries(cli) == before
    assert cli("units", "spend", ORG, "CREDIT", "--quantity", "6", "--purpose", "offer",
               acting="bruno").exit_code == 0  # fmt: skip
    before = _entries(cli)
    assert code(op, "--org", ORG, "--reason", "x") == (3, "units.reversal_below_limit")
    assert _entries(cli) == before
    shown = cli("units", "reverse", op, "--org", ORG, "--reason", "x")
    assert shown.exit_code == 3
    assert "Bruno's" in shown.output and "from 4 CREDIT to -6 CREDIT" in shown.output
    other = json.loads(cli("units", "grant", ORG, "CREDIT", "--member", b, "--quantity", "1",
                           "--reason", "x", "--json").stdout)  # fmt: skip
    first = cli("units", "reverse", str(other["id"]), "--org", ORG, "--reason", "x", "--json")
    assert first.exit_code == 0
    assert code(str(other["id"]), "--org", ORG, "--reason", "x") == (6, "units.already_reversed")
    reversal = str(json.loads(first.stdout)["id"])
    assert code(reversal, "--org", ORG, "--reason", "x") == (3, "units.reversal_of_reversal")
