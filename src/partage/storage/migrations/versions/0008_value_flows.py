"""Value flows: split rule versions, transactions and their bulk imports.

Also makes PostgreSQL's balance guard check each entry once instead of once per posting,
which a bulk import of a million transactions (five million postings) needs: the deferred
check now fires for an entry's first posting only, and it sums every posting of the entry
at commit, as before. Postings added to an entry written by an earlier transaction, which
that check would not see, are refused at once by a statement trigger: an entry's postings
are written with it.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import partage.storage.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


NEW_COUNTERS = ("transaction", "transaction_import")

PG_LATE_POSTINGS_FUNCTION = """
CREATE OR REPLACE FUNCTION partage_postings_with_their_entry() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1
        FROM (SELECT DISTINCT organization_id, entry_seq FROM new_postings) AS touched
        JOIN ledger_entries AS e
          ON e.organization_id = touched.organization_id AND e.seq = touched.entry_seq
        WHERE e.xmin <> pg_current_xact_id()::xid
    ) THEN
        RAISE EXCEPTION 'the ledger is append-only: postings are written with their entry'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def _guards_once_per_entry() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS ledger_postings_balanced ON ledger_postings")
    op.execute(
        "CREATE CONSTRAINT TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.line = 1) "
        "EXECUTE FUNCTION partage_entry_balanced()"
    )
    op.execute(PG_LATE_POSTINGS_FUNCTION)
    op.execute(
        "CREATE TRIGGER ledger_postings_with_their_entry AFTER INSERT ON ledger_postings "
        "REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT "
        "EXECUTE FUNCTION partage_postings_with_their_entry()"
    )


def _guards_per_posting() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS ledger_postings_with_their_entry ON ledger_postings")
    op.execute("DROP FUNCTION IF EXISTS partage_postings_with_their_entry()")
    op.execute("DROP TRIGGER IF EXISTS ledger_postings_balanced ON ledger_postings")
    op.execute(
        "CREATE CONSTRAINT TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION partage_entry_balanced()"
    )


def upgrade() -> None:
    op.create_table(
        "split_rule_versions",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("proposal_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_split_rule_versions_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "version", name=op.f("pk_split_rule_versions")),
    )
    op.create_table(
        "transaction_imports",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("posted", sa.BigInteger(), nullable=False),
        sa.Column("failed", sa.BigInteger(), nullable=False),
        sa.Column("started_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", partage.storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("started_by", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "status IN ('running', 'done')", name=op.f("ck_transaction_imports_status")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_transaction_imports_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_transaction_imports")),
    )
    with op.batch_alter_table("transaction_imports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transaction_imports_file", ["organization_id", "file_sha256"], unique=False
        )

    op.create_table(
        "transactions",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("occurred_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=63), nullable=False),
        sa.Column("payee_id", sa.BigInteger(), nullable=False),
        sa.Column("payer", sa.String(length=200), nullable=False),
        sa.Column("parties", sa.Text(), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("commission", sa.BigInteger(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.Column("commission_line", sa.Integer(), nullable=False),
        sa.Column("amount_line", sa.Integer(), nullable=False),
        sa.Column("refund_of", sa.BigInteger(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=True),
        sa.Column("import_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_transactions_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_transactions")),
        sa.UniqueConstraint(
            "organization_id", "idempotency_key", name="uq_transactions_idempotency"
        ),
        sa.UniqueConstraint("organization_id", "reference", name="uq_transactions_reference"),
    )
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_transactions_occurred", ["organization_id", "occurred_at"], unique=False
        )
        batch_op.create_index(
            "ix_transactions_payee", ["organization_id", "payee_id"], unique=False
        )

    op.create_table(
        "transaction_import_errors",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("import_id", sa.BigInteger(), nullable=False),
        sa.Column("row", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "import_id"],
            ["transaction_imports.organization_id", "transaction_imports.id"],
            name=op.f("fk_transaction_import_errors_organization_id_transaction_imports"),
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "import_id", "row", name=op.f("pk_transaction_import_errors")
        ),
    )
    for kind in NEW_COUNTERS:
        op.execute(
            "INSERT INTO counters (organization_id, kind, value) "
            f"SELECT id, '{kind}', 0 FROM organizations"
        )
    _guards_once_per_entry()


def downgrade() -> None:
    _guards_per_posting()
    for kind in NEW_COUNTERS:
        op.execute(f"DELETE FROM counters WHERE kind = '{kind}'")
    op.drop_table("transaction_import_errors")
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_transactions_payee")
        batch_op.drop_index("ix_transactions_occurred")

    op.drop_table("transactions")
    with op.batch_alter_table("transaction_imports", schema=None) as batch_op:
        batch_op.drop_index("ix_transaction_imports_file")

    op.drop_table("transaction_imports")
    op.drop_table("split_rule_versions")
