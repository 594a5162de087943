"""Contribution graph: imported contributions' sources and links, member aliases, and the
organization's activity weights.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import partage.storage.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _org_id() -> sa.Column[int]:
    return sa.Column(
        "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
    )


def _stamp(name: str) -> sa.Column[object]:
    return sa.Column(name, partage.storage.types.UtcDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("contributions") as batch:
        batch.add_column(sa.Column("source_key", sa.String(length=200), nullable=True))
        batch.create_index(
            "ix_contributions_source_key", ["organization_id", "source_key"], unique=False
        )
    op.create_table(
        "contribution_links",
        _org_id(),
        sa.Column("contribution_id", sa.BigInteger(), nullable=False),
        sa.Column("target", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "contribution_id"],
            ["contributions.organization_id", "contributions.id"],
            name=op.f("fk_contribution_links_organization_id_contributions"),
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "contribution_id", "target", name=op.f("pk_contribution_links")
        ),
    )
    op.create_table(
        "member_aliases",
        _org_id(),
        sa.Column("alias", sa.String(length=300), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        _stamp("created_at"),
        sa.ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["members.organization_id", "members.id"],
            name=op.f("fk_member_aliases_organization_id_members"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "alias", name=op.f("pk_member_aliases")),
    )
    op.create_index("ix_member_aliases_member", "member_aliases", ["organization_id", "member_id"])
    op.create_table(
        "cred_settings",
        _org_id(),
        sa.Column("weights", sa.Text(), nullable=False),
        _stamp("updated_at"),
        sa.Column("updated_by", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_cred_settings_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_cred_settings")),
    )


def downgrade() -> None:
    op.drop_table("cred_settings")
    op.drop_index("ix_member_aliases_member", table_name="member_aliases")
    op.drop_table("member_aliases")
    op.drop_table("contribution_links")
    with op.batch_alter_table("contributions") as batch:
        batch.drop_index("ix_contributions_source_key")
        batch.drop_column("source_key")
