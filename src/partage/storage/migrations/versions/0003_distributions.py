"""Distributions: runs of an allocation model and the entry each posted.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import partage.storage.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "distributions",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("model", sa.String(length=40), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("fund", sa.String(length=200), nullable=False),
        sa.Column("budget", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("unallocated", sa.BigInteger(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=True),
        sa.Column("created_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_distributions_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_distributions")),
    )
    # Organizations created before this revision get their distribution counter.
    op.execute(
        "INSERT INTO counters (organization_id, kind, value) "
        "SELECT id, 'distribution', 0 FROM organizations"
    )


def downgrade() -> None:
    op.execute("DELETE FROM counters WHERE kind = 'distribution'")
    op.drop_table("distributions")
