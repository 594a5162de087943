"""Where the money of the transactions went: the period's flows, a member's statement, CSV.

Any member (observers too) reads them. The CSV exports stream: a period of a million
transactions is written page by page, never held in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from partage.api.context import OrgActor, PathId, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas import MoneyOut, money
from partage.services import organizations
from partage.services import value_flows as vf
from partage.services.context import Actor, UnitOfWork

router = APIRouter(
    prefix="/orgs/{slug}", tags=["value flows"], route_class=ApiRoute, responses=ERROR_RESPONSES
)

Since = Annotated[date, Query(description="first day of the period (UTC), included")]
Until = Annotated[date, Query(description="last day of the period (UTC), included")]


class DestinationOut(BaseModel):
    account: str = Field(description="the ledger account, or 'others' for those gathered")
    kind: str = Field(
        description="party, operations, reserve, commons, project, pool, member, others, account"
    )
    name: str
    label: str
    amount: MoneyOut
    accounts: int = Field(description="how many accounts the line gathers (1 but for 'others')")

    @classmethod
    def of(cls, line: vf.DestinationFlow, report: vf.FlowReport) -> DestinationOut:
        d = line.destination
        return cls(
            account=d.account,
            kind=d.kind,
            name=d.name,
            label=d.label,
            amount=money(line.amount, report.currency),
            accounts=line.accounts,
        )


class PartOut(BaseModel):
    part: str = Field(description="net (paid to the parties), commission, amount (its shares)")
    label: str
    amount: MoneyOut
    destinations: list[DestinationOut]


class FlowsOut(BaseModel):
    since: date
    until: date
    transactions: int
    refunds: int
    sold: MoneyOut
    refunded: MoneyOut
    total: MoneyOut = Field(description="what was sold, refunds taken off")
    parts: list[PartOut]
    destinations: list[DestinationOut] = Field(description="each account across the parts")

    @classmethod
    def of(cls, r: vf.FlowReport) -> FlowsOut:
        return cls(
            since=r.since,
            until=r.until,
            transactions=r.transactions,
            refunds=r.refunds,
            sold=money(r.sold, r.currency),
            refunded=money(r.refunded, r.currency),
            total=money(r.total, r.currency),
            parts=[
                PartOut(
                    part=p.part,
                    label=p.label,
                    amount=money(p.amount, r.currency),
                    destinations=[DestinationOut.of(d, r) for d in p.destinations],
                )
                for p in r.parts
            ],
            destinations=[DestinationOut.of(d, r) for d in r.destinations],
        )


class StatementRowOut(BaseModel):
    reference: str
    kind: str
    occurred_at: str
    refund: bool
    role: str = Field(description="payee (their sale) or party (a share they received)")
    amount: MoneyOut = Field(description="the transaction's amount; a refund's is negative")
    net: MoneyOut
    commission: MoneyOut
    shares: MoneyOut
    received: MoneyOut


class StatementOut(BaseModel):
    member: int
    name: str
    since: date
    until: date
    transactions: int
    refunds: int
    sold: MoneyOut = Field(description="the amounts of their sales")
    refunded: MoneyOut = Field(description="refunds of their sales")
    net: MoneyOut = Field(description="what their sales paid them, refunds taken off")
    commission: MoneyOut = Field(description="the commission taken on their sales")
    shares: MoneyOut = Field(description="the shares of the amount taken on their sales")
    received: MoneyOut = Field(description="what they received as a party or destination")
    earned: MoneyOut = Field(description="net + received")
    rows: list[StatementRowOut]
    more: bool = Field(description="more rows follow: ask again with a larger offset")

    @classmethod
    def of(cls, s: vf.MemberFlowStatement) -> StatementOut:
        c, t = s.currency, s.totals
        return cls(
            member=s.member_id,
            name=s.name,
            since=s.since,
            until=s.until,
            transactions=t.transactions,
            refunds=t.refunds,
            sold=money(t.sold, c),
            refunded=money(t.refunded, c),
            net=money(t.net, c),
            commission=money(t.commission, c),
            shares=money(t.shares, c),
            received=money(t.received, c),
            earned=money(s.earned, c),
            rows=[
                StatementRowOut(
                    reference=row.reference,
                    kind=row.kind,
                    occurred_at=row.occurred_at.isoformat(),
                    refund=row.refund,
                    role="payee" if row.as_payee else "party",
                    amount=money(row.amount, c),
                    net=money(row.net, c),
                    commission=money(row.commission, c),
                    shares=money(row.shares, c),
                    received=money(row.received, c),
                )
                for row in s.rows
            ],
            more=s.more,
        )


def _streamed(
    uow: Units, name: str, write: Callable[[UnitOfWork], Iterator[str]]
) -> StreamingResponse:
    def lines() -> Iterator[bytes]:
        with uow(readonly=True) as u:
            for line in write(u):
                yield line.encode()

    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/flows", summary="Where the period's transactions went: parts and destinations")
def flows(actor: OrgActor, uow: Units, since: Since, until: Until) -> FlowsOut:
    with uow(readonly=True) as u:
        return FlowsOut.of(vf.flows(u, actor=actor, since=since, until=until))


@router.get(
    "/flows.csv",
    summary="The period's flows as CSV: totals per part and destination, or every line",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def flows_csv(
    actor: OrgActor,
    uow: Units,
    since: Since,
    until: Until,
    detail: Annotated[
        bool, Query(description="one row per posting of every transaction instead of totals")
    ] = False,
) -> StreamingResponse:
    vf.period(since, until)  # refused before the first byte is sent
    write = vf.lines_csv if detail else vf.flows_csv
    return _streamed(
        uow,
        f"{actor.organization.slug}-{'lines' if detail else 'flows'}-{since}-{until}.csv",
        lambda u: write(u, actor=actor, since=since, until=until),
    )


def _check_member(uow: Units, actor: Actor, member_id: int) -> None:
    with uow(readonly=True) as u:
        organizations.member_of(u, actor=actor, member_id=member_id)


@router.get("/members/{member_id}/statement", summary="What went through a member")
def statement(
    actor: OrgActor,
    uow: Units,
    member_id: PathId,
    since: Since,
    until: Until,
    limit: Annotated[int, Query(ge=1, le=vf.MAX_ROWS)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> StatementOut:
    with uow(readonly=True) as u:
        found = vf.statement(
            u,
            actor=actor,
            member_id=member_id,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
        )
    return StatementOut.of(found)


@router.get(
    "/members/{member_id}/statement.csv",
    summary="A member's statement as CSV, every row",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def statement_csv(
    actor: OrgActor, uow: Units, member_id: PathId, since: Since, until: Until
) -> StreamingResponse:
    vf.period(since, until)
    _check_member(uow, actor, member_id)
    return _streamed(
        uow,
        f"{actor.organization.slug}-statement-{member_id}-{since}-{until}.csv",
        lambda u: vf.statement_csv(u, actor=actor, member_id=member_id, since=since, until=until),
    )
