"""What each written row of the ledger and of the transactions costs the database, cut down.

Measured on a bulk import (docs/value-flows.md, "Performance"):

* **The idempotency key's unique index becomes partial** (``WHERE idempotency_key IS NOT
  NULL``), on both databases: imported rows have no key, and every one of them was an
  entry in that index (SQLite indexes NULLs; PostgreSQL too).
* **PostgreSQL compares names byte by byte** (``COLLATE "C"``): the postings' account,
  the entries' cause, the transactions' reference and idempotency key. The database's
  collation goes through the C library for every comparison of every index insert, even
  for ``C.UTF-8``; 600,000 postings were copied 15 % faster in byte order.
* **PostgreSQL checks that an entry's or a transaction's organization exists once per
  statement**, set-based, instead of a foreign key checked row by row (8 µs of each row:
  0.8 s of every 100,000 entries, as much again for the transactions). An organization
  that has entries or transactions cannot be deleted, and a transaction cannot move to
  another one, as the keys ensured. SQLite keeps its foreign keys, which cost it little.

And, on both, a partial index on the entries that reverse another, so that reversing an entry
looks for an earlier reversal with one probe instead of reading the whole journal.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ENTRIES_KEY = "fk_ledger_entries_organization_id_organizations"
TRANSACTIONS_KEY = "fk_transactions_organization_id_organizations"
IDEMPOTENCY = "uq_transactions_idempotency"
REVERSES = "ix_ledger_entries_reverses"
# (table, column, length) compared byte by byte on PostgreSQL.
NAMES = (
    ("ledger_postings", "account", 200),
    ("ledger_entries", "cause", 100),
    ("transactions", "reference", 200),
    ("transactions", "idempotency_key", 200),
)

PG_KNOWN_ORGANIZATION = """
CREATE OR REPLACE FUNCTION partage_rows_of_known_organizations() RETURNS trigger AS $$
DECLARE
    missing BIGINT;
BEGIN
    SELECT n.organization_id INTO missing
    FROM (SELECT DISTINCT organization_id FROM new_rows) AS n
    WHERE NOT EXISTS (SELECT 1 FROM organizations AS o WHERE o.id = n.organization_id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'organization % does not exist (%)', missing, TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""

PG_ORGANIZATION_KEPT = """
CREATE OR REPLACE FUNCTION partage_organization_kept() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.organization_id IS DISTINCT FROM OLD.organization_id THEN
            RAISE EXCEPTION 'a transaction cannot move to another organization'
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM ledger_entries WHERE organization_id = OLD.id)
       OR EXISTS (SELECT 1 FROM transactions WHERE organization_id = OLD.id) THEN
        RAISE EXCEPTION 'organization % has ledger entries or transactions', OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql
"""


def _pg_upgrade() -> None:
    for table, column, length in NAMES:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) COLLATE "C"')
    op.execute(f"ALTER TABLE transactions DROP CONSTRAINT {IDEMPOTENCY}")
    op.execute(
        f"CREATE UNIQUE INDEX {IDEMPOTENCY} ON transactions (organization_id, idempotency_key) "
        "WHERE idempotency_key IS NOT NULL"
    )
    op.execute(f"ALTER TABLE ledger_entries DROP CONSTRAINT {ENTRIES_KEY}")
    op.execute(f"ALTER TABLE transactions DROP CONSTRAINT {TRANSACTIONS_KEY}")
    op.execute(PG_KNOWN_ORGANIZATION)
    op.execute(PG_ORGANIZATION_KEPT)
    for table in ("ledger_entries", "transactions"):
        op.execute(
            f"CREATE TRIGGER {table}_known_organization AFTER INSERT ON {table} "
            "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
            "EXECUTE FUNCTION partage_rows_of_known_organizations()"
        )
    op.execute(
        "CREATE TRIGGER transactions_organization_kept BEFORE UPDATE OF organization_id "
        "ON transactions FOR EACH ROW EXECUTE FUNCTION partage_organization_kept()"
    )
    op.execute(
        "CREATE TRIGGER organizations_kept BEFORE DELETE ON organizations "
        "FOR EACH ROW EXECUTE FUNCTION partage_organization_kept()"
    )


def _pg_downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS organizations_kept ON organizations")
    op.execute("DROP TRIGGER IF EXISTS transactions_organization_kept ON transactions")
    for table in ("ledger_entries", "transactions"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_known_organization ON {table}")
    op.execute("DROP FUNCTION IF EXISTS partage_organization_kept()")
    op.execute("DROP FUNCTION IF EXISTS partage_rows_of_known_organizations()")
    for table, key in (("ledger_entries", ENTRIES_KEY), ("transactions", TRANSACTIONS_KEY)):
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {key} "
            "FOREIGN KEY (organization_id) REFERENCES organizations (id)"
        )
    op.execute(f"DROP INDEX {IDEMPOTENCY}")
    op.execute(
        f"ALTER TABLE transactions ADD CONSTRAINT {IDEMPOTENCY} "
        "UNIQUE (organization_id, idempotency_key)"
    )
    for table, column, length in NAMES:
        op.execute(
            f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) COLLATE "default"'
        )


def _reverses_index() -> None:
    where = sa.text("reverses IS NOT NULL")
    op.create_index(
        REVERSES,
        "ledger_entries",
        ["organization_id", "reverses"],
        sqlite_where=where,
        postgresql_where=where,
    )


def upgrade() -> None:
    _reverses_index()
    if op.get_bind().dialect.name == "postgresql":
        _pg_upgrade()
        return
    # SQLite: the key was declared in the table; dropping it rebuilds the table (it has no
    # triggers of its own).
    with op.batch_alter_table("transactions", recreate="always") as batch:
        batch.drop_constraint(IDEMPOTENCY, type_="unique")
    op.create_index(
        IDEMPOTENCY,
        "transactions",
        ["organization_id", "idempotency_key"],
        unique=True,
        sqlite_where=sa.text("idempotency_key IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(REVERSES, table_name="ledger_entries")
    if op.get_bind().dialect.name == "postgresql":
        _pg_downgrade()
        return
    op.drop_index(IDEMPOTENCY, table_name="transactions")
    with op.batch_alter_table("transactions", recreate="always") as batch:
        batch.create_unique_constraint(IDEMPOTENCY, ["organization_id", "idempotency_key"])
