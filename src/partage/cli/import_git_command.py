"""`partage import git …`."""

from __future__ import annotations

import typer


def register(imports: typer.Typer) -> None:
    """Add the command to the `import` group."""
