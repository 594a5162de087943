"""The `partage` command-line program (Typer); `--json` on every command."""
