"""`partage import …`: bring history from elsewhere into an organization (a git repository,
a SourceCred instance). Each source has its own module; this group only gathers them."""

from __future__ import annotations

import typer

from partage.cli import import_git_command, import_sourcecred_command, import_transactions_command

imports = typer.Typer(
    help="Bring history from elsewhere: a git repository, a SourceCred instance, transactions."
)

import_git_command.register(imports)
import_sourcecred_command.register(imports)
import_transactions_command.register(imports)
