"""Where the money of the transactions went: totals per part and destination, statements.

Every figure is read from the ledger postings of the transactions' entries, never
recomputed from the rules: a transaction row says where each part of its entry starts
(``commission_line``, ``amount_line``), so one set-based query joins the period's
transactions to their postings and sums them per part and account. A period of a million
transactions is one ``GROUP BY``, not a loop per transaction.

Signs: an entry credits its destinations (negative amounts) and a refund debits them back
(positive), so ``−amount`` summed over a period is what each destination kept: refunds net
out by themselves. Line 1 (the cash) is left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Join,
    Row,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)

from partage.storage import tables as t

_T = t.transactions.c
_P = t.ledger_postings.c


@dataclass(frozen=True, slots=True)
class PartTotal:
    part: str  # net | commission | amount
    account: str
    amount: int  # what the account kept over the period, refunds taken off


@dataclass(frozen=True, slots=True)
class PeriodCounts:
    transactions: int
    sold: int  # the sum of the transactions' amounts
    refunds: int
    refunded: int  # the sum of the refunds' amounts (positive)


@dataclass(frozen=True, slots=True)
class FlowLine:
    """One posting of one transaction's entry: a row of the detailed export."""

    transaction_id: int
    reference: str
    kind: str
    occurred_at: datetime
    refund_of: int | None
    line: int
    part: str
    account: str
    amount: int  # credited (negative for a refund's line)


@dataclass(frozen=True, slots=True)
class MemberTotals:
    """The sums of a member's rows over a period."""

    transactions: int
    refunds: int
    sold: int  # the amounts of the sales that paid them
    refunded: int  # the refunds of those sales (positive)
    net: int
    commission: int
    shares: int
    received: int


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A transaction as it touched one member."""

    transaction_id: int
    reference: str
    kind: str
    occurred_at: datetime
    amount: int  # signed: a refund counts negative
    payee_id: int
    refund_of: int | None
    net: int  # paid to the member as payee
    commission: int  # the commission taken on the member's sale
    shares: int  # the shares of the amount taken on the member's sale
    received: int  # what the member got as a party or a named destination


def _part() -> ColumnElement[str]:
    return case(
        (_P.line < _T.commission_line, literal("net")),
        (_P.line < _T.amount_line, literal("commission")),
        else_=literal("amount"),
    )


def _join() -> Join:
    return t.transactions.join(
        t.ledger_postings,
        and_(
            _P.organization_id == _T.organization_id,
            _P.entry_seq == _T.entry_seq,
            _P.line > 1,
        ),
    )


def _period(org_id: int, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [_T.organization_id == org_id, _T.occurred_at >= start, _T.occurred_at < end]


class ValueFlowsRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def part_totals(
        self, org_id: int, start: datetime, end: datetime, currency: str
    ) -> list[PartTotal]:
        """What each account kept of each part over ``[start, end)``, largest first."""
        part = _part().label("part")
        kept = func.sum(-_P.amount).label("kept")
        rows = self.conn.execute(
            select(part, _P.account, kept)
            .select_from(_join())
            .where(*_period(org_id, start, end), _P.currency == currency)
            .group_by(part, _P.account)
        ).all()
        found = [PartTotal(str(r.part), str(r.account), int(r.kept)) for r in rows]
        return sorted(found, key=lambda p: (p.part, -p.amount, p.account))

    def counts(self, org_id: int, start: datetime, end: datetime) -> PeriodCounts:
        is_refund = _T.refund_of.is_not(None)
        row = self.conn.execute(
            select(
                func.sum(case((is_refund, 0), else_=1)),
                func.sum(case((is_refund, 0), else_=_T.amount)),
                func.sum(case((is_refund, 1), else_=0)),
                func.sum(case((is_refund, _T.amount), else_=0)),
            ).where(*_period(org_id, start, end))
        ).one()
        return PeriodCounts(*(int(value or 0) for value in row))

    def flow_lines(
        self,
        org_id: int,
        start: datetime,
        end: datetime,
        *,
        after: tuple[datetime, int] | None,
        limit: int,
    ) -> list[FlowLine]:
        """A page of the period's postings in (occurred_at, id, line) order, from after the
        transaction ``after`` (keyset paging: a page costs the same deep in the period)."""
        where = _period(org_id, start, end)
        if after is not None:
            when, tx_id = after
            where.append(or_(_T.occurred_at > when, and_(_T.occurred_at == when, _T.id > tx_id)))
        # Whole transactions per page: their ids first, then their postings.
        ids = (
            select(_T.id)
            .where(*where)
            .order_by(_T.occurred_at, _T.id)
            .limit(limit)
            .scalar_subquery()
        )
        rows = self.conn.execute(
            select(
                _T.id,
                _T.reference,
                _T.kind,
                _T.occurred_at,
                _T.refund_of,
                _P.line,
                _part().label("part"),
                _P.account,
                _P.amount,
            )
            .select_from(_join())
            .where(_T.organization_id == org_id, _T.id.in_(ids))
            .order_by(_T.occurred_at, _T.id, _P.line)
        ).all()
        return [
            FlowLine(
                transaction_id=int(r.id),
                reference=r.reference,
                kind=r.kind,
                occurred_at=r.occurred_at,
                refund_of=None if r.refund_of is None else int(r.refund_of),
                line=int(r.line),
                part=str(r.part),
                account=r.account,
                amount=-int(r.amount),
            )
            for r in rows
        ]

    def _member_query(
        self, org_id: int, member_id: int, start: datetime, end: datetime
    ) -> Select[Any]:
        account = f"member:{member_id}"
        mine = _T.payee_id == member_id
        part = _part()
        kept = -_P.amount
        named = select(_P.entry_seq).where(_P.organization_id == org_id, _P.account == account)
        signed = case((_T.refund_of.is_(None), _T.amount), else_=-_T.amount)
        return (
            select(
                _T.id,
                _T.reference,
                _T.kind,
                _T.occurred_at,
                func.max(signed).label("amount"),
                _T.payee_id,
                _T.refund_of,
                func.sum(case((and_(mine, part == "net"), kept), else_=0)).label("net"),
                func.sum(case((and_(mine, part == "commission"), kept), else_=0)).label(
                    "commission"
                ),
                func.sum(case((and_(mine, part == "amount"), kept), else_=0)).label("shares"),
                func.sum(case((and_(part != "net", _P.account == account), kept), else_=0)).label(
                    "received"
                ),
            )
            .select_from(_join())
            .where(*_period(org_id, start, end), or_(mine, _T.entry_seq.in_(named)))
            .group_by(_T.id, _T.reference, _T.kind, _T.occurred_at, _T.payee_id, _T.refund_of)
        )

    def member_rows(
        self,
        org_id: int,
        member_id: int,
        start: datetime,
        end: datetime,
        *,
        limit: int | None,
        offset: int = 0,
    ) -> list[MemberRow]:
        """The transactions that paid ``member_id`` or gave them a share, oldest first."""
        query = self._member_query(org_id, member_id, start, end).order_by(_T.occurred_at, _T.id)
        if limit is not None:
            query = query.limit(limit).offset(offset)
        return [_member_row(r) for r in self.conn.execute(query)]

    def member_totals(
        self, org_id: int, member_id: int, start: datetime, end: datetime
    ) -> MemberTotals:
        """The sums of :meth:`member_rows` over the period."""
        rows = self._member_query(org_id, member_id, start, end).subquery()
        mine = rows.c.payee_id == member_id
        found = self.conn.execute(
            select(
                func.sum(case((rows.c.refund_of.is_(None), 1), else_=0)),
                func.sum(case((rows.c.refund_of.is_not(None), 1), else_=0)),
                func.sum(case((and_(mine, rows.c.refund_of.is_(None)), rows.c.amount), else_=0)),
                func.sum(
                    case((and_(mine, rows.c.refund_of.is_not(None)), -rows.c.amount), else_=0)
                ),
                func.sum(rows.c.net),
                func.sum(rows.c.commission),
                func.sum(rows.c.shares),
                func.sum(rows.c.received),
            )
        ).one()
        return MemberTotals(*(int(value or 0) for value in found))

    def iter_member_rows(
        self, org_id: int, member_id: int, start: datetime, end: datetime
    ) -> Iterator[MemberRow]:
        query = self._member_query(org_id, member_id, start, end).order_by(_T.occurred_at, _T.id)
        for row in self.conn.execution_options(yield_per=2000).execute(query):
            yield _member_row(row)


def _member_row(r: Row[Any]) -> MemberRow:
    return MemberRow(
        transaction_id=int(r.id),
        reference=r.reference,
        kind=r.kind,
        occurred_at=r.occurred_at,
        amount=int(r.amount),
        payee_id=int(r.payee_id),
        refund_of=None if r.refund_of is None else int(r.refund_of),
        net=int(r.net or 0),
        commission=int(r.commission or 0),
        shares=int(r.shares or 0),
        received=int(r.received or 0),
    )
