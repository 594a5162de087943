"""Where the money of a period's transactions went, and what went through one member.

``flows`` reads the period's transactions (UTC days ``since`` to ``until``, both included)
and their ledger entries in one aggregate query, and answers:

* how many transactions and refunds, what was sold and refunded, and what remains;
* per part — paid to the parties (``net``), the ``commission``, the shares of the
  ``amount`` — and, within each part, per destination account, what it kept once refunds
  are taken off. Each part's figures add up to the part's total, the parts add up to what
  was sold minus what was refunded, to the minor unit (asserted);
* totals per destination account across parts.

The parties paid can be thousands of members: a part lists its ``TOP`` largest
destinations by name and gathers the rest as ``others``. ``diagram`` turns the report into
the columns and links of a Sankey drawing (sales → parts → destinations), every
party paid in one node.

``statement`` shows one member what their sales earned them (net of the commission and
the shares taken on them), what they received as a party or a named destination, and the
refunds, with a row per transaction. Every member of the organization may read every
statement, as on the member's page: contributive books are open inside the collective.

CSV exports stream: ``flows_csv`` writes one row per part and destination; ``lines_csv``
one row per posting of every transaction, read a page of whole transactions at a time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from partage.core import chart
from partage.core.currency import Currency
from partage.core.errors import InvalidInput
from partage.core.splits.engine import OPERATIONS, PARTS, RESERVE
from partage.services import organizations
from partage.services.context import Actor, UnitOfWork
from partage.storage.value_flows_repo import MemberRow, MemberTotals, PartTotal

TOP = 10
OTHERS = "others"
PAGE = 2000
MAX_ROWS = 1000
PART_LABELS = {
    "net": "paid to the parties",
    "commission": "commission",
    "amount": "shares of the amount",
}


@dataclass(frozen=True, slots=True)
class Destination:
    """An account as people name it: ``kind`` (party, operations, reserve, commons,
    project, pool, member, others, account) and ``name`` (the project, the pool, the member's
    name, the number of others), with an English ``label``; pages translate kind and name."""

    account: str
    kind: str
    name: str
    label: str


@dataclass(frozen=True, slots=True)
class DestinationFlow:
    destination: Destination
    amount: int
    accounts: int = 1  # for ``others``, how many accounts it gathers


@dataclass(frozen=True, slots=True)
class PartFlow:
    part: str
    label: str
    amount: int
    destinations: tuple[DestinationFlow, ...]


@dataclass(frozen=True, slots=True)
class FlowReport:
    since: date
    until: date
    currency: Currency
    transactions: int
    refunds: int
    sold: int
    refunded: int
    parts: tuple[PartFlow, ...]
    destinations: tuple[DestinationFlow, ...]  # every account across parts, largest first

    @property
    def total(self) -> int:
        """What the period's transactions brought, refunds taken off."""
        return self.sold - self.refunded

    def part(self, name: str) -> PartFlow:
        return next(p for p in self.parts if p.part == name)


@dataclass(frozen=True, slots=True)
class StatementRow:
    reference: str
    kind: str
    occurred_at: datetime
    amount: int  # signed: a refund is negative
    refund: bool
    as_payee: bool
    net: int
    commission: int
    shares: int
    received: int


@dataclass(frozen=True, slots=True)
class MemberFlowStatement:
    member_id: int
    name: str
    since: date
    until: date
    currency: Currency
    totals: MemberTotals
    rows: tuple[StatementRow, ...]
    more: bool  # rows beyond those shown (the CSV export has them all)

    @property
    def earned(self) -> int:
        """What they kept: paid as payee, plus shares received, refunds taken off."""
        return self.totals.net + self.totals.received

    @property
    def given(self) -> int:
        """What their sales gave: the commission and the shares of the amount."""
        return self.totals.commission + self.totals.shares


def period(since: date, until: date) -> tuple[datetime, datetime]:
    """The UTC instants ``[since 00:00, until + 1 day 00:00)``."""
    if until < since:
        raise InvalidInput("period.reversed", "until comes before since", field="until")
    return (
        datetime.combine(since, time(0), tzinfo=UTC),
        datetime.combine(until + timedelta(days=1), time(0), tzinfo=UTC),
    )


def destination(account: str, names: Mapping[int, str]) -> Destination:
    member = chart.member_of_account(account)
    if member is not None:
        name = names.get(member, f"#{member}")
        return Destination(account, "member", name, name)
    if account == OPERATIONS:
        return Destination(account, "operations", "", "operations")
    if account == RESERVE:
        return Destination(account, "reserve", "", "impartible reserve")
    if account == chart.COMMONS:
        return Destination(account, "commons", "", "commons fund")
    kind, _, rest = account.removeprefix("fund:").partition(":")
    if account.startswith("fund:") and kind in ("project", "pool") and rest:
        return Destination(account, kind, rest, f"{kind} {rest}")
    return Destination(account, "account", account, account)


def _others(count: int) -> Destination:
    return Destination(OTHERS, OTHERS, str(count), f"{count} others")


def _top(
    totals: Iterable[tuple[str, int]], names: Mapping[int, str]
) -> tuple[DestinationFlow, ...]:
    """The ``TOP`` largest by name, then the rest gathered (one line). An account whose
    refunds took back all it received in the period is left out: it kept nothing."""
    ordered = sorted(((a, v) for a, v in totals if v), key=lambda pair: (-pair[1], pair[0]))
    shown = [DestinationFlow(destination(a, names), amount) for a, amount in ordered[:TOP]]
    rest = ordered[TOP:]
    if rest:
        shown.append(
            DestinationFlow(_others(len(rest)), sum(amount for _, amount in rest), len(rest))
        )
    return tuple(shown)


def flows(uow: UnitOfWork, *, actor: Actor, since: date, until: date) -> FlowReport:
    """The period's flows, from the ledger entries of its transactions and refunds."""
    start, end = period(since, until)
    currency = actor.organization.currency
    totals = uow.value_flows.part_totals(actor.org_id, start, end, currency.code)
    counts = uow.value_flows.counts(actor.org_id, start, end)
    names = {m.id: m.name for m in uow.community.members(actor.org_id)}
    by_part: dict[str, list[PartTotal]] = {part: [] for part in PARTS}
    for line in totals:
        by_part[line.part].append(line)
    parts = tuple(
        PartFlow(
            part,
            PART_LABELS[part],
            sum(line.amount for line in by_part[part]),
            _top(((line.account, line.amount) for line in by_part[part]), names),
        )
        for part in PARTS
    )
    assert sum(p.amount for p in parts) == counts.sold - counts.refunded, (
        "the parts of the period add up to what was sold, refunds taken off"
    )
    across: dict[str, int] = {}
    for line in totals:
        across[line.account] = across.get(line.account, 0) + line.amount
    return FlowReport(
        since=since,
        until=until,
        currency=currency,
        transactions=counts.transactions,
        refunds=counts.refunds,
        sold=counts.sold,
        refunded=counts.refunded,
        parts=parts,
        destinations=_top(across.items(), names),
    )


@dataclass(frozen=True, slots=True)
class Diagram:
    """What a Sankey drawing shows: ``columns`` of (key, value) and (source, target, value)
    links; keys are ``sales``, ``part:<part>`` and destination accounts (``parties`` for
    everyone paid, ``others`` for the rest)."""

    columns: tuple[tuple[tuple[str, int], ...], ...]
    links: tuple[tuple[str, str, int], ...]
    destinations: Mapping[str, Destination]


def diagram(report: FlowReport) -> Diagram:
    """Sales → parts → destinations. A drawing cannot show a negative width: a destination
    that gave back more than it received in the period is drawn as zero (the table under the
    drawing has its figure)."""
    links: list[tuple[str, str, int]] = []
    into: dict[str, int] = {}
    found: dict[str, Destination] = {}
    parts = []
    for part in report.parts:
        if part.part == "net":
            flows_of = [("parties", max(part.amount, 0))]
            found["parties"] = Destination("parties", "party", "", "parties paid")
        else:
            flows_of = [(d.destination.account, max(d.amount, 0)) for d in part.destinations]
            found.update({d.destination.account: d.destination for d in part.destinations})
        flows_of = [(key, value) for key, value in flows_of if value > 0]
        if not flows_of:
            continue
        key = f"part:{part.part}"
        value = sum(v for _, v in flows_of)
        parts.append((key, value))
        links.append(("sales", key, value))
        for target, amount in flows_of:
            links.append((key, target, amount))
            into[target] = into.get(target, 0) + amount
    total = sum(v for _, v in parts)
    ends = tuple(sorted(into.items(), key=lambda pair: (pair[0] != "parties", -pair[1])))
    return Diagram(
        columns=((("sales", total),), tuple(parts), ends),
        links=tuple(links),
        destinations=found,
    )


def statement(
    uow: UnitOfWork,
    *,
    actor: Actor,
    member_id: int,
    since: date,
    until: date,
    limit: int = 200,
    offset: int = 0,
) -> MemberFlowStatement:
    """What went through ``member_id`` over the period: totals, and a page of rows."""
    if not 1 <= limit <= MAX_ROWS:
        raise InvalidInput("page.bad_limit", f"limit is between 1 and {MAX_ROWS}", "limit")
    if offset < 0:
        raise InvalidInput("page.bad_offset", "offset is zero or more", "offset")
    start, end = period(since, until)
    member = organizations.member_of(uow, actor=actor, member_id=member_id)
    rows = uow.value_flows.member_rows(
        actor.org_id, member.id, start, end, limit=limit + 1, offset=offset
    )
    return MemberFlowStatement(
        member_id=member.id,
        name=member.name,
        since=since,
        until=until,
        currency=actor.organization.currency,
        totals=uow.value_flows.member_totals(actor.org_id, member.id, start, end),
        rows=tuple(_statement_row(row, member.id) for row in rows[:limit]),
        more=len(rows) > limit,
    )


def _statement_row(row: MemberRow, member_id: int) -> StatementRow:
    return StatementRow(
        reference=row.reference,
        kind=row.kind,
        occurred_at=row.occurred_at,
        amount=row.amount,
        refund=row.refund_of is not None,
        as_payee=row.payee_id == member_id,
        net=row.net,
        commission=row.commission,
        shares=row.shares,
        received=row.received,
    )


# -- CSV -------------------------------------------------------------------------------


def _csv_line(values: Iterable[object]) -> str:
    return _csv_lines([values])


def _csv_lines(rows: Iterable[Iterable[object]]) -> str:
    """Rows as CSV text: a page is written at once (a writer per line costs more than the
    query that read it)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _plain(minor: int, currency: Currency) -> str:
    """An amount in the currency's units with its decimals ("-12.50"), as spreadsheets read."""
    sign = "-" if minor < 0 else ""
    units, cents = divmod(abs(minor), 10**currency.decimals)
    return f"{sign}{units}.{cents:0{currency.decimals}d}" if currency.decimals else f"{sign}{units}"


def flows_csv(uow: UnitOfWork, *, actor: Actor, since: date, until: date) -> Iterator[str]:
    """One row per part and destination, every account by itself (none gathered)."""
    start, end = period(since, until)
    currency = actor.organization.currency
    names = {m.id: m.name for m in uow.community.members(actor.org_id)}
    yield _csv_line(["part", "destination", "account", "amount", "currency"])
    for line in uow.value_flows.part_totals(actor.org_id, start, end, currency.code):
        yield _csv_line(
            [
                line.part,
                destination(line.account, names).label,
                line.account,
                _plain(line.amount, currency),
                currency.code,
            ]
        )


def lines_csv(uow: UnitOfWork, *, actor: Actor, since: date, until: date) -> Iterator[str]:
    """Every posting of the period's transactions and refunds (a refund's lines negative),
    read ``PAGE`` transactions at a time and yielded a page of text at a time: memory stays
    flat however long the period."""
    start, end = period(since, until)
    currency = actor.organization.currency
    yield _csv_line(
        ["reference", "kind", "occurred_at", "refund", "line", "part", "account", "amount"]
    )
    after: tuple[datetime, int] | None = None
    while True:
        page = uow.value_flows.flow_lines(actor.org_id, start, end, after=after, limit=PAGE)
        if not page:
            return
        yield _csv_lines(
            (
                line.reference,
                line.kind,
                line.occurred_at.astimezone(UTC).isoformat(),
                "yes" if line.refund_of is not None else "",
                line.line,
                line.part,
                line.account,
                _plain(line.amount, currency),
            )
            for line in page
        )
        after = (page[-1].occurred_at, page[-1].transaction_id)


def statement_csv(
    uow: UnitOfWork, *, actor: Actor, member_id: int, since: date, until: date
) -> Iterator[str]:
    """Every row of a member's statement over the period, streamed."""
    start, end = period(since, until)
    member = organizations.member_of(uow, actor=actor, member_id=member_id)
    currency = actor.organization.currency
    yield _csv_line(
        [
            "reference",
            "kind",
            "occurred_at",
            "refund",
            "role",
            "amount",
            "net",
            "commission",
            "shares",
            "received",
            "currency",
        ]
    )
    for row in uow.value_flows.iter_member_rows(actor.org_id, member.id, start, end):
        line = _statement_row(row, member.id)
        yield _csv_line(
            [
                line.reference,
                line.kind,
                line.occurred_at.astimezone(UTC).isoformat(),
                "yes" if line.refund else "",
                "payee" if line.as_payee else "party",
                _plain(line.amount, currency),
                _plain(line.net, currency),
                _plain(line.commission, currency),
                _plain(line.shares, currency),
                _plain(line.received, currency),
                currency.code,
            ]
        )
