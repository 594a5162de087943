"""Units: an operation can be reversed.

A reversal is a new row of `unit_operations` of kind 'reversal' whose `reverses` names the
operation it cancels (at most one reversal per operation: a unique constraint); the reversed
operation's `reversed_by` names its reversal. A contribution earns a unit once *unless that
earning was reversed*: the unique constraint on (contribution, unit) becomes a unique index
over the earnings not reversed. Existing rows are operations nobody reversed: both columns
stay empty.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

NOT_REVERSED_EARNING = "contribution_id IS NOT NULL AND reversed_by IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("unit_operations") as batch:
        batch.add_column(sa.Column("reverses", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("reversed_by", sa.BigInteger(), nullable=True))
        batch.drop_constraint(op.f("ck_unit_operations_kind"), type_="check")
        batch.create_check_constraint(
            op.f("ck_unit_operations_kind"),
            "kind IN ('buy', 'earn', 'spend', 'exchange', 'grant', 'reversal')",
        )
        batch.create_check_constraint(
            op.f("ck_unit_operations_reversal"),
            "(kind = 'reversal' AND reverses IS NOT NULL AND reversed_by IS NULL)"
            " OR (kind <> 'reversal' AND reverses IS NULL)",
        )
        batch.create_foreign_key(
            op.f("fk_unit_operations_organization_id_unit_operations"),
            "unit_operations",
            ["organization_id", "reverses"],
            ["organization_id", "id"],
        )
        batch.create_unique_constraint(
            op.f("uq_unit_operations_reverses"), ["organization_id", "reverses"]
        )
        batch.drop_constraint(op.f("uq_unit_operations_contribution"), type_="unique")
    op.create_index(
        op.f("uq_unit_operations_earning"),
        "unit_operations",
        ["organization_id", "contribution_id", "unit_code"],
        unique=True,
        sqlite_where=sa.text(NOT_REVERSED_EARNING),
        postgresql_where=sa.text(NOT_REVERSED_EARNING),
    )


def downgrade() -> None:
    # Reversals cannot be expressed before this revision: undo them in the books first.
    op.drop_index(op.f("uq_unit_operations_earning"), table_name="unit_operations")
    with op.batch_alter_table("unit_operations") as batch:
        batch.create_unique_constraint(
            op.f("uq_unit_operations_contribution"),
            ["organization_id", "contribution_id", "unit_code"],
        )
        batch.drop_constraint(op.f("uq_unit_operations_reverses"), type_="unique")
        batch.drop_constraint(
            op.f("fk_unit_operations_organization_id_unit_operations"), type_="foreignkey"
        )
        batch.drop_constraint(op.f("ck_unit_operations_reversal"), type_="check")
        batch.drop_constraint(op.f("ck_unit_operations_kind"), type_="check")
        batch.create_check_constraint(
            op.f("ck_unit_operations_kind"), "kind IN ('buy', 'earn', 'spend', 'exchange', 'grant')"
        )
        batch.drop_column("reversed_by")
        batch.drop_column("reverses")
