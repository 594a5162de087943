"""Starting partage: migrate the database, load the demo, serve the web app and API."""

from __future__ import annotations

from typing import Annotated

import typer

from partage.cli.context import cli_context
from partage.cli.output import Json, emit, reporting
from partage.services import database, demo


def register(app: typer.Typer) -> None:
    @app.command("migrate")
    def migrate(ctx: typer.Context, as_json: Json = False) -> None:
        """Create or update the database schema."""
        c = cli_context(ctx)
        with reporting(as_json):
            database.migrate(c.uow)
            emit(
                as_json,
                {"migrated": True, "database": _safe(c.database_url)},
                "database is up to date",
            )

    @app.command("demo")
    def load_demo(ctx: typer.Context, as_json: Json = False) -> None:
        """Load the demo community (a network of tiers-lieux) if it is not there yet."""
        c = cli_context(ctx)
        with reporting(as_json):
            database.migrate(c.uow)
            report = demo.load(c.uow, now=c.clock())
            emit(
                as_json,
                report,
                f"demo {'loaded' if report.created else 'already present'}: /o/{report.slug} — "
                f"sign in as {report.admin_email} / {report.password}",
            )

    @app.command("serve")
    def serve(
        ctx: typer.Context,
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        with_demo: Annotated[
            bool, typer.Option("--demo/--no-demo", help="Load the demo community first.")
        ] = False,
        workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
        as_json: Json = False,
    ) -> None:
        """Migrate, optionally load the demo, and serve the web pages and the API."""
        import uvicorn

        c = cli_context(ctx)
        url = f"http://{host}:{port}"
        with reporting(as_json):
            database.migrate(c.uow)
            report = demo.load(c.uow, now=c.clock()) if with_demo else None
        if as_json:
            emit(True, {"url": url, "api_docs": f"{url}/api/docs", "demo": report}, "")
        else:
            if report is not None and report.created:
                typer.echo(f"demo loaded: sign in as {report.admin_email} / {report.password}")
            typer.echo(f"partage serves {url} (API docs at /api/docs)")
        uvicorn.run("partage.app:create_app", factory=True, host=host, port=port, workers=workers)


def _safe(url: str) -> str:
    head, sep, tail = url.partition("@")
    if not sep:
        return url
    scheme, _, _ = head.partition("://")
    return f"{scheme}://***@{tail}"
