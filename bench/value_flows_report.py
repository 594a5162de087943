"""Reading where the money of a million transactions went, on SQLite and PostgreSQL.

Imports ROWS transactions with bench/transactions_import.py's generator and bulk import
(1,000 members paid, a commission split three ways, 2 % to a pool), then, each in a child
process of its own (peak memory from ``os.wait4``), for the whole period:

* the report: ``value_flows.flows`` — one aggregate query joining transactions to postings;
* the reference: a plain ``SELECT account, SUM(amount) FROM ledger_postings GROUP BY
  account`` over the same postings, without the join or the parts;
* one member's statement (totals and the first 200 rows);
* the line-by-line CSV export, streamed to nowhere.

The planner's statistics are gathered (``ANALYZE``) after the import, as PostgreSQL's
autovacuum does after a bulk load: without them it sorts five million postings on disk
instead of hashing them.

It prints the wall time of each, the ratio report / reference, and the export's rows/s and
peak memory. Run: ``python bench/value_flows_report.py [ROWS] [sqlite,postgres]``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from partage.services import value_flows as vf
from partage.services.context import acting
from partage.storage.database import make_engine, normalize_url
from partage.storage.uow import UnitOfWorkFactory

_spec = importlib.util.spec_from_file_location(
    "transactions_import", Path(__file__).with_name("transactions_import.py")
)
assert _spec is not None and _spec.loader is not None
importer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(importer)

SINCE, UNTIL = date(2025, 12, 31), date(2026, 12, 31)


def child(mode: str, url: str) -> dict[str, Any]:
    engine = make_engine(url)
    uow = UnitOfWorkFactory(engine)
    with uow(readonly=True) as u:
        user = u.community.user_by_email("admin@example.org")
        assert user is not None
        admin = acting(u, slug="bench", user_id=int(user._mapping["id"]))
        wall = time.perf_counter()
        if mode == "report":
            report = vf.flows(u, actor=admin, since=SINCE, until=UNTIL)
            found: dict[str, Any] = {"transactions": report.transactions, "total": report.total}
        elif mode == "reference":
            rows = u.value_flows.conn.execute(
                text("SELECT account, SUM(amount) FROM ledger_postings GROUP BY account")
            ).all()
            found = {"accounts": len(rows)}
        elif mode == "statement":
            shown = vf.statement(u, actor=admin, member_id=2, since=SINCE, until=UNTIL)
            found = {"transactions": shown.totals.transactions, "rows": len(shown.rows)}
        else:
            chunks = vf.lines_csv(u, actor=admin, since=SINCE, until=UNTIL)
            count = sum(chunk.count("\n") for chunk in chunks) - 1
            found = {"lines": count}
        found["wall"] = time.perf_counter() - wall
    engine.dispose()
    return found


def in_child(mode: str, url: str) -> tuple[dict[str, Any], float]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", mode, url], stdout=subprocess.PIPE
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{mode} failed")
    return json.loads(output.decode().strip().splitlines()[-1]), usage.ru_maxrss / 1024


def bench(label: str, url: str, path: Path) -> None:
    importer.prepare_database(url)
    imported, _ = importer.in_child("import", url, path)
    print(f"{label:<10} {imported['posted']:,} transactions imported", flush=True)
    # The planner's statistics, as PostgreSQL's autovacuum gathers them after a bulk load.
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    report, report_rss = in_child("report", url)
    reference, _ = in_child("reference", url)
    print(
        f"{label:<10} report     {report['transactions']:>9,} transactions in "
        f"{report['wall']:6.2f} s (peak {report_rss:5.0f} MiB); plain sum of the postings "
        f"{reference['wall']:6.2f} s: ratio {report['wall'] / reference['wall']:.1f}x",
        flush=True,
    )
    statement, _ = in_child("statement", url)
    print(
        f"{label:<10} statement  {statement['transactions']:>9,} transactions of one member "
        f"in {statement['wall']:6.2f} s",
        flush=True,
    )
    lines, lines_rss = in_child("lines", url)
    print(
        f"{label:<10} CSV lines  {lines['lines']:>9,} in {lines['wall']:6.1f} s "
        f"({lines['lines'] / lines['wall']:,.0f} lines/s), peak {lines_rss:5.0f} MiB",
        flush=True,
    )


def main(rows: int, databases: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        importer.generate(path, rows)
        print(f"{rows:,} transactions; machine: {os.cpu_count()} CPU(s)", flush=True)
        if "sqlite" in databases:
            bench("SQLite", f"sqlite:///{tmp}/partage.db", path)
        if "postgres" in databases:
            name = f"partage_flows_{os.getpid()}"
            server = make_engine(importer.POSTGRES, isolation_level="AUTOCOMMIT")
            with server.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(normalize_url(importer.POSTGRES)).set(database=name)
            try:
                bench("PostgreSQL", url.render_as_string(hide_password=False), path)
            finally:
                with server.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                server.dispose()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
    else:
        count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
        chosen = sys.argv[2].split(",") if len(sys.argv) > 2 else ["sqlite", "postgres"]
        main(count, chosen)
