"""A bulk import killed half-way (SIGKILL), then run again on the same file: it resumes
where the last whole batch ended, and every transaction is posted exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from partage.services import ledger
from partage.services import transactions as txs
from partage.services.transaction_import_process import CHECKER
from partage.storage import tables as t
from tests.conftest import Community

SCRIPT = Path(__file__).with_name("kill_import.py")
ROWS = 30_000
BATCH = 500
RULES = {
    "commissions": {"producer": {"rate": "10"}, "courier": {"rate": "5", "fixed": "0.20"}},
    "splits": [
        {"of": "commission", "to": "reserve", "percent": "30"},
        {"of": "commission", "to": "commons", "percent": "20"},
        {"of": "amount", "to": "pool:contributeurs", "percent": "2"},
    ],
}


def write_file(path: Path, c: Community) -> tuple[int, int]:
    """ROWS rows: sales, every 1000th with an unknown status, every 1000th (offset 999) a
    refund of half a sale 700 rows earlier — often in an earlier batch. (posted, refused)"""
    payees = [f"member:{a.member.id}" for a in (c.bruno, c.chloe, c.dario)]
    lines = ["reference,occurred_at,amount,status,payee,refund_of"]
    refused = 0
    for n in range(1, ROWS + 1):
        if n % 1000 == 999:
            lines.append(f"R-{n},2026-03-03,-{(n - 700) % 97 + 1}.00,,,S-{n - 700}")
        elif n % 1000 == 0:
            lines.append(f"S-{n},2026-03-02,10.00,baker,{payees[0]},")
            refused += 1
        else:
            status = "courier" if n % 3 == 0 else "producer"
            amount = f"{(n % 97) * 2 + 2}.{n % 100:02d}"
            lines.append(f"S-{n},2026-03-02T{n % 24:02d}:15:00Z,{amount},{status},{payees[n % 3]},")
    path.write_text("\n".join(lines) + "\n")
    return ROWS - refused, refused


def start(db_url: str, path: Path, *, in_process: bool) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            str(SCRIPT),
            db_url,
            "aicha@tiers-lieux.example",
            "--",
            str(path),
            "--org",
            "tiers-lieux",
            "--batch",
            str(BATCH),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "KILL_IMPORT_IN_PROCESS": "1" if in_process else "0"},
    )


def checkers(parent: int) -> list[int]:
    """The processes ``parent`` started to check the import's rows (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and CHECKER.encode() in command:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running: neither gone nor a zombie nobody reaped yet."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def position(c: Community) -> tuple[int, str] | None:
    with c.uow(readonly=True) as u:
        row = u.transactions.conn.execute(
            select(t.transaction_imports.c.position, t.transaction_imports.c.status)
        ).first()
    return None if row is None else (int(row.position), row.status)


def count(c: Community, table: t.Table) -> int:
    with c.uow(readonly=True) as u:
        return int(
            u.transactions.conn.execute(select(func.count()).select_from(table)).scalar_one()
        )


@pytest.mark.parametrize("in_process", [False, True], ids=["inline", "checker"])
def test_an_import_killed_half_way_resumes_and_posts_each_row_once(
    db_url: str, community: Community, tmp_path: Path, in_process: bool
) -> None:
    c = community
    with c.uow() as u:
        txs.set_rules(
            u, actor=c.admin, document=RULES, effective_from=date(2026, 3, 1), now=c.clock()
        )
    path = tmp_path / "export.csv"
    posted, refused = write_file(path, c)
    entries_before = count(c, t.ledger_entries)

    process = start(db_url, path, in_process=in_process)
    deadline = time.monotonic() + 120
    seen = None
    running: list[int] = []
    while time.monotonic() < deadline and process.poll() is None:
        seen = position(c)
        if seen is not None and seen[0] > 0:
            running = checkers(process.pid)
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    _, err = process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL, err
    assert len(running) == int(in_process)
    # The checker, if one ran, ends by itself once its importer is gone.
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in running) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in running)
    killed_at = position(c)
    assert killed_at is not None
    at, status = killed_at
    assert status == "running" and 0 < at < ROWS
    assert at % BATCH == 0  # whole batches only
    # What the killed run committed is consistent with where it says it stopped.
    assert count(c, t.transactions) + count(c, t.transaction_import_errors) == at
    assert count(c, t.ledger_entries) == entries_before + count(c, t.transactions)

    again = start(db_url, path, in_process=in_process)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert f"resuming import #1 at row {at:,}" in err
    assert f"posted: {posted:,}, refused: {refused:,} (of {ROWS:,} rows)" in out

    with c.uow(readonly=True) as u:
        conn = u.transactions.conn
        references = conn.execute(
            select(func.count(), func.count(t.transactions.c.reference.distinct()))
        ).one()
        assert tuple(references) == (posted, posted)
        assert count(c, t.ledger_entries) == entries_before + posted
        assert count(c, t.transaction_import_errors) == refused
        assert position(c) == (ROWS, "done")
        assert ledger.check(u, actor=c.admin).ok
