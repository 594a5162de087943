"""Claim threads are append-only: the database refuses to change or remove a step.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # partage_append_only() was created with the ledger's guards in 0001.
        op.execute(
            "CREATE TRIGGER claim_events_append_only BEFORE UPDATE OR DELETE ON claim_events "
            "FOR EACH ROW EXECUTE FUNCTION partage_append_only()"
        )
    elif dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER claim_events_no_{action.lower()} BEFORE {action} ON claim_events "
                "BEGIN SELECT RAISE(ABORT, 'a claim''s thread is append-only'); END"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS claim_events_append_only ON claim_events")
    elif dialect == "sqlite":
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS claim_events_no_{action}")
