"""Subscriptions and licences: plans with a fee per status and period, and who subscribes.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import partage.storage.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


NEW_COUNTERS = ("subscription_plan", "subscription")


def upgrade() -> None:
    op.create_table(
        "subscription_plans",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("fees", sa.Text(), nullable=False),
        sa.Column("destination", sa.String(length=200), nullable=False),
        sa.Column("created_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "period IN ('monthly', 'quarterly', 'yearly')",
            name=op.f("ck_subscription_plans_period"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_subscription_plans_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_subscription_plans")),
        sa.UniqueConstraint("organization_id", "name", name="uq_subscription_plans_name"),
    )
    op.create_table(
        "subscriptions",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("plan_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=63), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("charged", sa.Integer(), nullable=False),
        sa.Column("created_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["members.organization_id", "members.id"],
            name=op.f("fk_subscriptions_organization_id_members"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "plan_id"],
            ["subscription_plans.organization_id", "subscription_plans.id"],
            name=op.f("fk_subscriptions_organization_id_subscription_plans"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint(
            "organization_id", "plan_id", "member_id", name="uq_subscriptions_member"
        ),
    )

    for kind in NEW_COUNTERS:
        op.execute(
            "INSERT INTO counters (organization_id, kind, value) "
            f"SELECT id, '{kind}', 0 FROM organizations"
        )


def downgrade() -> None:
    for kind in NEW_COUNTERS:
        op.execute(f"DELETE FROM counters WHERE kind = '{kind}'")
    op.drop_table("subscriptions")
    op.drop_table("subscription_plans")
