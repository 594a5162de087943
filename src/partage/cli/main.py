"""The `partage` program: one sub-command group per domain, each calling services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

import typer

from partage.cli import (
    contribution_commands,
    cred_commands,
    distribution_commands,
    flow_commands,
    flow_report_commands,
    governance_commands,
    import_commands,
    ledger_commands,
    org_commands,
    round_commands,
    scheduler_commands,
    server_commands,
    simulate_commands,
    subscription_commands,
    tally_commands,
    transaction_commands,
    unit_commands,
)
from partage.cli.context import CliContext
from partage.services.context import UnitOfWorkFactory

app = typer.Typer(
    name="partage",
    help="Share power and value: contributive budgets on a transparent double-entry ledger.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    acting_as: Annotated[
        str | None,
        typer.Option("--as", envvar="PARTAGE_AS", help="Email of the member who acts."),
    ] = None,
) -> None:
    """partage — contributive budgets, peer control and a transparent ledger."""
    assert isinstance(ctx.obj, CliContext)
    ctx.obj.acting_as = acting_as


app.add_typer(org_commands.org, name="org")
app.add_typer(org_commands.member, name="member")
app.add_typer(org_commands.college, name="college")
app.add_typer(org_commands.user, name="user")
app.add_typer(org_commands.token, name="token")
app.add_typer(contribution_commands.contribution, name="contribution")
app.add_typer(round_commands.round_app, name="round")
app.add_typer(round_commands.claim, name="claim")
app.add_typer(ledger_commands.ledger_app, name="ledger")
app.add_typer(distribution_commands.distribution, name="distribution")
app.add_typer(flow_commands.epoch, name="epoch")
app.add_typer(flow_commands.funding, name="funding")
app.add_typer(cred_commands.cred, name="cred")
app.add_typer(import_commands.imports, name="import")
app.add_typer(unit_commands.units_app, name="units")
app.add_typer(scheduler_commands.scheduler, name="scheduler")
app.add_typer(subscription_commands.subscription, name="subscriptions")
server_commands.register(app)
simulate_commands.register(app)
tally_commands.register(app)
governance_commands.register(app)
transaction_commands.register(app)
flow_report_commands.register(app)


def run(
    *,
    uow_factory: Callable[[], UnitOfWorkFactory],
    clock: Callable[[], datetime],
    database_url: str,
    args: list[str] | None = None,
) -> None:
    app(
        args=args,
        obj=CliContext(make_uow=uow_factory, clock=clock, database_url=database_url),
    )
