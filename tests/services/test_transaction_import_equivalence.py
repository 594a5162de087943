"""The same transactions, recorded one at a time in one organization and imported in bulk
in another: the same transactions rows, the same entries, postings and hashes."""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from partage.services import ledger
from partage.services import transactions as txs
from partage.services.transaction_import import import_transactions
from partage.services.transactions import TransactionInput
from partage.storage import tables as t
from partage.storage.uow import UnitOfWorkFactory
from tests.conftest import Community, FakeClock, make_community

RULES: dict[str, Any] = {
    "commissions": {
        "producer": {"rate": "12.5", "fixed": "0.30", "cap": "20"},
        "courier": {"rate": "7", "floor": "0.50"},
        "client": {"fixed": "0.10"},
    },
    "splits": [
        {"of": "commission", "to": "reserve", "percent": "33.3"},
        {"of": "commission", "to": "commons", "percent": "20"},
        {"of": "commission", "to": "party:referrer", "percent": "10"},
        {"of": "amount", "to": "pool:contributeurs", "percent": "1.5"},
    ],
}
COLUMNS = "reference,occurred_at,amount,status,payee,payer,kind,refund_of,party:referrer"


def rows(c: Community, n: int) -> list[dict[str, str]]:
    """n rows: sales of three statuses, a referrer on most, a refund now and then (partial,
    of an earlier sale, sometimes several of the same one)."""
    rng = random.Random(6)
    members = [a.member.id for a in (c.bruno, c.chloe, c.dario)]
    start = datetime(2026, 3, 2, 8, tzinfo=UTC)
    out: list[dict[str, str]] = []
    sales: list[tuple[str, int]] = []
    for i in range(n):
        moment = (start + timedelta(minutes=37 * i)).isoformat()
        if sales and rng.random() < 0.15:
            original, amount = rng.choice(sales)
            back = rng.randint(1, max(1, amount // 3))
            out.append(
                {
                    "reference": f"R-{i}",
                    "occurred_at": moment,
                    "amount": f"-{back / 100:.2f}",
                    "status": "producer",
                    "payee": "member:1",
                    "payer": "",
                    "kind": "",
                    "refund_of": original,
                    "party:referrer": "",
                }
            )
            continue
        amount = rng.choice([1, 7, 99, 1000, 4999, rng.randint(1, 10**6)])
        referrer = rng.choice(members)
        out.append(
            {
                "reference": f"S-{i}",
                "occurred_at": moment,
                "amount": f"{amount / 100:.2f}",
                "status": rng.choice(["producer", "courier", "client"]),
                "payee": f"member:{rng.choice(members)}",
                "payer": f"client-{i % 5}",
                "kind": rng.choice(["sale", "delivery"]),
                "refund_of": "",
                "party:referrer": f"member:{referrer}",
            }
        )
        sales.append((f"S-{i}", amount))
    return out


def one_by_one(c: Community, data: list[dict[str, str]]) -> None:
    for r in data:
        amount = round(float(r["amount"]) * 100)  # two decimals written by rows()
        tx = TransactionInput(
            reference=r["reference"],
            amount=amount,
            currency="EUR",
            status=r["status"],
            payee=r["payee"],
            occurred_at=datetime.fromisoformat(r["occurred_at"]),
            kind=r["kind"] or "sale",
            payer=r["payer"],
            parties={"referrer": r["party:referrer"]} if r["party:referrer"] else {},
            refund_of=r["refund_of"] or None,
        )
        with c.uow() as u:
            txs.record_transaction(u, actor=c.admin, tx=tx, now=c.clock())


def written(c: Community) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[Any]]:
    org = c.admin.org_id
    x = t.transactions.c
    with c.uow(readonly=True) as u:
        conn = u.transactions.conn
        transactions = [
            tuple(r)
            for r in conn.execute(
                select(
                    x.id,
                    x.reference,
                    x.kind,
                    x.occurred_at,
                    x.amount,
                    x.currency,
                    x.status,
                    x.payee_id,
                    x.payer,
                    x.parties,
                    x.rule_version,
                    x.commission,
                    x.entry_seq,
                    x.commission_line,
                    x.amount_line,
                    x.refund_of,
                )
                .where(x.organization_id == org)
                .order_by(x.id)
            )
        ]
        p = t.ledger_postings.c
        postings = [
            tuple(r)
            for r in conn.execute(
                select(p.entry_seq, p.line, p.account, p.currency, p.amount)
                .where(p.organization_id == org)
                .order_by(p.entry_seq, p.line)
            )
        ]
        e = t.ledger_entries.c
        entries = [
            tuple(r)
            for r in conn.execute(
                select(e.seq, e.occurred_at, e.cause, e.memo, e.hash)
                .where(e.organization_id == org)
                .order_by(e.seq)
            )
        ]
        assert ledger.check(u, actor=c.admin).ok
    return transactions, postings, entries


@pytest.mark.parametrize("in_process", [False, True])
def test_bulk_and_one_at_a_time_write_the_same_books(
    uow: UnitOfWorkFactory, clock: FakeClock, in_process: bool
) -> None:
    single = make_community(uow, clock, slug="un-par-un")
    bulk = make_community(uow, clock, slug="en-bloc")
    for c in (single, bulk):
        with c.uow() as u:
            txs.set_rules(
                u, actor=c.admin, document=RULES, effective_from=date(2026, 3, 1), now=clock()
            )
    data = rows(single, 120)
    one_by_one(single, data)
    text = COLUMNS + "\n" + "".join(",".join(r[k] for k in COLUMNS.split(",")) + "\n" for r in data)
    report = import_transactions(
        bulk.uow,
        actor=bulk.admin,
        stream=io.BytesIO(text.encode()),
        file_name="export.csv",
        batch=17,
        now=clock(),
        check_in_process=in_process,
    )
    assert (report.posted, report.failed) == (120, 0), report.errors
    expected, got = written(single), written(bulk)
    assert got[0] == expected[0]  # transactions rows
    assert got[1] == expected[1]  # postings
    assert got[2] == expected[2]  # entries, hashes included
