"""The migrations build exactly the schema the code describes, and can be undone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from partage.storage.migrate import alembic_config
from partage.storage.tables import metadata


def _declared_for(dialect: str) -> Callable[..., bool]:
    """Alembic's filter: leave out what the tables declare for another database only
    (``ddl_if(dialect=…)``), as ``create_all`` would."""

    def include(item: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
        condition = getattr(item, "_ddl_if", None)
        if reflected or condition is None or condition.dialect is None:
            return True
        wanted = condition.dialect
        return dialect == wanted if isinstance(wanted, str) else dialect in wanted

    return include


def test_migrated_schema_matches_the_tables(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": _declared_for(engine.dialect.name)}
        )
        diff = compare_metadata(context, metadata)
    assert diff == []


def test_downgrade_to_nothing_and_back(engine: Engine) -> None:
    config = alembic_config()
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn = conn.execution_options(sqlite_begin="DEFERRED")
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
        conn.commit()
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
        conn.commit()
        assert {"ledger_entries", "claims", "rounds"} <= set(inspect(conn).get_table_names())
