"""Single transactions through the API: 50 concurrent clients on loopback, with retries.

Starts the real application under uvicorn (one process, as `partage serve` runs it) on a
fresh database — PostgreSQL when PARTAGE_BENCH_POSTGRES_URL (or PARTAGE_TEST_POSTGRES_URL)
names a server, else a SQLite file — with an organization, three members and split rules.
Then 50 client threads, each with its own keep-alive connection, run three phases of the
same number of requests:

1. ``GET /api/orgs/{slug}`` — the reference for a read;
2. ``POST /api/orgs/{slug}/ledger/deposits`` — the reference for a write (one ledger entry);
3. ``POST /api/orgs/{slug}/transactions`` with an ``Idempotency-Key`` each, and one request in
   ten sent again with the same key (a client retrying after a lost answer).

Prints requests per second, p50/p99 latency, errors (any answer but 200/201), duplicates (a
reference posted twice: must be 0) and the ratios of the transactions' throughput to the two
references, measured in the same run. Then checks the books (every entry balanced, chained).

Run: .venv/bin/python bench/transactions_api.py [N]   (N transactions, default 5000)
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from partage.core.community import LegalForm
from partage.core.currency import iso_currency
from partage.core.roles import Role
from partage.services import accounts, ledger
from partage.services import transactions as txs
from partage.services.context import acting
from partage.services.organizations import add_member, create_organization
from partage.storage.database import make_engine, normalize_url
from partage.storage.migrate import upgrade
from partage.storage.uow import UnitOfWorkFactory

CLIENTS = 50
SLUG = "cooperative-livraison"
RULES = {
    "commissions": {
        "producer": {"rate": "12", "fixed": "0.30", "cap": "20"},
        "courier": {"rate": "5"},
    },
    "splits": [
        {"of": "commission", "to": "reserve", "percent": "30"},
        {"of": "commission", "to": "project:solidarite", "percent": "20"},
        {"of": "amount", "to": "pool:contributeurs", "percent": "2"},
    ],
}


@contextmanager
def database() -> Iterator[tuple[str, str]]:
    """A fresh, migrated database: its URL and a name for the report."""
    server_url = os.environ.get("PARTAGE_BENCH_POSTGRES_URL") or os.environ.get(
        "PARTAGE_TEST_POSTGRES_URL"
    )
    if not server_url:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            yield url, "SQLite"
        return
    name = f"partage_bench_{os.getpid()}"
    server = make_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(normalize_url(server_url)).set(database=name)
    rendered = url.render_as_string(hide_password=False)
    try:
        engine = make_engine(rendered)
        upgrade(engine)
        engine.dispose()
        yield rendered, "PostgreSQL"
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def setup(url: str) -> tuple[str, int, list[int]]:
    """An organization with an admin, three members and split rules; the admin's API token."""
    uow = UnitOfWorkFactory(make_engine(url))
    now = datetime.now(UTC)
    with uow() as u:
        user = accounts.find_or_create_user(
            u,
            email="admin@bench.example",
            display_name="Admin",
            password="bench bench",  # noqa: S106 - a throwaway database
            now=now,
        )
        admin = create_organization(
            u,
            name="Coopérative de livraison",
            slug=SLUG,
            currency=iso_currency("EUR"),
            legal_form=LegalForm.ASSOCIATION,
            founder_user_id=user,
            founder_name="Admin",
            now=now,
        )
    members = []
    for name in ("Ferme du Pré", "Boulangerie Lune", "Vélo Express"):
        with uow() as u:
            members.append(add_member(u, actor=admin, name=name, role=Role.MEMBER, now=now).id)
    with uow() as u:
        txs.set_rules(u, actor=admin, document=RULES, effective_from=date(2000, 1, 1), now=now)
    with uow(readonly=True) as u:
        admin = acting(u, slug=SLUG, user_id=user)
    with uow() as u:
        token = accounts.create_token(u, actor=admin, label="bench", now=now)
    uow.engine.dispose()
    return token, user, members


@contextmanager
def server(url: str) -> Iterator[int]:
    """The application under uvicorn in a process of its own; its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    code = (
        "import uvicorn\n"
        "from partage.app import create_app\n"
        "from partage.settings import Settings\n"
        f"app = create_app(Settings(database_url={url!r}, secret_key='bench'))\n"
        f"uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning', "
        "access_log=False)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


Request = tuple[str, str, dict[str, object] | None, dict[str, str]]


def run_phase(
    port: int, plans: list[list[Request]]
) -> tuple[float, list[float], list[tuple[int, str, bytes]]]:
    """Each plan on its own client thread; the wall time, every latency and every answer."""

    def client(plan: list[Request]) -> list[tuple[float, int, str, bytes]]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        done = []
        try:
            for method, path, body, headers in plan:
                start = time.perf_counter()
                conn.request(method, path, body=None if body is None else json.dumps(body),
                             headers=headers)  # fmt: skip
                response = conn.getresponse()
                raw = response.read()
                took = time.perf_counter() - start
                done.append(
                    (took, response.status, response.getheader("Idempotent-Replayed") or "", raw)
                )
        finally:
            conn.close()
        return done

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = [r for batch in pool.map(client, plans) for r in batch]
    wall = time.perf_counter() - start
    return wall, [r[0] for r in results], [(r[1], r[2], r[3]) for r in results]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(
    name: str, wall: float, latencies: list[float], answers: list[tuple[int, str, bytes]]
) -> float:
    errors = sum(1 for status, _, _ in answers if status not in (200, 201))
    rate = len(answers) / wall
    print(
        f"  {name:<34} {len(answers):>6} requests in {wall:6.2f} s: {rate:7.0f} req/s, "
        f"p50 {percentile(latencies, 0.5) * 1000:6.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:6.1f} ms, errors {errors}"
    )
    return rate


def split_among_clients(requests: list[Request]) -> list[list[Request]]:
    return [requests[i::CLIENTS] for i in range(CLIENTS)]


def main(n: int = 5000) -> None:
    rng = random.Random(6)
    with database() as (url, backend):
        token, user, members = setup(url)
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        org = f"/api/orgs/{SLUG}"
        with server(url) as port:
            run_phase(port, split_among_clients([("GET", org, None, auth)] * CLIENTS))  # warm-up
            reads = [("GET", org, None, auth)] * n
            deposits: list[Request] = [
                ("POST", f"{org}/ledger/deposits", {"amount": "12.50", "memo": f"don {i}"}, auth)
                for i in range(n)
            ]
            sales: list[Request] = []
            for i in range(n):
                body: dict[str, object] = {
                    "reference": f"order-{i}",
                    "amount": f"{rng.randint(100, 20000) / 100:.2f}",
                    "status": "producer" if i % 4 else "courier",
                    "payee": f"member:{members[i % len(members)]}",
                    "occurred_at": datetime.now(UTC).isoformat(),
                    "kind": "delivery",
                }
                sales.append(("POST", f"{org}/transactions", body,
                              {**auth, "Idempotency-Key": f"bench-{i}"}))  # fmt: skip
            # One request in ten is sent again by another client: a retry after a lost answer.
            retries = [sales[i] for i in rng.sample(range(n), n // 10)]
            plans = split_among_clients(sales)
            for i, retry in enumerate(retries):
                plans[(i * 7 + 3) % CLIENTS].append(retry)
            for plan in plans:
                rng.shuffle(plan)

            print(f"{backend}, {CLIENTS} clients, {n} transactions (+{len(retries)} retries):")
            read_rate = report(
                "GET /orgs/{slug} (reference)", *run_phase(port, split_among_clients(reads))
            )
            deposit_rate = report(
                "POST ledger/deposits (reference)", *run_phase(port, split_among_clients(deposits))
            )
            wall, latencies, answers = run_phase(port, plans)
            tx_rate = report("POST transactions + Idempotency-Key", wall, latencies, answers)

        created = Counter(
            json.loads(raw)["reference"] for status, _, raw in answers if status == 201
        )
        replayed = sum(1 for status, flag, _ in answers if status == 200 and flag == "true")
        uow = UnitOfWorkFactory(make_engine(url))
        with uow(readonly=True) as u:
            admin = acting(u, slug=SLUG, user_id=user)
            total = u.transactions.count(admin.org_id)
            books = ledger.check(u, actor=admin)
        uow.engine.dispose()
        duplicates = sum(c - 1 for c in created.values() if c > 1) + (total - len(created))
        print(
            f"  posted {len(created)} of {n}, replayed {replayed}, rows {total}, "
            f"duplicates {duplicates}; books {'balanced and chained' if books.ok else 'BROKEN'} "
            f"({books.entries} entries)"
        )
        print(
            f"  ratio transactions / deposits {tx_rate / deposit_rate:.2f}, "
            f"transactions / reads {tx_rate / read_rate:.2f} (higher is faster)"
        )


def _int_arg(argv: list[str], default: int) -> int:
    return int(argv[1]) if len(argv) > 1 else default


if __name__ == "__main__":
    main(_int_arg(sys.argv, 5000))
