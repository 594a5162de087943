"""A closing is all or nothing, even when the process dies half-way."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from partage.core import chart
from partage.core.closing import Policy, UnspentRule
from partage.core.rounds import RoundStatus
from partage.services import ledger, rounds
from tests.conftest import Community

SCRIPT = Path(__file__).with_name("kill_closing.py")


def _prepare(c: Community) -> int:
    with c.uow() as u:
        r = rounds.open_round(
            u,
            actor=c.admin,
            name="Été",
            envelope=100_000,
            window=timedelta(days=7),
            policy=Policy.DEBT,
            unspent_rule=UnspentRule.RETURN,
            now=c.clock(),
        ).id
    for who, amount in ((c.bruno, 60_000), (c.chloe, 50_000), (c.dario, 30_000)):
        with c.uow() as u:
            rounds.declare_claim(
                u, actor=who, round_id=r, amount=amount, justification="x", now=c.clock()
            )
    c.clock.advance(days=8)
    return r


def _run(db_url: str, c: Community, round_id: int, limit: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            db_url,
            c.admin.organization.slug,
            "aicha@tiers-lieux.example",
            str(round_id),
            str(limit),
            c.clock().isoformat(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("limit", [3, 8, 13, 17])
def test_killed_closing_leaves_nothing_then_closes_whole(
    db_url: str, community: Community, limit: int
) -> None:
    c = community
    round_id = _prepare(c)
    with c.uow(readonly=True) as u:
        journal_before = len(ledger.journal(u, actor=c.admin))
    done = _run(db_url, c, round_id, limit)
    assert done.returncode == -9, done.stdout + done.stderr  # killed mid-way
    with c.uow(readonly=True) as u:
        view = rounds.view_round(u, actor=c.admin, round_id=round_id, now=c.clock())
        assert view.round.status is RoundStatus.OPEN
        assert all(r.granted is None for r in view.claims)
        assert len(ledger.journal(u, actor=c.admin)) == journal_before
        assert (
            ledger.balance_of(u, actor=c.admin, account=chart.round_account(round_id)).minor
            == 100_000
        )
        assert ledger.check(u, actor=c.admin).ok
    with c.uow() as u:
        closing = rounds.close(u, actor=c.admin, round_id=round_id, now=c.clock())
    assert closing.granted == 100_000
    with c.uow(readonly=True) as u:
        assert ledger.check(u, actor=c.admin).ok
        assert ledger.balance_of(u, actor=c.admin, account=chart.round_account(round_id)).minor == 0


def test_the_kill_points_fall_inside_the_closing(db_url: str, community: Community) -> None:
    """Without a kill the script closes after more statements than the largest kill point."""
    c = community
    round_id = _prepare(c)
    done = _run(db_url, c, round_id, 10_000)
    assert done.returncode == 0, done.stderr
    seen = int(done.stdout.split()[2])
    assert seen > 17
