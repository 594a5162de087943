"""Where the money went: a delivery cooperative's March, read back from its ledger.

The rules (those of tests/services/test_transactions.py): 12 % + 0.30 € commission on
producers, 30 % of it to the impartible reserve, 20 % to the solidarity project, the rest to
operations; 2 % of every sale to the contributors' pool. A 49.99 € sale posts 42.69 to its
seller, 6.30 of commission (1.89 reserve, 1.26 project, 3.15 operations) and 1.00 to the pool.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event

from partage.core.errors import InvalidInput, NotFound
from partage.services import transactions as txs
from partage.services import value_flows as vf
from partage.services.context import Actor
from partage.services.transactions import TransactionInput
from tests.conftest import Community

DELIVERY: dict[str, Any] = {
    "commissions": {"producer": {"rate": "12", "fixed": "0.30", "cap": "20"}},
    "splits": [
        {"of": "commission", "to": "reserve", "percent": "30"},
        {"of": "commission", "to": "project:solidarite", "percent": "20"},
        {"of": "amount", "to": "pool:contributeurs", "percent": "2"},
    ],
}
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def at(day: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, 14, 30, tzinfo=UTC)


def sale(c: Community, who: Actor, reference: str, amount: int = 4999, **kw: Any) -> None:
    fields: dict[str, Any] = {
        "reference": reference,
        "amount": amount,
        "currency": "EUR",
        "status": "producer",
        "payee": f"member:{who.member.id}",
        "occurred_at": at(2),
        "kind": "delivery",
    }
    fields.update(kw)
    with c.uow() as u:
        txs.record_transaction(u, actor=c.admin, tx=TransactionInput(**fields), now=c.clock())


def refund(
    c: Community, of: str, reference: str, amount: int | None, day: int, month: int = 3
) -> None:
    with c.uow() as u:
        txs.refund(
            u,
            actor=c.admin,
            of_reference=of,
            reference=reference,
            amount=amount,
            now=c.clock(),
            occurred_at=at(day, month),
        )


def set_rules(c: Community, doc: dict[str, Any] = DELIVERY) -> None:
    with c.uow() as u:
        txs.set_rules(
            u, actor=c.admin, document=doc, effective_from=date(2026, 1, 1), now=c.clock()
        )


def flows(c: Community, who: Actor | None = None, period: tuple[date, date] = MARCH) -> Any:
    with c.uow(readonly=True) as u:
        return vf.flows(u, actor=who or c.admin, since=period[0], until=period[1])


@pytest.fixture
def march(community: Community) -> Iterator[Community]:
    """Bruno and Chloé sell 49.99 € each in March; 10 € of Chloé's is refunded; Bruno sells
    again in April (outside the period)."""
    set_rules(community)
    sale(community, community.bruno, "cmd-1")
    sale(community, community.chloe, "cmd-2", occurred_at=at(3))
    refund(community, "cmd-2", "rb-2", 1000, day=5)
    sale(community, community.bruno, "cmd-3", occurred_at=at(2, month=4))
    yield community


def by_account(part: vf.PartFlow) -> dict[str, int]:
    return {d.destination.account: d.amount for d in part.destinations}


def test_march_where_each_euro_went(march: Community) -> None:
    report = flows(march, march.dario)  # any member reads the flows
    bruno, chloe = march.bruno.member.id, march.chloe.member.id
    assert (report.transactions, report.refunds) == (2, 1)
    assert (report.sold, report.refunded, report.total) == (9998, 1000, 8998)
    # The 10 € refund takes back, in proportion to 42.69 / 1.89 / 1.26 / 3.15 / 1.00:
    # 8.54 from Chloé, 0.38 reserve, 0.25 project, 0.63 operations, 0.20 pool.
    assert by_account(report.part("net")) == {f"member:{bruno}": 4269, f"member:{chloe}": 3415}
    assert by_account(report.part("commission")) == {
        "fund:operations": 630 - 63,
        "fund:reserve": 378 - 38,
        "fund:project:solidarite": 252 - 25,
    }
    assert by_account(report.part("amount")) == {"fund:pool:contributeurs": 180}
    assert [p.amount for p in report.parts] == [7684, 1134, 180]
    assert sum(p.amount for p in report.parts) == report.total
    names = {d.destination.account: d.destination.label for d in report.destinations}
    assert names["fund:reserve"] == "impartible reserve"
    assert names["fund:project:solidarite"] == "project solidarite"
    assert names[f"member:{chloe}"] == "Chloé"
    assert report.destinations[0].destination.name == "Bruno"


def test_a_full_refund_nets_a_sale_out_and_a_refund_counts_in_its_own_period(
    march: Community,
) -> None:
    # Bruno's March sale is refunded in full on April 3, the day after his April sale.
    refund(march, "cmd-1", "rb-1", None, day=3, month=4)
    assert flows(march).refunded == 1000  # March is as it was
    april = flows(march, period=(date(2026, 4, 1), date(2026, 4, 30)))
    assert (april.transactions, april.refunds, april.sold, april.refunded) == (1, 1, 4999, 4999)
    # The April sale and the refund of the March one cancel out, line by line.
    assert april.total == 0
    assert all(p.destinations == () for p in april.parts)
    assert vf.diagram(april).columns == ((("sales", 0),), (), ())
    both = flows(march, period=(date(2026, 3, 1), date(2026, 4, 30)))
    assert by_account(both.part("net")) == {
        f"member:{march.chloe.member.id}": 3415,
        f"member:{march.bruno.member.id}": 4269,
    }
    assert by_account(both.part("amount")) == {"fund:pool:contributeurs": 180}


def test_a_destination_that_gave_back_more_than_it_received_is_drawn_as_nothing(
    march: Community,
) -> None:
    refund(march, "cmd-1", "rb-1", 2000, day=3, month=4)  # 20 € of a March sale, in April
    april = flows(march, period=(date(2026, 4, 1), date(2026, 4, 1)))
    assert (april.transactions, april.total) == (0, 0)
    april = flows(march, period=(date(2026, 4, 3), date(2026, 4, 30)))
    # Only the refund: every destination gives back, the net of the period is −20 €.
    assert april.total == -2000
    assert sum(p.amount for p in april.parts) == -2000
    assert vf.diagram(april).columns == ((("sales", 0),), (), ())


def test_the_diagram_draws_sales_parts_and_destinations(march: Community) -> None:
    drawn = vf.diagram(flows(march))
    assert drawn.columns[0] == (("sales", 8998),)
    assert drawn.columns[1] == (
        ("part:net", 7684),
        ("part:commission", 1134),
        ("part:amount", 180),
    )
    # Everyone paid is one node, first; then the funds, largest first.
    assert drawn.columns[2] == (
        ("parties", 7684),
        ("fund:operations", 567),
        ("fund:reserve", 340),
        ("fund:project:solidarite", 227),
        ("fund:pool:contributeurs", 180),
    )
    assert ("part:commission", "fund:reserve", 340) in drawn.links


def test_beyond_the_top_the_destinations_are_gathered(
    march: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vf, "TOP", 1)
    report = flows(march)
    net = report.part("net").destinations
    assert [(d.destination.kind, d.amount, d.accounts) for d in net] == [
        ("member", 4269, 1),
        ("others", 3415, 1),
    ]
    commission = report.part("commission").destinations
    assert [(d.destination.account, d.amount, d.accounts) for d in commission] == [
        ("fund:operations", 567, 1),
        ("others", 340 + 227, 2),
    ]


def test_an_empty_period_and_a_reversed_one(march: Community) -> None:
    report = flows(march, period=(date(2025, 1, 1), date(2025, 1, 31)))
    assert (report.transactions, report.total) == (0, 0)
    assert all(p.destinations == () for p in report.parts)
    assert vf.diagram(report).columns == ((("sales", 0),), (), ())
    with pytest.raises(InvalidInput) as refused:
        flows(march, period=(date(2026, 3, 31), date(2026, 3, 1)))
    assert (refused.value.code, refused.value.field) == ("period.reversed", "until")


def test_the_report_takes_the_same_few_queries_for_one_or_many_transactions(
    march: Community,
) -> None:
    def statements() -> int:
        seen: list[str] = []
        with march.uow(readonly=True) as u:
            conn = u.value_flows.conn
            event.listen(conn, "before_cursor_execute", lambda *a: seen.append(a[2]))
            vf.flows(u, actor=march.admin, since=MARCH[0], until=MARCH[1])
        return len(seen)

    few = statements()
    for n in range(6):
        sale(march, march.dario, f"more-{n}", occurred_at=at(10 + n))
    assert statements() == few


def test_chloe_s_statement(march: Community) -> None:
    with march.uow(readonly=True) as u:
        mine = vf.statement(
            u, actor=march.bruno, member_id=march.chloe.member.id, since=MARCH[0], until=MARCH[1]
        )
    assert mine.name == "Chloé"
    t = mine.totals
    assert (t.transactions, t.refunds, t.sold, t.refunded) == (1, 1, 4999, 1000)
    assert (t.net, t.commission, t.shares, t.received) == (3415, 630 - 126, 80, 0)
    assert (mine.earned, mine.given) == (3415, 584)
    assert [(r.reference, r.amount, r.net, r.commission, r.shares) for r in mine.rows] == [
        ("cmd-2", 4999, 4269, 630, 100),
        ("rb-2", -1000, -854, -126, -20),
    ]
    assert [r.refund for r in mine.rows] == [False, True]
    assert not mine.more


def test_a_party_s_share_is_what_they_received(community: Community) -> None:
    # 5 % of the amount to the referrer: on 100 €, 2 € to the pool and 5 € to Dario; the
    # commission is 12.30 (3.69 reserve, 2.46 project, 6.15 operations); Bruno gets 80.70.
    doc = {
        **DELIVERY,
        "splits": [*DELIVERY["splits"], {"of": "amount", "to": "party:referrer", "percent": "5"}],
    }
    set_rules(community, doc)
    dario = community.dario.member.id
    sale(community, community.bruno, "cmd-9", 10_000, parties={"referrer": f"member:{dario}"})
    with community.uow(readonly=True) as u:
        his = vf.statement(
            u, actor=community.dario, member_id=dario, since=MARCH[0], until=MARCH[1]
        )
        seller = vf.statement(
            u,
            actor=community.admin,
            member_id=community.bruno.member.id,
            since=MARCH[0],
            until=MARCH[1],
        )
    assert (his.totals.received, his.totals.net, his.totals.sold, his.earned) == (500, 0, 0, 500)
    assert [(r.reference, r.as_payee, r.received) for r in his.rows] == [("cmd-9", False, 500)]
    assert (seller.totals.net, seller.totals.commission, seller.totals.shares) == (8070, 1230, 700)
    shares = flows(community).part("amount").destinations
    assert [(d.destination.kind, d.destination.name, d.amount) for d in shares] == [
        ("member", "Dario", 500),
        ("pool", "contributeurs", 200),
    ]


def test_statement_pages_and_refusals(march: Community) -> None:
    bruno = march.bruno.member.id
    sale(march, march.bruno, "cmd-4", occurred_at=at(4))
    with march.uow(readonly=True) as u:
        first = vf.statement(
            u, actor=march.observer, member_id=bruno, since=MARCH[0], until=MARCH[1], limit=1
        )
        second = vf.statement(
            u,
            actor=march.observer,
            member_id=bruno,
            since=MARCH[0],
            until=MARCH[1],
            limit=1,
            offset=1,
        )
        assert ([r.reference for r in first.rows], first.more) == (["cmd-1"], True)
        assert ([r.reference for r in second.rows], second.more) == (["cmd-4"], False)
        with pytest.raises(NotFound):
            vf.statement(u, actor=march.admin, member_id=999, since=MARCH[0], until=MARCH[1])
        with pytest.raises(InvalidInput):
            vf.statement(
                u, actor=march.admin, member_id=bruno, since=MARCH[0], until=MARCH[1], limit=0
            )


def read_csv(lines: Iterator[str]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO("".join(lines))))


def test_csv_exports(march: Community, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vf, "PAGE", 1)  # every transaction on a page of its own
    chloe = march.chloe.member.id
    with march.uow(readonly=True) as u:
        totals = read_csv(vf.flows_csv(u, actor=march.admin, since=MARCH[0], until=MARCH[1]))
        lines = read_csv(vf.lines_csv(u, actor=march.admin, since=MARCH[0], until=MARCH[1]))
        mine = read_csv(
            vf.statement_csv(u, actor=march.chloe, member_id=chloe, since=MARCH[0], until=MARCH[1])
        )
    assert {(r["part"], r["account"], r["amount"]) for r in totals} >= {
        ("net", f"member:{chloe}", "34.15"),
        ("commission", "fund:reserve", "3.40"),
        ("amount", "fund:pool:contributeurs", "1.80"),
    }
    assert sum(int(r["amount"].replace(".", "")) for r in totals) == 8998
    # Two sales of five lines each, a refund of five lines, in time order.
    assert [r["reference"] for r in lines] == ["cmd-1"] * 5 + ["cmd-2"] * 5 + ["rb-2"] * 5
    assert [r["amount"] for r in lines if r["reference"] == "rb-2"] == [
        "-8.54",
        "-0.38",
        "-0.25",
        "-0.63",
        "-0.20",
    ]
    assert [r["part"] for r in lines[:5]] == [
        "net",
        "commission",
        "commission",
        "commission",
        "amount",
    ]
    assert [(r["reference"], r["amount"], r["net"], r["refund"]) for r in mine] == [
        ("cmd-2", "49.99", "42.69", ""),
        ("rb-2", "-10.00", "-8.54", "yes"),
    ]
