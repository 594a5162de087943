"""Alembic environment: runs on the connection partage hands it (see storage/migrate.py)."""

from __future__ import annotations

from alembic import context

from partage.storage.database import make_engine
from partage.storage.tables import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///partage.db")
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
