"""Importing 1,000,000 transactions of a platform, into SQLite and into PostgreSQL.

Generates a CSV export in a temporary directory (1,000 members paid, three statuses, a
commission split three ways — reserve, commons, operations — and 2 % of every sale to a
contributors' pool), then, for each database, in the same run:

* the import: ``partage``'s bulk import (read, check each row, split, hash, write the
  entries, postings and transactions, one commit per 10,000 rows), run in a child process
  whose peak memory (max RSS) is read from ``os.wait4``'s resource usage — beside that of
  the second process the import checks rows in, and with its CPU time counted;
* the floor: the rows the import wrote, copied by the database alone (SQLite: ``INSERT
  … SELECT``; PostgreSQL: ``COPY`` of their text read out before) into empty tables with
  the same indexes — the most any import could do there;
* the reference: a plain bulk insert of the same rows — the CSV's raw columns into a plain
  table, by the same fastest path (SQLite ``executemany``, PostgreSQL ``COPY``), one commit
  per 10,000 rows — in a child process too.

It prints rows/s, wall and CPU time, peak memory, and the ratio import / reference.
PostgreSQL: ``PARTAGE_BENCH_POSTGRES_URL`` (default postgresql://postgres@127.0.0.1:5432/test)
names a server where a fresh database is created, then dropped. Run: make bench, or
``python bench/transactions_import.py [ROWS] [sqlite,postgres]``.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from partage.core.community import LegalForm, MemberKind
from partage.core.currency import iso_currency
from partage.core.roles import Role
from partage.services import ledger
from partage.services import transactions as txs
from partage.services.accounts import find_or_create_user
from partage.services.context import acting
from partage.services.organizations import create_organization
from partage.services.transaction_import import import_transactions
from partage.storage.database import make_engine, normalize_url
from partage.storage.migrate import upgrade
from partage.storage.sourcecred_repo import NewMember
from partage.storage.uow import UnitOfWorkFactory

NOW = datetime(2026, 6, 1, tzinfo=UTC)
POSTGRES = os.environ.get("PARTAGE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
MEMBERS = 1_000
BATCH = 10_000
RULES: dict[str, Any] = {
    "commissions": {
        "producer": {"rate": "12", "fixed": "0.30", "cap": "20"},
        "courier": {"rate": "8"},
        "distributor": {"rate": "5", "floor": "0.50"},
    },
    "splits": [
        {"of": "commission", "to": "reserve", "percent": "30"},
        {"of": "commission", "to": "commons", "percent": "20"},
        {"of": "amount", "to": "pool:contributeurs", "percent": "2"},
    ],
}
COLUMNS = ("reference", "occurred_at", "amount", "currency", "status", "payee", "kind")


def generate(path: Path, rows: int, seed: int = 6) -> None:
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    statuses = ("producer", "courier", "distributor")
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for n in range(1, rows + 1):
            moment = start + timedelta(seconds=n * 7)
            cents = int(rng.paretovariate(1.5) * 900)
            writer.writerow(
                (
                    f"ORDER-{n:08d}",
                    moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    f"{cents // 100}.{cents % 100:02d}",
                    "EUR",
                    statuses[n % 3],
                    f"member:{rng.randint(2, MEMBERS + 1)}",
                    "sale",
                )
            )


def prepare_database(url: str) -> None:
    """An organization, its admin (member 1), 1,000 members and the split rules."""
    engine = make_engine(url)
    upgrade(engine)
    uow = UnitOfWorkFactory(engine)
    with uow() as u:
        user = find_or_create_user(
            u, email="admin@example.org", display_name="Admin", password=None, now=NOW
        )
        admin = create_organization(
            u,
            name="Bench",
            slug="bench",
            currency=iso_currency("EUR"),
            legal_form=LegalForm.ASSOCIATION,
            founder_user_id=user,
            founder_name="Admin",
            now=NOW,
        )
    with uow() as u:
        u.sourcecred.add_members(
            admin.org_id,
            [NewMember(f"Seller {i}", MemberKind.PERSON, Role.MEMBER) for i in range(MEMBERS)],
            now=NOW,
        )
        u.commit()
    with uow() as u:
        txs.set_rules(u, actor=admin, document=RULES, effective_from=date(2026, 1, 1), now=NOW)
    engine.dispose()


def _cpu() -> float:
    """CPU seconds of this process and of its children that ended (the import's checker)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child_import(url: str, path: str) -> dict[str, Any]:
    engine = make_engine(url)
    uow = UnitOfWorkFactory(engine)
    with uow(readonly=True) as u:
        user = u.community.user_by_email("admin@example.org")
        assert user is not None
        admin = acting(u, slug="bench", user_id=int(user._mapping["id"]))
    cpu, wall = _cpu(), time.perf_counter()
    with open(path, "rb") as stream:
        report = import_transactions(
            uow, actor=admin, stream=stream, file_name=Path(path).name, batch=BATCH, now=NOW
        )
    result = {
        "rows": report.rows,
        "posted": report.posted,
        "failed": report.failed,
        "wall": time.perf_counter() - wall,
        "cpu": _cpu() - cpu,
        # The process that checks the rows while they are written, when there is one.
        "checker_rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    engine.dispose()
    return result


def child_check(url: str) -> dict[str, Any]:
    """``partage ledger check`` after the import (its own process: it reads every entry)."""
    engine = make_engine(url)
    uow = UnitOfWorkFactory(engine)
    wall = time.perf_counter()
    with uow(readonly=True) as u:
        user = u.community.user_by_email("admin@example.org")
        assert user is not None
        admin = acting(u, slug="bench", user_id=int(user._mapping["id"]))
        check = ledger.check(u, actor=admin)
    engine.dispose()
    return {"ok": check.ok, "entries": check.entries, "wall": time.perf_counter() - wall}


def child_plain(url: str, path: str) -> dict[str, Any]:
    """The reference: the raw columns into a plain table, batch by batch, fastest path."""
    engine = make_engine(url)
    names = ", ".join(COLUMNS)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS plain_rows")
        conn.exec_driver_sql(f"CREATE TABLE plain_rows ({', '.join(f'{c} TEXT' for c in COLUMNS)})")
    cpu, wall = time.process_time(), time.perf_counter()
    count = 0
    with engine.connect() as conn, open(path, newline="") as source:
        reader = csv.reader(source)
        next(reader)
        raw: Any = conn.connection.dbapi_connection
        postgres = engine.dialect.name == "postgresql"
        while True:
            rows = [row for _, row in zip(range(BATCH), reader, strict=False)]
            if not rows:
                break
            conn.begin()
            if postgres:
                with (
                    raw.cursor() as cursor,
                    cursor.copy(f"COPY plain_rows ({names}) FROM STDIN") as copy,
                ):
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(COLUMNS))
                cursor = raw.cursor()
                statement = f"INSERT INTO plain_rows ({names}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(statement, rows)
                cursor.close()
            conn.commit()
            count += len(rows)
    result = {"rows": count, "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}
    engine.dispose()
    return result


# The tables an import writes, and the column that orders their rows by entry.
WRITTEN = (
    ("ledger_entries", "seq"),
    ("ledger_postings", "entry_seq"),
    ("transactions", "entry_seq"),
)


def _empty_copies(conn: Any, postgres: bool) -> None:
    """Empty tables like each one the import writes, with the same indexes (primary key,
    unique ones, the others), without triggers or foreign keys: ``floor_<table>`` on
    PostgreSQL; on SQLite, the same names in a database file of their own (``floor``,
    attached), so that its page cache holds their indexes alone, as the import's does."""
    for table, _ in WRITTEN:
        if postgres:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS floor_{table}")
            conn.exec_driver_sql(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")
            continue
        schema = conn.exec_driver_sql(
            "SELECT type, sql FROM main.sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL",
            (table,),
        ).all()
        for kind, sql in sorted(schema, key=lambda r: r[0] != "table"):
            if kind == "table":
                conn.exec_driver_sql(re.sub(r'TABLE "?(\w+)"?', r"TABLE floor.\1", sql, count=1))
            elif kind == "index":
                conn.exec_driver_sql(re.sub(r'INDEX "?(\w+)"? ON', r"INDEX floor.\1 ON", sql))


def _rowid_bounds(conn: Any, table: str, seq: str) -> list[tuple[int, int]]:
    """SQLite: each batch's rows of ``table`` as a range of rowids, found before the clock
    starts. A ``WHERE seq`` range would scan the whole table for every batch: its index
    leads with the organization."""
    ends = conn.exec_driver_sql(
        f"SELECT max(rowid) FROM {table} GROUP BY ({seq} - 1) / {BATCH} ORDER BY 1"  # noqa: S608
    ).scalars()
    bounds, low = [], 0
    for high in ends:
        bounds.append((low, int(high)))
        low = int(high)
    return bounds


def child_floor(url: str) -> dict[str, Any]:
    """The database's own floor for the import's rows: the entries, postings and
    transactions it wrote, copied into empty tables with the same indexes, one commit per
    10,000 entries as the import, with no Python per row and no trigger or foreign key —
    SQLite by ``INSERT … SELECT`` into a database file of its own, PostgreSQL by ``COPY``
    of the rows read out before."""
    engine = make_engine(url)
    postgres = engine.dialect.name == "postgresql"
    took = 0.0
    with engine.connect() as conn:
        raw: Any = conn.connection.dbapi_connection
        if not postgres:  # outside any transaction: on the driver's connection
            floor = Path(str(engine.url.database)).with_name("floor.db")
            raw.execute("PRAGMA foreign_keys = OFF")
            raw.execute(f"ATTACH DATABASE '{floor}' AS floor")
            raw.execute("PRAGMA floor.journal_mode = WAL")
            # The page cache the import's connection takes.
            raw.execute("PRAGMA floor.cache_size = -131072")
        with conn.begin():
            _empty_copies(conn, postgres)
            last = int(conn.exec_driver_sql("SELECT max(seq) FROM ledger_entries").scalar_one())
            bounds = {} if postgres else {t: _rowid_bounds(conn, t, s) for t, s in WRITTEN}
        target = "floor_{}" if postgres else "floor.{}"
        for number, start in enumerate(range(0, last, BATCH)):
            conn.begin()
            for table, seq in WRITTEN:
                rows = f"SELECT * FROM {table} WHERE {seq} > {start} AND {seq} <= {start + BATCH}"  # noqa: S608
                into = target.format(table)
                if not postgres:
                    low, high = bounds[table][number]
                    wall = time.perf_counter()
                    conn.exec_driver_sql(
                        f"INSERT INTO {into} SELECT * FROM {table} WHERE rowid > ? AND rowid <= ?",  # noqa: S608
                        (low, high),
                    )
                    took += time.perf_counter() - wall
                    continue
                # PostgreSQL writes fastest through COPY: the batch's rows are read out
                # as COPY text first (not timed), then copied in as one block of bytes.
                with raw.cursor() as cursor:
                    with cursor.copy(f"COPY ({rows}) TO STDOUT") as out:
                        data = b"".join(bytes(block) for block in out)
                    wall = time.perf_counter()
                    with cursor.copy(f"COPY {into} FROM STDIN") as copy:
                        copy.write(data)
                    took += time.perf_counter() - wall
            wall = time.perf_counter()
            conn.commit()
            took += time.perf_counter() - wall
        with conn.begin():
            for table, _ in WRITTEN:
                copied = target.format(table)
                counts = conn.exec_driver_sql(
                    f"SELECT (SELECT count(*) FROM {table}), (SELECT count(*) FROM {copied})"  # noqa: S608
                ).one()
                assert counts[0] == counts[1], f"floor: {counts[1]} of {counts[0]} {table} copied"
                if postgres:
                    conn.exec_driver_sql(f"DROP TABLE {copied}")
    engine.dispose()
    return {"entries": last, "wall": took}


def in_child(mode: str, url: str, path: Path) -> tuple[dict[str, Any], float]:
    """Run ``mode`` in a child process; its result and its peak memory in MiB."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", mode, url, str(path)], stdout=subprocess.PIPE
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"{mode} failed ({child.returncode})")
    return json.loads(output.decode().strip().splitlines()[-1]), usage.ru_maxrss / 1024


def bench(label: str, url: str, path: Path, rows: int) -> None:
    prepare_database(url)
    plain, plain_rss = in_child("plain", url, path)
    plain_rate = plain["rows"] / plain["wall"]
    print(
        f"{label:<10} plain rows {plain['rows']:>9,} inserted in {plain['wall']:7.1f} s wall "
        f"({plain['cpu']:6.1f} s CPU): {plain_rate:9,.0f} rows/s, peak {plain_rss:6.0f} MiB",
        flush=True,
    )
    result, rss = in_child("import", url, path)
    rate = result["posted"] / result["wall"]
    print(
        f"{label:<10} import     {result['posted']:>9,} posted in {result['wall']:7.1f} s wall "
        f"({result['cpu']:6.1f} s CPU): {rate:9,.0f} transactions/s "
        f"({result['posted'] / result['cpu']:,.0f} per CPU second), peak {rss:6.0f} MiB"
        + (f" + {result['checker_rss']:.0f} MiB checking" if result["checker_rss"] else ""),
        flush=True,
    )
    floor, _ = in_child("floor", url, path)
    print(
        f"{label:<10} floor      the database alone writes the same {floor['entries']:,} entries, "
        f"their postings and transactions (same indexes, no Python) in "
        f"{floor['wall']:.1f} s: at most {floor['entries'] / floor['wall']:,.0f} transactions/s "
        "with no Python at all",
        flush=True,
    )
    check, _ = in_child("check", url, path)
    print(
        f"{label:<10} ledger check of {check['entries']:,} entries: "
        f"{'ok' if check['ok'] else 'FAILED'} ({check['wall']:.0f} s)"
    )
    print(
        f"{label:<10} ratio      import takes {result['wall'] / plain['wall']:.1f}x the plain "
        f"insert's time ({result['cpu'] / max(plain['cpu'], 1e-9):.1f}x its CPU)"
    )


def main(rows: int, databases: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        start = time.perf_counter()
        generate(path, rows)
        size = path.stat().st_size / 1024 / 1024
        took = time.perf_counter() - start
        print(f"{rows:,} transactions generated ({size:.0f} MiB of CSV) in {took:.1f} s")
        print(
            f"machine: {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}", flush=True
        )
        if "sqlite" in databases:
            bench("SQLite", f"sqlite:///{tmp}/partage.db", path, rows)
        if "postgres" in databases:
            name = f"partage_bench_{os.getpid()}"
            server = make_engine(POSTGRES, isolation_level="AUTOCOMMIT")
            with server.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(normalize_url(POSTGRES)).set(database=name)
            try:
                bench("PostgreSQL", url.render_as_string(hide_password=False), path, rows)
            finally:
                with server.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                server.dispose()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        mode, url, path = sys.argv[2:5]
        if mode == "import":
            outcome = child_import(url, path)
        elif mode == "check":
            outcome = child_check(url)
        elif mode == "floor":
            outcome = child_floor(url)
        else:
            outcome = child_plain(url, path)
        print(json.dumps(outcome))
    else:
        count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
        chosen = sys.argv[2].split(",") if len(sys.argv) > 2 else ["sqlite", "postgres"]
        main(count, chosen)
