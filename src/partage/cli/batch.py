"""The commands that read files and need no database — `cred compute`, `simulate`, `tally` —
as a program of their own, so that a batch run starts without loading the database and web
layers.

``partage cred compute …``, ``partage simulate …`` and ``partage tally …`` run here; the full
program lists them too, with the `cred` commands that read an organization's records
(``cred org``, ``cred weights``): :func:`handles` says which program runs a command line.
"""

from __future__ import annotations

import typer

from partage.cli import cred_commands, simulate_commands, tally_commands

COMMANDS = ("cred", "simulate", "tally")
# Sub-commands of COMMANDS that read the database: the full program runs them.
DATABASE_COMMANDS = (("cred", "org"), ("cred", "weights"))

batch = typer.Typer(name="partage", no_args_is_help=True, pretty_exceptions_enable=False)
batch.add_typer(cred_commands.cred, name="cred")
simulate_commands.register(batch)
tally_commands.register(batch)


@batch.callback()
def root() -> None:
    """partage — the batch commands that need no database."""


def handles(args: list[str]) -> bool:
    """Whether the batch program runs ``args`` (the command line after the program's name)."""
    return bool(args) and args[0] in COMMANDS and tuple(args[:2]) not in DATABASE_COMMANDS


def run(args: list[str]) -> None:
    if not handles(args):
        # Reached only when the caller routed on the first word alone.
        typer.echo(
            f"error: partage {' '.join(args[:2])} reads the organization's records: "
            "the full program runs it, not the batch one (cli.batch.handles)",
            err=True,
        )
        raise SystemExit(cred_commands.EXIT_INVALID)
    batch(args=args)
