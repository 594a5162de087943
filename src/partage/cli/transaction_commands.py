"""Split rules and transactions from the command line: `partage rules …`, `partage
transactions …`. Amounts are typed as decimals (49.99) and printed with --json in minor
units (4999), like the ledger's commands."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from partage.cli.context import cli_context
from partage.cli.output import Json, emit, reporting
from partage.core.errors import InvalidInput
from partage.core.money import format_minor, parse_minor
from partage.services import transactions as txs
from partage.services.simulation import read_document
from partage.services.transactions import TransactionInput

rules = typer.Typer(help="The split rules applied to every transaction, by version.")
transactions = typer.Typer(help="Transactions the platform carries, and their refunds.")

Slug = Annotated[str, typer.Argument(help="The organization's short name.")]


def register(app: typer.Typer) -> None:
    """Add ``rules`` and ``transactions`` to the program."""
    app.add_typer(rules, name="rules", no_args_is_help=True)
    app.add_typer(transactions, name="transactions", no_args_is_help=True)


def _exact(value: Any) -> Any:
    """Decimals read from YAML or JSON as the text the rules expect (12.5 → '12.5')."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact(v) for v in value]
    return value


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("date.bad", f"{field} is a date such as 2026-12-01", field) from None


def _moment(text: str, field: str) -> datetime:
    try:
        found = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            "time.bad", f"{field} is a time such as 2026-12-01T14:30:00Z", field
        ) from None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _show_rules(view: txs.RuleVersionView) -> str:
    head = f"version {view.version}, in force from {view.effective_from.isoformat()}"
    lines = [head + (f" — {view.note}" if view.note else "")]
    for status, c in view.document["commissions"].items():
        extra = " ".join(f"{k} {v}" for k, v in c.items() if k != "rate")
        lines.append(f"  {status}: {c['rate']} %" + (f" + {extra}" if extra else ""))
    for s in view.document["splits"]:
        lines.append(f"  {s['percent']} % of the {s['of']} → {s['to']}")
    lines.append(f"  rest of the commission → {view.document['rest_to']}")
    return "\n".join(lines)


@rules.command("set")
def set_rules(
    ctx: typer.Context,
    slug: Slug,
    file: Annotated[str, typer.Argument(help="The rules as JSON or YAML; - reads stdin.")],
    effective_from: Annotated[
        str, typer.Option("--from", help="First day (UTC) they apply, YYYY-MM-DD.")
    ],
    note: Annotated[str, typer.Option(help="Why the rules change.")] = "",
    as_json: Json = False,
) -> None:
    """Set a new version of the split rules (admins only); never retroactive."""
    c = cli_context(ctx)
    with reporting(as_json):
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        document = _exact(read_document(data))
        if not isinstance(document, dict):
            raise InvalidInput("rules.bad_document", "the rules are an object", "rules")
        actor = c.actor(slug)
        with c.uow() as u:
            view = txs.set_rules(
                u,
                actor=actor,
                document=document,
                effective_from=_day(effective_from, "from"),
                note=note,
                now=c.clock(),
            )
        emit(as_json, view, _show_rules(view))


@rules.command("show")
def show_rules(
    ctx: typer.Context,
    slug: Slug,
    on: Annotated[str | None, typer.Option(help="The version in force that day.")] = None,
    version: Annotated[int | None, typer.Option(help="A version by its number.")] = None,
    as_json: Json = False,
) -> None:
    """The rules in force today (or on --on DATE), or version --version N."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            if version is not None:
                view = txs.rule_version(u, actor=actor, version=version)
            else:
                day = _day(on, "on") if on else c.clock().astimezone(UTC).date()
                view = txs.rules_in_force(u, actor=actor, day=day)
        emit(as_json, view, _show_rules(view))


@rules.command("list")
def list_rules(ctx: typer.Context, slug: Slug, as_json: Json = False) -> None:
    """Every version, oldest first."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            found = txs.rule_versions(u, actor=actor)
        emit(
            as_json,
            found,
            "\n".join(f"v{v.version}  from {v.effective_from.isoformat()}  {v.note}" for v in found)
            or "no split rules yet",
        )


def _line(view: txs.TransactionView, decimals: int) -> str:
    what = f"refund of {view.refund_of}" if view.refund_of else view.kind
    return (
        f"{view.occurred_at:%Y-%m-%d %H:%M}  {view.reference:<24} {what:<20} "
        f"{format_minor(view.amount, decimals):>12} {view.currency}  member #{view.payee_id}  "
        f"commission {format_minor(view.commission, decimals)}  (rules v{view.rule_version})"
    )


def _parties(values: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for value in values:
        role, sep, who = value.partition("=")
        if not sep or not role.strip() or not who.strip():
            raise InvalidInput(
                "transaction.bad_parties",
                "--party is ROLE=MEMBER, e.g. referrer=member:7",
                "parties",
            )
        found[role.strip()] = who.strip()
    return found


@transactions.command("record")
def record(
    ctx: typer.Context,
    slug: Slug,
    reference: Annotated[str, typer.Option(help="The platform's own id for it.")],
    amount: Annotated[str, typer.Option(help="What was paid, e.g. 49.99.")],
    status: Annotated[str, typer.Option(help="Status of the party paid: producer, courier…")],
    payee: Annotated[str, typer.Option(help="Who is paid: member:3, 3 or an alias.")],
    kind: Annotated[str, typer.Option(help="sale, delivery, service, booking…")] = "sale",
    payer: Annotated[str, typer.Option(help="Who paid (free text).")] = "",
    party: Annotated[
        list[str] | None, typer.Option(help="ROLE=MEMBER, e.g. referrer=member:7 (repeatable).")
    ] = None,
    at: Annotated[str | None, typer.Option(help="When, ISO 8601 (default: now).")] = None,
    currency: Annotated[str | None, typer.Option(help="Default: the organization's.")] = None,
    refund_of: Annotated[
        str | None, typer.Option(help="Makes it a refund of that reference.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Record one transaction, split by the rules in force on its day (admins only)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        code = actor.organization.currency
        tx = TransactionInput(
            reference=reference,
            amount=parse_minor(amount, code.decimals, allow_negative=True),
            currency=currency or code.code,
            status=status,
            payee=payee,
            occurred_at=_moment(at, "at") if at else c.clock(),
            kind=kind,
            payer=payer,
            parties=_parties(party or []),
            refund_of=refund_of,
        )
        with c.uow() as u:
            done = txs.record_transaction(u, actor=actor, tx=tx, now=c.clock())
        emit(as_json, done.transaction, _line(done.transaction, code.decimals))


@transactions.command("refund")
def refund(
    ctx: typer.Context,
    slug: Slug,
    original: Annotated[str, typer.Argument(help="The reference of the transaction refunded.")],
    reference: Annotated[str, typer.Option(help="The refund's own reference.")],
    amount: Annotated[str | None, typer.Option(help="Default: everything left.")] = None,
    at: Annotated[str | None, typer.Option(help="When, ISO 8601 (default: now).")] = None,
    as_json: Json = False,
) -> None:
    """Give back part or all of a transaction, from each of its lines in proportion."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        decimals = actor.organization.currency.decimals
        with c.uow() as u:
            done = txs.refund(
                u,
                actor=actor,
                of_reference=original,
                reference=reference,
                amount=None if amount is None else parse_minor(amount, decimals),
                occurred_at=_moment(at, "at") if at else None,
                now=c.clock(),
            )
        emit(as_json, done.transaction, _line(done.transaction, decimals))


@transactions.command("list")
def list_transactions(
    ctx: typer.Context,
    slug: Slug,
    since: Annotated[str | None, typer.Option(help="From this day (UTC), included.")] = None,
    until: Annotated[str | None, typer.Option(help="To this day (UTC), included.")] = None,
    member: Annotated[int | None, typer.Option(help="Those paying or naming member N.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 100,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    as_json: Json = False,
) -> None:
    """Transactions and refunds, newest first."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            found = txs.transactions(
                u,
                actor=actor,
                since=_day(since, "since") if since else None,
                until=_day(until, "until") if until else None,
                member_id=member,
                limit=limit,
                offset=offset,
            )
        decimals = actor.organization.currency.decimals
        emit(
            as_json,
            found,
            "\n".join(_line(v, decimals) for v in found) or "no transactions",
        )


@transactions.command("show")
def show(ctx: typer.Context, slug: Slug, reference: str, as_json: Json = False) -> None:
    """A transaction's lines as posted, its refunds and what is left to refund."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            found = txs.transaction(u, actor=actor, reference=reference)
        decimals = actor.organization.currency.decimals

        def human() -> None:
            typer.echo(_line(found.transaction, decimals))
            for line in found.lines:
                typer.echo(
                    f"    {line.part:<10} {line.account:<28} "
                    f"{format_minor(line.amount, decimals):>12}  {line.label}"
                )
            for r in found.refunds:
                typer.echo(f"  refunded: {r.reference} {format_minor(r.amount, decimals)}")
            if found.transaction.refund_of is None:
                typer.echo(f"  left to refund: {format_minor(found.left_to_refund, decimals)}")

        emit(as_json, found, human)
