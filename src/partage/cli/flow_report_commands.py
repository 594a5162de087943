"""`partage flows` and `partage statement`: where a period's transactions went, and what went
through one member — printed, as JSON, or written to a CSV file (streamed, any size)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from partage.cli.context import cli_context
from partage.cli.output import Json, emit, reporting
from partage.core.currency import Currency
from partage.core.errors import InvalidInput
from partage.core.money import Money
from partage.services import value_flows as vf

Slug = Annotated[str, typer.Argument(help="The organization's short name.")]
Since = Annotated[str, typer.Option(help="First day of the period (UTC), YYYY-MM-DD.")]
Until = Annotated[str, typer.Option(help="Last day of the period (UTC), YYYY-MM-DD.")]
CsvFile = Annotated[
    Path | None, typer.Option("--csv", help="Write the figures to this CSV file instead.")
]


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("date.bad", f"{field} is a day written YYYY-MM-DD", field) from None


def _write(path: Path, lines: Iterator[str]) -> int:
    count = -1  # the header is not a row
    with path.open("w", encoding="utf-8", newline="") as handle:
        for chunk in lines:  # a line, or a page of lines (no field holds a line break)
            handle.write(chunk)
            count += chunk.count("\n")
    return count


def _money(minor: int, currency: Currency) -> dict[str, Any]:
    m = Money(minor, currency)
    return {"minor": minor, "value": m.plain(), "currency": currency.code}


def _flows_json(r: vf.FlowReport) -> dict[str, Any]:
    def destinations(lines: tuple[vf.DestinationFlow, ...]) -> list[dict[str, Any]]:
        return [
            {
                "account": d.destination.account,
                "kind": d.destination.kind,
                "name": d.destination.name,
                "label": d.destination.label,
                "amount": _money(d.amount, r.currency),
                "accounts": d.accounts,
            }
            for d in lines
        ]

    return {
        "since": r.since,
        "until": r.until,
        "transactions": r.transactions,
        "refunds": r.refunds,
        "sold": _money(r.sold, r.currency),
        "refunded": _money(r.refunded, r.currency),
        "total": _money(r.total, r.currency),
        "parts": [
            {
                "part": p.part,
                "label": p.label,
                "amount": _money(p.amount, r.currency),
                "destinations": destinations(p.destinations),
            }
            for p in r.parts
        ],
        "destinations": destinations(r.destinations),
    }


def register(app: typer.Typer) -> None:
    @app.command("flows")
    def flows(
        ctx: typer.Context,
        slug: Slug,
        since: Since,
        until: Until,
        csv_file: CsvFile = None,
        lines: Annotated[
            bool, typer.Option("--lines", help="With --csv: one row per posting of each one.")
        ] = False,
        as_json: Json = False,
    ) -> None:
        """Where the period's transactions went: paid to the parties, the commission and the
        shares of the amount, each per destination (refunds taken off)."""
        c = cli_context(ctx)
        with reporting(as_json):
            first, last = _day(since, "since"), _day(until, "until")
            with c.uow(readonly=True) as u:
                actor = c.actor(slug)
                if csv_file is not None:
                    write = vf.lines_csv if lines else vf.flows_csv
                    rows = _write(csv_file, write(u, actor=actor, since=first, until=last))
                    emit(
                        as_json, {"file": str(csv_file), "rows": rows}, f"{rows} rows → {csv_file}"
                    )
                    return
                report = vf.flows(u, actor=actor, since=first, until=last)

            def human() -> None:
                def money(minor: int) -> str:
                    return str(Money(minor, report.currency))

                typer.echo(
                    f"{report.since} → {report.until}: {report.transactions} transactions, "
                    f"{report.refunds} refunds"
                )
                typer.echo(
                    f"sold {money(report.sold)}, refunded {money(report.refunded)}, "
                    f"total {money(report.total)}"
                )
                for part in report.parts:
                    typer.echo(f"{part.label:<36} {money(part.amount):>16}")
                    for d in part.destinations:
                        typer.echo(f"    {d.destination.label:<32} {money(d.amount):>16}")

            emit(as_json, _flows_json(report), human)

    @app.command("statement")
    def statement(
        ctx: typer.Context,
        slug: Slug,
        member: Annotated[int, typer.Option(help="The member's number.")],
        since: Since,
        until: Until,
        csv_file: CsvFile = None,
        as_json: Json = False,
    ) -> None:
        """What went through a member over the period: their sales, net of the commission
        and shares taken on them, what they received as a party, and the refunds."""
        c = cli_context(ctx)
        with reporting(as_json):
            first, last = _day(since, "since"), _day(until, "until")
            with c.uow(readonly=True) as u:
                actor = c.actor(slug)
                if csv_file is not None:
                    rows = _write(
                        csv_file,
                        vf.statement_csv(u, actor=actor, member_id=member, since=first, until=last),
                    )
                    emit(
                        as_json, {"file": str(csv_file), "rows": rows}, f"{rows} rows → {csv_file}"
                    )
                    return
                found = vf.statement(
                    u, actor=actor, member_id=member, since=first, until=last, limit=vf.MAX_ROWS
                )
            cur, t = found.currency, found.totals
            data = {
                "member": found.member_id,
                "name": found.name,
                "since": found.since,
                "until": found.until,
                "transactions": t.transactions,
                "refunds": t.refunds,
                **{
                    key: _money(value, cur)
                    for key, value in (
                        ("sold", t.sold),
                        ("refunded", t.refunded),
                        ("net", t.net),
                        ("commission", t.commission),
                        ("shares", t.shares),
                        ("received", t.received),
                        ("earned", found.earned),
                    )
                },
                "rows": [
                    {
                        "reference": r.reference,
                        "kind": r.kind,
                        "occurred_at": r.occurred_at,
                        "refund": r.refund,
                        "role": "payee" if r.as_payee else "party",
                        "amount": _money(r.amount, cur),
                        "net": _money(r.net, cur),
                        "commission": _money(r.commission, cur),
                        "shares": _money(r.shares, cur),
                        "received": _money(r.received, cur),
                    }
                    for r in found.rows
                ],
                "more": found.more,
            }

            def human() -> None:
                def money(minor: int) -> str:
                    return str(Money(minor, cur))

                typer.echo(f"{found.name} (#{found.member_id}), {found.since} → {found.until}")
                typer.echo(f"  sales          {money(t.sold):>16}  ({t.transactions})")
                typer.echo(f"  refunded       {money(t.refunded):>16}  ({t.refunds})")
                typer.echo(f"  commission     {money(t.commission):>16}")
                typer.echo(f"  shares         {money(t.shares):>16}")
                typer.echo(f"  paid to them   {money(t.net):>16}")
                typer.echo(f"  received       {money(t.received):>16}")
                typer.echo(f"  earned         {money(found.earned):>16}")
                for r in found.rows:
                    typer.echo(
                        f"  {r.occurred_at:%Y-%m-%d} {r.reference:<24} {money(r.amount):>14}"
                        f"  net {money(r.net + r.received)}"
                    )
                if found.more:
                    typer.echo("  … more rows: export them with --csv FILE")

            emit(as_json, data, human)
