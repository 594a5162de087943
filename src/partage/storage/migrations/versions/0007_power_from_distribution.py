"""Governance: power from contribution may follow a distribution's scores instead of hours.

`power_basis` says what a member's recognised contribution is measured in: 'hours' (the
default, every existing organization keeps it) or 'distribution', in which case
`power_distribution_id` names the recorded distribution whose per-member payouts feed the
weight. The database refuses a basis outside the two, and an id naming no distribution of the
same organization.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("governance_settings") as batch:
        batch.add_column(
            sa.Column("power_basis", sa.String(length=20), nullable=False, server_default="hours")
        )
        batch.add_column(sa.Column("power_distribution_id", sa.BigInteger(), nullable=True))
        batch.create_foreign_key(
            "fk_governance_settings_organization_id_distributions",
            "distributions",
            ["organization_id", "power_distribution_id"],
            ["organization_id", "id"],
        )
        batch.create_check_constraint(
            "ck_governance_settings_power_basis",
            "power_basis IN ('hours', 'distribution')",
        )


def downgrade() -> None:
    with op.batch_alter_table("governance_settings") as batch:
        batch.drop_constraint("ck_governance_settings_power_basis", type_="check")
        batch.drop_constraint(
            "fk_governance_settings_organization_id_distributions", type_="foreignkey"
        )
        batch.drop_column("power_distribution_id")
        batch.drop_column("power_basis")
