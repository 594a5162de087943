"""Importing a platform's export: six rows of a market, read as one-at-a-time would read
them, split, refunded, refused row by row — then the same in JSON lines, a dry run, a file
imported twice, a wrong header."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from partage.core.errors import Conflict, Forbidden, InvalidInput
from partage.core.ledger import entry, entry_hash
from partage.services import ledger
from partage.services import transactions as txs
from partage.services.transaction_import import ImportReport, import_report, import_transactions
from partage.services.transaction_import_entries import chain, hash_tail
from partage.storage import tables as t
from tests.conftest import Community

# 10 % on producers, 5 % + 0.20 € on couriers; half the commission to the impartible
# reserve, the rest to operations; 2 % of every sale to the contributors' pool.
MARKET: dict[str, Any] = {
    "commissions": {"producer": {"rate": "10"}, "courier": {"rate": "5", "fixed": "0.20"}},
    "splits": [
        {"of": "commission", "to": "reserve", "percent": "50"},
        {"of": "amount", "to": "pool:contributeurs", "percent": "2"},
    ],
}
HEADER = "reference,occurred_at,amount,currency,status,payee,payer,kind,refund_of"


def with_market_rules(c: Community) -> Community:
    with c.uow() as u:
        txs.set_rules(
            u, actor=c.admin, document=MARKET, effective_from=date(2026, 3, 1), now=c.clock()
        )
    return c


@pytest.fixture
def market(community: Community) -> Community:
    return with_market_rules(community)


def six_rows(c: Community) -> list[dict[str, str]]:
    bruno, chloe, dario = (f"member:{a.member.id}" for a in (c.bruno, c.chloe, c.dario))
    row = dict.fromkeys(HEADER.split(","), "")
    return [
        {
            **row,
            "reference": "S-1",
            "occurred_at": "2026-03-02T10:00:00Z",
            "amount": "49.99",
            "currency": "EUR",
            "status": "producer",
            "payee": bruno,
            "payer": "client-7",
        },
        {
            **row,
            "reference": "S-2",
            "occurred_at": "2026-03-02",
            "amount": "20.00",
            "currency": "EUR",
            "status": "producer",
            "payee": chloe,
        },
        {
            **row,
            "reference": "D-1",
            "occurred_at": "2026-03-02T11:00:00+01:00",
            "amount": "8",
            "status": "courier",
            "payee": dario,
            "kind": "delivery",
        },
        {
            **row,
            "reference": "R-1",
            "occurred_at": "2026-03-03",
            "amount": "-20.00",
            "currency": "EUR",
            "refund_of": "S-2",
        },
        {
            **row,
            "reference": "S-3",
            "occurred_at": "2026-03-03",
            "amount": "10.00",
            "currency": "EUR",
            "status": "baker",
            "payee": bruno,
        },
        {
            **row,
            "reference": "S-1",
            "occurred_at": "2026-03-03",
            "amount": "5.00",
            "currency": "EUR",
            "status": "producer",
            "payee": bruno,
        },
    ]


def as_csv(rows: list[dict[str, str]]) -> bytes:
    lines = [HEADER] + [",".join(r[k] for k in HEADER.split(",")) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def as_jsonl(rows: list[dict[str, str]]) -> bytes:
    return "".join(json.dumps({k: v for k, v in r.items() if v}) + "\n" for r in rows).encode()


def run(c: Community, data: bytes, name: str = "market.csv", **kw: Any) -> ImportReport:
    return import_transactions(
        c.uow, actor=c.admin, stream=io.BytesIO(data), file_name=name, now=c.clock(), **kw
    )


def balances(c: Community) -> dict[str, int]:
    with c.uow(readonly=True) as u:
        return {b.account: b.amount.minor for b in ledger.balances(u, actor=c.admin)}


def counts(c: Community) -> tuple[int, ...]:
    with c.uow(readonly=True) as u:
        conn = u.transactions.conn
        return tuple(
            int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (
                t.transactions,
                t.ledger_entries,
                t.ledger_postings,
                t.transaction_imports,
                t.transaction_import_errors,
            )
        )


def moved(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {
        a: after.get(a, 0) - before.get(a, 0) for a in after if after.get(a, 0) != before.get(a, 0)
    }


def check_worked_example(c: Community, report: ImportReport, before: dict[str, int]) -> None:
    assert (report.rows, report.posted, report.failed, report.status) == (6, 4, 2, "done")
    assert [(e.row, e.field, e.code) for e in report.errors] == [
        (5, "status", "transaction.unknown_status"),
        (6, "reference", "transaction.duplicate_reference"),
    ]
    # S-1 49.99: pool 2 % = 0.9998 → 1.00; commission 10 % = 4.999 → 5.00, half to the
    # reserve 2.50, operations 2.50; Bruno 49.99 − 5.00 − 1.00 = 43.99.
    # S-2 20.00: pool 0.40, commission 2.00 (1.00 + 1.00), Chloé 17.60 — refunded whole.
    # D-1 8.00: pool 0.16, commission 5 % + 0.20 = 0.60 (0.30 + 0.30), Dario 7.24.
    bruno, dario = c.bruno.member.id, c.dario.member.id
    assert moved(before, balances(c)) == {
        "bank": 4999 + 800,
        f"member:{bruno}": 4399,
        f"member:{dario}": 724,
        "fund:reserve": 250 + 30,
        "fund:operations": 250 + 30,
        "fund:pool:contributeurs": 100 + 16,
    }
    with c.uow(readonly=True) as u:
        assert ledger.check(u, actor=c.admin).ok
        s1 = u.transactions.by_reference(c.admin.org_id, "S-1")
        r1 = u.transactions.by_reference(c.admin.org_id, "R-1")
        d1 = u.transactions.by_reference(c.admin.org_id, "D-1")
    assert s1 is not None and r1 is not None and d1 is not None
    assert (s1.kind, s1.payer, s1.commission, s1.rule_version, s1.import_id) == (
        "sale",
        "client-7",
        500,
        1,
        report.id,
    )
    assert (r1.kind, r1.amount, r1.refund_of_reference, r1.status) == (
        "refund",
        2000,
        "S-2",
        "producer",
    )
    assert d1.occurred_at == datetime(2026, 3, 2, 10, tzinfo=UTC)  # 11:00 +01:00


def test_six_rows_of_a_market_post_four_and_report_two(market: Community) -> None:
    before = balances(market)
    report = run(market, as_csv(six_rows(market)))
    check_worked_example(market, report, before)
    with market.uow(readonly=True) as u:
        again = import_report(u, actor=market.admin, import_id=report.id or 0)
    assert again.errors == report.errors and again.error_count == 2


def test_the_same_rows_in_json_lines(market: Community) -> None:
    before = balances(market)
    report = run(market, as_jsonl(six_rows(market)), name="market.jsonl")
    assert report.format == "jsonl"
    check_worked_example(market, report, before)


def test_parties_columns_and_aliases(market: Community) -> None:
    with market.uow() as u:
        txs.set_rules(
            u,
            actor=market.admin,
            document={
                **MARKET,
                "splits": [{"of": "amount", "to": "party:referrer", "percent": "5"}],
            },
            effective_from=date(2026, 3, 4),
            now=market.clock(),
        )
        u.aliases.add(
            market.admin.org_id,
            alias="shop:881",
            member_id=market.chloe.member.id,
            source="platform",
            now=market.clock(),
        )
        u.commit()
    data = (
        "reference,occurred_at,amount,status,payee,party:referrer\n"
        f"A-1,2026-03-04,100.00,producer,shop:881,{market.dario.member.id}\n"
        "A-2,2026-03-04,100.00,producer,shop:881,\n"
        "A-3,2026-03-04,100.00,producer,nobody,\n"
    ).encode()
    before = balances(market)
    report = run(market, data)
    assert [(e.row, e.code) for e in report.errors] == [
        (2, "transaction.missing_party"),
        (3, "transaction.unknown_payee"),
    ]
    # 100.00: 5 % to Dario the referrer, 10 % commission to operations, Chloé 85.00.
    assert moved(before, balances(market)) == {
        "bank": 10000,
        f"member:{market.chloe.member.id}": 8500,
        f"member:{market.dario.member.id}": 500,
        "fund:operations": 1000,
    }


def test_a_dry_run_reports_the_same_and_writes_nothing(market: Community) -> None:
    before = counts(market)
    report = run(market, as_csv(six_rows(market)), dry_run=True)
    assert (report.posted, report.failed, report.status, report.id) == (4, 2, "dry_run", None)
    assert [e.row for e in report.errors] == [5, 6]
    assert counts(market) == before


def test_a_file_imported_in_full_is_refused_the_second_time(market: Community) -> None:
    data = as_csv(six_rows(market))
    first = run(market, data)
    before = counts(market)
    with pytest.raises(Conflict) as caught:
        run(market, data)
    assert caught.value.code == "import.already_done"
    assert f"#{first.id}" in caught.value.message
    assert counts(market) == before


def test_small_batches_give_the_same_books(market: Community) -> None:
    before = balances(market)
    report = run(market, as_csv(six_rows(market)), batch=2)
    check_worked_example(market, report, before)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"reference,amount\nS-1,1.00\n", "import.bad_header"),
        (b"", "import.bad_header"),
        (HEADER.encode() + b",colour\n", "import.bad_header"),
        (b"reference,occurred_at,amount,status,payee\n\xff\xfe,,,\n", "import.unreadable"),
    ],
)
def test_a_wrong_header_or_unreadable_file_writes_nothing(
    market: Community, data: bytes, code: str
) -> None:
    before = counts(market)
    with pytest.raises(InvalidInput) as caught:
        run(market, data)
    assert caught.value.code == code
    assert caught.value.field == "file"
    assert counts(market) == before


def test_only_an_admin_imports(market: Community) -> None:
    with pytest.raises(Forbidden):
        import_transactions(
            market.uow,
            actor=market.bruno,
            stream=io.BytesIO(as_csv(six_rows(market))),
            file_name="x.csv",
            now=market.clock(),
        )


def test_bad_cells_are_refused_with_the_single_transaction_codes(market: Community) -> None:
    bruno = f"member:{market.bruno.member.id}"
    data = (
        "reference,occurred_at,amount,currency,status,payee,refund_of\n"
        f"B-1,2026-03-02,-5.00,EUR,producer,{bruno},\n"
        f"B-2,2026-03-02,5.00,USD,producer,{bruno},\n"
        f"B-3,2026-03-02T10:00:00,5.00,EUR,producer,{bruno},\n"
        f"B-4,2026-02-02,5.00,EUR,producer,{bruno},\n"
        f"B-5,2026-03-02,5.001,EUR,producer,{bruno},\n"
        f"B-6,2026-03-02,-1,EUR,,,NOPE\n"
        f"B-7,2026-03-02,5.00,EUR,producer\n"
        f"B-8,2026-03-02,0,EUR,producer,{bruno},\n"
        f"OK-1,2026-03-05,5.00,EUR,producer,{bruno},\n"
        f"B-10,2026-03-04,-1,EUR,,,OK-1\n"
        f"B-11,2026-03-05,-5.01,EUR,,,OK-1\n"
        f"B-12,2026-03-05,-1,EUR,,,B-1\n"
    ).encode()
    report = run(market, data)
    assert len(report.errors) == 10 and report.error_count == 11  # the first ten shown
    with market.uow(readonly=True) as u:
        full = import_report(u, actor=market.admin, import_id=report.id or 0)
    assert [(e.row, e.code) for e in full.errors] == [
        (1, "transaction.negative_amount"),
        (2, "currency.mismatch"),
        (3, "transaction.naive_time"),
        (4, "rules.none_in_force"),
        (5, "amount.too_many_decimals"),
        (6, "transaction.not_found"),
        (7, "import.bad_row"),
        (8, "amount.zero"),
        (10, "refund.before_original"),
        (11, "refund.exceeds_paid"),
        (12, "transaction.not_found"),
    ]
    assert report.posted == 1


texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@given(
    texts,
    st.lists(st.integers(1, 10**12), min_size=1, max_size=4),
    st.datetimes(timezones=st.just(UTC)),
    st.integers(1, 10**9),
)
def test_the_chained_hash_is_the_ledger_s_hash(
    memo: str, amounts: list[int], moment: datetime, seq: int
) -> None:
    lines = [("bank", sum(amounts), "EUR")] + [
        (f"member:{i}", -a, "EUR") for i, a in enumerate(amounts, start=1)
    ]
    item = entry(occurred_at=moment, cause=f"transaction:{seq}", memo=memo, postings=lines)
    tail = hash_tail(memo, moment.isoformat(), lines)
    prev = "ab" * 32
    assert chain(prev, seq, [f"transaction:{seq}"], [tail]) == [entry_hash(prev, seq, item)]


def test_json_lines_of_every_shape_are_refused_row_by_row(market: Community) -> None:
    bruno = f"member:{market.bruno.member.id}"
    good = {
        "reference": "J-1",
        "occurred_at": "2026-03-02",
        "amount": 12.5,
        "status": "producer",
        "payee": bruno,
    }
    lines = [
        json.dumps(good),
        json.dumps({**good, "reference": "J-2", "currency": 978}),
        json.dumps({**good, "reference": "J-3", "parties": ["member:1"]}),
        json.dumps({**good, "reference": "J-4", "colour": "red"}),
        "[1, 2]",
        "{not json",
        "",
        json.dumps({**good, "reference": "J-8", "amount": {"value": 1}}),
        json.dumps({**good, "reference": "J-9", "payee": 7}),
        json.dumps({**good, "reference": "J-10", "occurred_at": 20260302}),
        json.dumps({**good, "reference": "J-11\u0000"}),
    ]
    report = run(market, ("\n".join(lines) + "\n").encode(), name="odd.jsonl")
    assert report.posted == 1
    with market.uow(readonly=True) as u:
        full = import_report(u, actor=market.admin, import_id=report.id or 0)
        j1 = u.transactions.by_reference(market.admin.org_id, "J-1")
    assert j1 is not None and j1.amount == 1250
    assert [(e.row, e.code) for e in full.errors] == [
        (2, "currency.mismatch"),
        (3, "transaction.bad_parties"),
        (4, "import.bad_row"),
        (5, "import.bad_row"),
        (6, "import.bad_row"),
        (8, "amount.not_a_number"),
        (9, "transaction.bad_payee"),
        (10, "transaction.bad_occurred_at"),
        (11, "reference.control_character"),
    ]


def test_a_large_import_leaves_postgres_knowing_the_tables_new_size(
    market: Community, engine: Any
) -> None:
    """After a bulk import PostgreSQL plans the next queries on the tables' new size (the
    ledger check right after an import was planned on an empty journal before)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite plans without gathered statistics")
    bruno = f"member:{market.bruno.member.id}"
    rows = [
        f"R-{i},2026-03-02T10:00:00Z,10.00,EUR,producer,{bruno},client,sale," for i in range(10_000)
    ]
    report = run(market, ("\n".join([HEADER, *rows]) + "\n").encode())
    assert report.posted == 10_000
    with engine.connect() as conn:
        known = conn.execute(
            select(text("reltuples"))
            .select_from(text("pg_class"))
            .where(text("relname = 'ledger_postings'"))
        ).scalar_one()
    # Each sale: the cash, the payee, the pool, operations and the reserve.
    assert known >= 40_000
