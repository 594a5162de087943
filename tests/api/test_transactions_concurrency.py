"""Fifty clients of a live server post the same transactions with the same Idempotency-Keys,
each retrying: every transaction is posted exactly once, the books balance, nothing fails.

The server is the real application under uvicorn on loopback, so the requests meet in its
thread pool and in the database, as a platform's retries would: on PostgreSQL the
organization's row lock orders them, on SQLite the database's write lock does.
"""

from __future__ import annotations

import http.client
import json
import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from urllib.parse import urlsplit

from partage.services import accounts, ledger
from partage.services import transactions as txs
from tests.conftest import Community
from tests.web.conftest import serve

CLIENTS = 50
TRANSACTIONS = 12
RULES = {
    "commissions": {"producer": {"rate": "12", "fixed": "0.30"}},
    "splits": [
        {"of": "commission", "to": "reserve", "percent": "30"},
        {"of": "amount", "to": "pool:contributeurs", "percent": "2"},
    ],
}


def _post(
    conn: http.client.HTTPConnection, path: str, body: dict[str, object], headers: dict[str, str]
) -> tuple[int, str, bytes]:
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    return response.status, response.getheader("Idempotent-Replayed") or "", response.read()


def test_fifty_clients_retrying_the_same_keys_post_each_transaction_once(
    community: Community, db_url: str
) -> None:
    c = community
    with c.uow() as u:
        txs.set_rules(
            u, actor=c.admin, document=RULES, effective_from=date(2026, 3, 1), now=c.clock()
        )
    with c.uow() as u:
        token = accounts.create_token(u, actor=c.admin, label="platform", now=c.clock())
    payees = [c.bruno.member.id, c.chloe.member.id, c.dario.member.id]
    bodies = [
        {
            "reference": f"order-{i}",
            "amount": f"{10 + i}.{i:02d}",
            "status": "producer",
            "payee": f"member:{payees[i % 3]}",
            "occurred_at": "2026-03-02T08:00:00Z",
            "kind": "delivery",
        }
        for i in range(TRANSACTIONS)
    ]
    with serve(db_url, c.clock) as base:
        address = urlsplit(base)

        def client(seed: int) -> list[tuple[int, str, str]]:
            order = list(range(TRANSACTIONS)) * 2  # every request is retried once
            random.Random(seed).shuffle(order)
            conn = http.client.HTTPConnection(address.hostname or "", address.port, timeout=60)
            seen = []
            try:
                for i in order:
                    headers = {
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                        "Idempotency-Key": f"key-{i}",
                    }
                    status, replayed, raw = _post(
                        conn, "/api/orgs/tiers-lieux/transactions", bodies[i], headers
                    )
                    seen.append((status, replayed, json.loads(raw).get("reference", raw.decode())))
            finally:
                conn.close()
            return seen

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            answers = [a for batch in pool.map(client, range(CLIENTS)) for a in batch]

    statuses = Counter(status for status, _, _ in answers)
    assert set(statuses) <= {200, 201}, statuses
    assert statuses[201] == TRANSACTIONS
    assert statuses[200] == CLIENTS * TRANSACTIONS * 2 - TRANSACTIONS
    assert all(replayed == "true" for status, replayed, _ in answers if status == 200)
    assert Counter(ref for status, _, ref in answers if status == 201) == Counter(
        b["reference"] for b in bodies
    )
    with c.uow(readonly=True) as u:
        posted = txs.transactions(u, actor=c.admin, limit=1000)
        assert sorted(v.reference for v in posted) == sorted(b["reference"] for b in bodies)
        assert ledger.check(u, actor=c.admin).ok
        journal = ledger.journal(u, actor=c.admin)
        assert sum(1 for e in journal if e.entry.cause.startswith("transaction:")) == TRANSACTIONS
        bank = ledger.balance_of(u, actor=c.admin, account="bank").minor
    paid_in = sum(int(b["amount"].replace(".", "")) for b in bodies)  # type: ignore[attr-defined]
    assert bank == 1_000_000 + paid_in
