"""The books: check, balances, journal, deposits, payouts and reversals."""

from __future__ import annotations

from typing import Annotated

import typer

from partage.cli.context import cli_context
from partage.cli.output import Json, emit, reporting
from partage.core.money import Money, parse_minor
from partage.services import ledger

ledger_app = typer.Typer(help="The organization's double-entry ledger.", no_args_is_help=True)

Slug = Annotated[str, typer.Argument(help="The organization's short name.")]


@ledger_app.command("check")
def check(ctx: typer.Context, slug: Slug, as_json: Json = False) -> None:
    """Verify every entry's balance, the numbering and the hash chain; exit 1 if broken."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow(readonly=True) as u:
            result = ledger.check(u, actor=c.actor(slug))

        def human() -> None:
            if result.ok:
                typer.echo(f"the books are sound: {result.entries} entries, balanced and chained")
            for p in result.problems:
                typer.echo(f"entry {p.seq}: {p.message} ({p.code})")

        emit(
            as_json,
            {"ok": result.ok, "entries": result.entries, "problems": result.problems},
            human,
        )
    if not result.ok:
        raise typer.Exit(1)


@ledger_app.command("balances")
def balances(ctx: typer.Context, slug: Slug, as_json: Json = False) -> None:
    """Balance of every account (funds, rounds, what is owed to each member)."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow(readonly=True) as u:
            found = ledger.balances(u, actor=c.actor(slug))
        emit(as_json, found, "\n".join(f"{b.account:<28} {b.amount!s:>16}" for b in found))


@ledger_app.command("journal")
def journal(
    ctx: typer.Context,
    slug: Slug,
    account: Annotated[str | None, typer.Option(help="Only entries touching this account.")] = None,
    after: Annotated[
        int, typer.Option(min=0, help="Only entries numbered after this one (paging).")
    ] = 0,
    limit: Annotated[
        int | None, typer.Option(min=1, help="At most this many entries (paging).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Every entry with its postings, cause and hash; a large journal page by page with
    --after (the last number shown) and --limit."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow(readonly=True) as u:
            found = ledger.journal(
                u, actor=c.actor(slug), account=account, after=after, limit=limit
            )

        def human() -> None:
            for r in found:
                typer.echo(
                    f"#{r.seq} {r.entry.occurred_at:%Y-%m-%d} {r.entry.cause}  "
                    f"{r.entry.memo}  [{r.hash[:12]}]"
                )
                for p in r.entry.postings:
                    typer.echo(f"    {p.account:<28} {p.amount:>14} {p.currency}")

        emit(as_json, found, human)


@ledger_app.command("deposit")
def deposit(
    ctx: typer.Context,
    slug: Slug,
    amount: str,
    memo: Annotated[str, typer.Option(help="Where the money comes from.")],
    fund: Annotated[str, typer.Option(help="commons or project:NAME.")] = "commons",
    as_json: Json = False,
) -> None:
    """Record money coming in (admins only)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        minor = parse_minor(amount, actor.organization.currency.decimals)
        with c.uow() as u:
            recorded = ledger.deposit(
                u, actor=actor, amount=minor, memo=memo, fund=fund, now=c.clock()
            )
        emit(
            as_json,
            recorded,
            f"entry #{recorded.seq}: {Money(minor, actor.organization.currency)} into {fund}",
        )


@ledger_app.command("pay")
def pay(
    ctx: typer.Context,
    slug: Slug,
    member_id: int,
    amount: str,
    reference: Annotated[str, typer.Option(help="Bank transfer reference or similar.")],
    as_json: Json = False,
) -> None:
    """Mark an amount owed to a member as paid (admins only)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        minor = parse_minor(amount, actor.organization.currency.decimals)
        with c.uow() as u:
            recorded = ledger.pay_member(
                u,
                actor=actor,
                member_id=member_id,
                amount=minor,
                reference=reference,
                now=c.clock(),
            )
        emit(
            as_json,
            recorded,
            f"entry #{recorded.seq}: paid {Money(minor, actor.organization.currency)} "
            f"to member #{member_id}",
        )


@ledger_app.command("reverse")
def reverse(
    ctx: typer.Context,
    slug: Slug,
    seq: int,
    reason: Annotated[str, typer.Option(help="Why the entry is cancelled.")],
    as_json: Json = False,
) -> None:
    """Cancel an entry with a reversing entry (admins only)."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            recorded = ledger.reverse_entry(
                u, actor=c.actor(slug), seq=seq, reason=reason, now=c.clock()
            )
        emit(as_json, recorded, f"entry #{recorded.seq} reverses #{seq}")
