"""Flows: peer-allocation epochs (gifts, opt-outs) and funding calls (pledges).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import partage.storage.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NEW_COUNTERS = ("epoch", "funding_call")


def _org_id() -> sa.Column[int]:
    return sa.Column(
        "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
    )


def _stamp(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, partage.storage.types.UtcDateTime(timezone=True), nullable=nullable)


def _member_fk(column: str, name: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id", column], ["members.organization_id", "members.id"], name=name
    )


def upgrade() -> None:
    op.create_table(
        "epochs",
        _org_id(),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("points_per_member", sa.Integer(), nullable=False),
        sa.Column("blinded", sa.Boolean(), nullable=False),
        sa.Column("budget", sa.BigInteger(), nullable=False),
        sa.Column("fund", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        _stamp("opened_at", nullable=False),
        sa.Column("opened_by", sa.BigInteger(), nullable=False),
        _stamp("closed_at", nullable=True),
        sa.Column("closed_by", sa.BigInteger(), nullable=True),
        sa.Column("distribution_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_epochs_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_epochs")),
    )
    op.create_table(
        "funding_calls",
        _org_id(),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("pool", sa.BigInteger(), nullable=False),
        sa.Column("fund", sa.String(length=200), nullable=False),
        sa.Column("projects", sa.Text(), nullable=False),
        sa.Column("blinded", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        _stamp("opened_at", nullable=False),
        sa.Column("opened_by", sa.BigInteger(), nullable=False),
        _stamp("closed_at", nullable=True),
        sa.Column("closed_by", sa.BigInteger(), nullable=True),
        sa.Column("distribution_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_funding_calls_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_funding_calls")),
    )
    op.create_table(
        "epoch_gifts",
        _org_id(),
        sa.Column("epoch_id", sa.BigInteger(), nullable=False),
        sa.Column("giver_id", sa.BigInteger(), nullable=False),
        sa.Column("receiver_id", sa.BigInteger(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "epoch_id"],
            ["epochs.organization_id", "epochs.id"],
            name=op.f("fk_epoch_gifts_organization_id_epochs"),
        ),
        _member_fk("giver_id", "fk_epoch_gifts_giver_members"),
        _member_fk("receiver_id", "fk_epoch_gifts_receiver_members"),
        sa.PrimaryKeyConstraint(
            "organization_id", "epoch_id", "giver_id", "receiver_id", name=op.f("pk_epoch_gifts")
        ),
    )
    op.create_table(
        "epoch_opt_outs",
        _org_id(),
        sa.Column("epoch_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "epoch_id"],
            ["epochs.organization_id", "epochs.id"],
            name=op.f("fk_epoch_opt_outs_organization_id_epochs"),
        ),
        _member_fk("member_id", op.f("fk_epoch_opt_outs_organization_id_members")),
        sa.PrimaryKeyConstraint(
            "organization_id", "epoch_id", "member_id", name=op.f("pk_epoch_opt_outs")
        ),
    )
    op.create_table(
        "funding_pledges",
        _org_id(),
        sa.Column("call_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("project", sa.String(length=100), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "call_id"],
            ["funding_calls.organization_id", "funding_calls.id"],
            name=op.f("fk_funding_pledges_organization_id_funding_calls"),
        ),
        _member_fk("member_id", op.f("fk_funding_pledges_organization_id_members")),
        sa.PrimaryKeyConstraint(
            "organization_id", "call_id", "member_id", "project", name=op.f("pk_funding_pledges")
        ),
    )
    # Organizations created before this revision get their counters for the new ids.
    for kind in NEW_COUNTERS:
        op.execute(
            "INSERT INTO counters (organization_id, kind, value) "
            f"SELECT id, '{kind}', 0 FROM organizations"
        )


def downgrade() -> None:
    for kind in NEW_COUNTERS:
        op.execute(f"DELETE FROM counters WHERE kind = '{kind}'")
    op.drop_table("funding_pledges")
    op.drop_table("epoch_opt_outs")
    op.drop_table("epoch_gifts")
    op.drop_table("funding_calls")
    op.drop_table("epochs")
