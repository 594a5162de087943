"""Governance: bodies, roles, proposals, votes (open, or secret counts with who took part),
objections, advice, outcomes, the decision log, member removals and the optional power from
contribution. The decision log and the outcomes are append-only: the database refuses to change
or remove a row.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import partage.storage.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

NEW_COUNTERS = (
    "governance_body",
    "governance_role",
    "proposal",
    "proposal_objection",
    "proposal_advice",
    "governance_event",
)
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION partage_governance_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: a decision is recorded once, never rewritten',
        TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
APPEND_ONLY = {
    "governance_log": "the decision log is append-only",
    "proposal_outcomes": "proposal outcomes are append-only: a decision is recorded once",
}


def upgrade() -> None:
    op.create_table(
        "governance_bodies",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("allows_blocks", sa.Boolean(), nullable=False),
        sa.Column("created_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_governance_bodies_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_governance_bodies")),
        sa.UniqueConstraint("organization_id", "name", name="uq_governance_bodies_org_name"),
    )
    op.create_table(
        "governance_log",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("proposal_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=True),
        sa.Column("at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_governance_log_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_governance_log")),
    )
    op.create_index(
        "ix_governance_log_proposal",
        "governance_log",
        ["organization_id", "proposal_id"],
        unique=False,
    )
    op.create_table(
        "governance_settings",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("contribution_cap", sa.String(length=40), nullable=True),
        sa.Column("hours_per_step", sa.String(length=40), nullable=True),
        sa.Column("updated_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_governance_settings_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_governance_settings")),
    )
    op.create_table(
        "governance_body_members",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("body_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "body_id"],
            ["governance_bodies.organization_id", "governance_bodies.id"],
            name=op.f("fk_governance_body_members_organization_id_governance_bodies"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["members.organization_id", "members.id"],
            name=op.f("fk_governance_body_members_organization_id_members"),
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "body_id", "member_id", name=op.f("pk_governance_body_members")
        ),
    )
    op.create_table(
        "governance_roles",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("domain", sa.Text(), nullable=False),
        sa.Column("body_id", sa.BigInteger(), nullable=True),
        sa.Column("holder_id", sa.BigInteger(), nullable=False),
        sa.Column("since", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("term_ends_at", partage.storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", partage.storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("proposal_id", sa.BigInteger(), nullable=True),
        sa.Column("ended_by_proposal", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id", "holder_id"],
            ["members.organization_id", "members.id"],
            name=op.f("fk_governance_roles_organization_id_members"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_governance_roles")),
    )
    op.create_table(
        "member_removals",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("removed_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("previous_role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["members.organization_id", "members.id"],
            name=op.f("fk_member_removals_organization_id_members"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "member_id", name=op.f("pk_member_removals")),
    )
    op.create_table(
        "proposals",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("body_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("threshold", sa.String(length=20), nullable=True),
        sa.Column("quorum", sa.String(length=40), nullable=True),
        sa.Column("quorum_per_college", sa.Boolean(), nullable=False),
        sa.Column("secret", sa.Boolean(), nullable=False),
        sa.Column("blocks_allowed", sa.Boolean(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("weights", sa.Text(), nullable=True),
        sa.Column("opened_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("closes_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("window_seconds", sa.BigInteger(), nullable=True),
        sa.Column("decider_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.Text(), nullable=True),
        sa.Column("contribution_power", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id", "author_id"],
            ["members.organization_id", "members.id"],
            name=op.f("fk_proposals_organization_id_members"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "body_id"],
            ["governance_bodies.organization_id", "governance_bodies.id"],
            name=op.f("fk_proposals_organization_id_governance_bodies"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_proposals")),
    )
    op.create_table(
        "proposal_advice",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("given_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "proposal_id"],
            ["proposals.organization_id", "proposals.id"],
            name=op.f("fk_proposal_advice_organization_id_proposals"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_proposal_advice")),
    )
    op.create_table(
        "proposal_counts",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("college", sa.String(length=200), nullable=False),
        sa.Column("choice", sa.String(length=20), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "proposal_id"],
            ["proposals.organization_id", "proposals.id"],
            name=op.f("fk_proposal_counts_organization_id_proposals"),
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "proposal_id", "college", "choice", name=op.f("pk_proposal_counts")
        ),
    )
    op.create_table(
        "proposal_objections",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("objector_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raised_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", partage.storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id", "proposal_id"],
            ["proposals.organization_id", "proposals.id"],
            name=op.f("fk_proposal_objections_organization_id_proposals"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_proposal_objections")),
    )
    op.create_table(
        "proposal_outcomes",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("result", sa.String(length=40), nullable=False),
        sa.Column("turnout", sa.String(length=40), nullable=False),
        sa.Column("chosen", sa.String(length=200), nullable=True),
        sa.Column("tied", sa.Text(), nullable=False),
        sa.Column("decision_text", sa.Text(), nullable=False),
        sa.Column("decided_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.BigInteger(), nullable=True),
        sa.Column("action_status", sa.String(length=20), nullable=True),
        sa.Column("action_detail", sa.Text(), nullable=False),
        sa.Column("tally", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "proposal_id"],
            ["proposals.organization_id", "proposals.id"],
            name=op.f("fk_proposal_outcomes_organization_id_proposals"),
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "proposal_id", name=op.f("pk_proposal_outcomes")
        ),
    )
    op.create_table(
        "proposal_participants",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "proposal_id"],
            ["proposals.organization_id", "proposals.id"],
            name=op.f("fk_proposal_participants_organization_id_proposals"),
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "proposal_id", "member_id", name=op.f("pk_proposal_participants")
        ),
    )
    op.create_table(
        "proposal_votes",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("voter_id", sa.BigInteger(), nullable=False),
        sa.Column("choice", sa.String(length=20), nullable=True),
        sa.Column("scores", sa.Text(), nullable=True),
        sa.Column("cast_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "proposal_id"],
            ["proposals.organization_id", "proposals.id"],
            name=op.f("fk_proposal_votes_organization_id_proposals"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "voter_id"],
            ["members.organization_id", "members.id"],
            name=op.f("fk_proposal_votes_organization_id_members"),
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "proposal_id", "voter_id", name=op.f("pk_proposal_votes")
        ),
    )

    # Organizations created before this revision get their counters for the new ids.
    for kind in NEW_COUNTERS:
        op.execute(
            "INSERT INTO counters (organization_id, kind, value) "
            f"SELECT id, '{kind}', 0 FROM organizations"
        )
    dialect = op.get_bind().dialect.name
    for table, message in APPEND_ONLY.items():
        if dialect == "postgresql":
            op.execute(PG_FUNCTION)
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION partage_governance_append_only()"
            )
        elif dialect == "sqlite":
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif dialect == "sqlite":
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS partage_governance_append_only()")
    for kind in NEW_COUNTERS:
        op.execute(f"DELETE FROM counters WHERE kind = '{kind}'")
    op.drop_table("proposal_votes")
    op.drop_table("proposal_participants")
    op.drop_table("proposal_outcomes")
    op.drop_table("proposal_objections")
    op.drop_table("proposal_counts")
    op.drop_table("proposal_advice")
    op.drop_table("proposals")
    op.drop_table("member_removals")
    op.drop_table("governance_roles")
    op.drop_table("governance_body_members")
    op.drop_table("governance_settings")
    op.drop_index("ix_governance_log_proposal", table_name="governance_log")
    op.drop_table("governance_log")
    op.drop_table("governance_bodies")
