"""The commands that read files and need no database — `cred` and `simulate` — as a program
of their own, so that a batch run starts without loading the database and web layers.

``partage cred …`` and ``partage simulate …`` run here; the full program lists them too.
"""

from __future__ import annotations

import typer

from partage.cli import cred_commands, simulate_commands

COMMANDS = ("cred", "simulate")

batch = typer.Typer(name="partage", no_args_is_help=True, pretty_exceptions_enable=False)
batch.add_typer(cred_commands.cred, name="cred")
simulate_commands.register(batch)


@batch.callback()
def root() -> None:
    """partage — the batch commands that need no database."""


def run(args: list[str]) -> None:
    batch(args=args)
