"""An organization's own units: credits and a time bank.

Units (CREDIT, HOUR…) with their negative limit and purchase price, what an activity earns,
and every operation on them with the ledger entry that moved it.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import partage.storage.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

NEW_COUNTERS = ("unit_operation",)


def _org_id() -> sa.Column[int]:
    return sa.Column(
        "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "units",
        _org_id(),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.Column("negative_limit", sa.BigInteger(), nullable=False),
        sa.Column("price", sa.String(length=40), nullable=True),
        sa.Column("purchase_account", sa.String(length=200), nullable=False),
        sa.Column("created_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("kind IN ('credit', 'time')", name=op.f("ck_units_kind")),
        sa.CheckConstraint("negative_limit >= 0", name=op.f("ck_units_negative_limit")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_units_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "code", name=op.f("pk_units")),
    )
    op.create_table(
        "unit_earning_rules",
        _org_id(),
        sa.Column("unit_code", sa.String(length=12), nullable=False),
        sa.Column("activity", sa.String(length=100), nullable=False),
        sa.Column("per", sa.String(length=12), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "per IN ('contribution', 'hour')", name=op.f("ck_unit_earning_rules_per")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_unit_earning_rules_amount")),
        sa.ForeignKeyConstraint(
            ["organization_id", "unit_code"],
            ["units.organization_id", "units.code"],
            name=op.f("fk_unit_earning_rules_organization_id_units"),
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "unit_code", "activity", name=op.f("pk_unit_earning_rules")
        ),
    )
    op.create_table(
        "unit_operations",
        _org_id(),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("unit_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("counterpart_id", sa.BigInteger(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("money_amount", sa.BigInteger(), nullable=True),
        sa.Column("money_currency", sa.String(length=12), nullable=True),
        sa.Column("rate", sa.String(length=40), nullable=True),
        sa.Column("contribution_id", sa.BigInteger(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('buy', 'earn', 'spend', 'exchange', 'grant')",
            name=op.f("ck_unit_operations_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "unit_code"],
            ["units.organization_id", "units.code"],
            name=op.f("fk_unit_operations_organization_id_units"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_unit_operations")),
        sa.UniqueConstraint(
            "organization_id",
            "contribution_id",
            "unit_code",
            name="uq_unit_operations_contribution",
        ),
    )
    with op.batch_alter_table("unit_operations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_unit_operations_unit", ["organization_id", "unit_code", "id"], unique=False
        )
    for kind in NEW_COUNTERS:
        op.execute(
            "INSERT INTO counters (organization_id, kind, value) "
            f"SELECT id, '{kind}', 0 FROM organizations"
        )


def downgrade() -> None:
    for kind in NEW_COUNTERS:
        op.execute(f"DELETE FROM counters WHERE kind = '{kind}'")
    with op.batch_alter_table("unit_operations", schema=None) as batch_op:
        batch_op.drop_index("ix_unit_operations_unit")
    op.drop_table("unit_operations")
    op.drop_table("unit_earning_rules")
    op.drop_table("units")
