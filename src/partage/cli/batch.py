"""The commands that read files and need no database — `cred compute`, `simulate`, `tally` —
as a program of their own, so that a batch run starts without loading the database and web
layers, nor the other batch commands' libraries.

``partage cred compute …``, ``partage simulate …`` and ``partage tally …`` run here; the full
program lists them too, with the `cred` commands that read an organization's records
(``cred org``, ``cred weights``): :func:`handles` says which program runs a command line.
"""

from __future__ import annotations

import importlib

import typer

COMMANDS = ("cred", "simulate", "tally")
# Sub-commands of COMMANDS that read the database: the full program runs them.
DATABASE_COMMANDS = (("cred", "org"), ("cred", "weights"))
# Bad input is what is wrong, like a usage error.
EXIT_INVALID = 2


def program(*commands: str) -> typer.Typer:
    """The batch program with only ``commands`` (all of them when none is named): each
    command's module is imported only when it is asked for."""
    app = typer.Typer(name="partage", no_args_is_help=True, pretty_exceptions_enable=False)

    @app.callback()
    def root() -> None:
        """partage — the batch commands that need no database."""

    for name in commands or COMMANDS:
        if name == "cred":
            cred_commands = importlib.import_module("partage.cli.cred_commands")
            app.add_typer(cred_commands.cred, name="cred")
        else:
            importlib.import_module(f"partage.cli.{name}_commands").register(app)
    return app


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
        raise SystemExit(EXIT_INVALID)
    program(args[0])(args=args)
