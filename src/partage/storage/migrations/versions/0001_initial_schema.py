"""Initial schema, and the database's own guards on the ledger.

The ledger tables refuse UPDATE and DELETE on both databases; on PostgreSQL a deferred
constraint trigger refuses, at commit, any entry whose postings do not sum to zero per
currency, whoever writes it.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 11:45:14.341003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import partage.storage.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "debts",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("claim_id", sa.BigInteger(), nullable=False),
        sa.Column("round_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("outstanding", sa.BigInteger(), nullable=False),
        sa.Column("created_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_debts")),
    )
    op.create_table(
        "organizations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("currency_code", sa.String(length=12), nullable=False),
        sa.Column("currency_decimals", sa.Integer(), nullable=False),
        sa.Column("legal_form", sa.String(length=20), nullable=False),
        sa.Column("public_page", sa.Boolean(), nullable=False),
        sa.Column("created_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ledger_seq", sa.BigInteger(), nullable=False),
        sa.Column("ledger_head", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("slug", name=op.f("uq_organizations_slug")),
    )
    op.create_table(
        "users",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=True),
        sa.Column("created_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "colleges",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("weight", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_colleges_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_colleges")),
        sa.UniqueConstraint("organization_id", "name", name="uq_colleges_org_name"),
    )
    op.create_table(
        "counters",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_counters_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "kind", name=op.f("pk_counters")),
    )
    op.create_table(
        "ledger_entries",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("occurred_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("cause", sa.String(length=100), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("reverses", sa.BigInteger(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_ledger_entries_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "seq", name=op.f("pk_ledger_entries")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_entries_cause", ["organization_id", "cause"], unique=False)

    op.create_table(
        "rounds",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("envelope", sa.BigInteger(), nullable=False),
        sa.Column("rolled_in", sa.BigInteger(), nullable=False),
        sa.Column("window_seconds", sa.BigInteger(), nullable=False),
        sa.Column("policy", sa.String(length=20), nullable=False),
        sa.Column("unspent_rule", sa.String(length=20), nullable=False),
        sa.Column("rates", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("opened_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.BigInteger(), nullable=False),
        sa.Column("closed_at", partage.storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.BigInteger(), nullable=True),
        sa.Column("closing_report", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_rounds_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_rounds")),
    )
    op.create_table(
        "ledger_postings",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.Column("line", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=12), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "entry_seq"],
            ["ledger_entries.organization_id", "ledger_entries.seq"],
            name=op.f("fk_ledger_postings_organization_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "entry_seq", "line", name=op.f("pk_ledger_postings")
        ),
    )
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_postings_account", ["organization_id", "account"], unique=False
        )

    op.create_table(
        "members",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("college_id", sa.BigInteger(), nullable=True),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("joined_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "college_id"],
            ["colleges.organization_id", "colleges.id"],
            name=op.f("fk_members_organization_id_colleges"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_members_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_members_user_id_users")),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_members")),
        sa.UniqueConstraint("organization_id", "user_id", name="uq_members_org_user"),
    )
    op.create_table(
        "missions",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("round_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("steward_id", sa.BigInteger(), nullable=True),
        sa.Column("envelope", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "round_id"],
            ["rounds.organization_id", "rounds.id"],
            name=op.f("fk_missions_organization_id_rounds"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_missions")),
    )
    op.create_table(
        "api_tokens",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", partage.storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["members.organization_id", "members.id"],
            name=op.f("fk_api_tokens_organization_id_members"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "claims",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("round_id", sa.BigInteger(), nullable=False),
        sa.Column("origin_round_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("mission_id", sa.BigInteger(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("hours_hundredths", sa.BigInteger(), nullable=True),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("disposition", sa.String(length=20), nullable=False),
        sa.Column("redirect_to", sa.String(length=200), nullable=True),
        sa.Column("declared_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "window_ends_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("withdrawn_at", partage.storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("settled_in_round", sa.BigInteger(), nullable=True),
        sa.Column("granted", sa.BigInteger(), nullable=True),
        sa.Column("carried", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["members.organization_id", "members.id"],
            name=op.f("fk_claims_organization_id_members"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "round_id"],
            ["rounds.organization_id", "rounds.id"],
            name=op.f("fk_claims_organization_id_rounds"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_claims")),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index("ix_claims_org_round", ["organization_id", "round_id"], unique=False)

    op.create_table(
        "contributions",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.Column("activity", sa.String(length=100), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("hours_hundredths", sa.BigInteger(), nullable=True),
        sa.Column("quantity", sa.String(length=40), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("recorded_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "member_id"],
            ["members.organization_id", "members.id"],
            name=op.f("fk_contributions_organization_id_members"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_contributions")),
    )
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contributions_org_member",
            ["organization_id", "member_id", "occurred_on"],
            unique=False,
        )

    op.create_table(
        "claim_contributions",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("claim_id", sa.BigInteger(), nullable=False),
        sa.Column("contribution_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "claim_id"],
            ["claims.organization_id", "claims.id"],
            name=op.f("fk_claim_contributions_organization_id_claims"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "contribution_id"],
            ["contributions.organization_id", "contributions.id"],
            name=op.f("fk_claim_contributions_organization_id_contributions"),
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "claim_id", "contribution_id", name=op.f("pk_claim_contributions")
        ),
    )
    op.create_table(
        "claim_events",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("claim_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=True),
        sa.Column("at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id", "claim_id"],
            ["claims.organization_id", "claims.id"],
            name=op.f("fk_claim_events_organization_id_claims"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_claim_events")),
    )
    with op.batch_alter_table("claim_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_claim_events_org_claim", ["organization_id", "claim_id"], unique=False
        )

    op.create_table(
        "objections",
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("claim_id", sa.BigInteger(), nullable=False),
        sa.Column("objector_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raised_at", partage.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", partage.storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id", "claim_id"],
            ["claims.organization_id", "claims.id"],
            name=op.f("fk_objections_organization_id_claims"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "id", name=op.f("pk_objections")),
    )
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_objections_org_claim", ["organization_id", "claim_id"], unique=False
        )

    _ledger_guards()


APPEND_ONLY = ("ledger_entries", "ledger_postings")

PG_BALANCE_FUNCTION = """
CREATE OR REPLACE FUNCTION partage_entry_balanced() RETURNS trigger AS $$
DECLARE
    off RECORD;
BEGIN
    SELECT currency, SUM(amount) AS total, COUNT(*) AS lines INTO off
    FROM ledger_postings
    WHERE organization_id = NEW.organization_id AND entry_seq = NEW.entry_seq
    GROUP BY currency
    HAVING SUM(amount) <> 0
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entry % of organization % is unbalanced in % (%)',
            NEW.entry_seq, NEW.organization_id, off.currency, off.total
            USING ERRCODE = 'check_violation';
    END IF;
    IF (SELECT COUNT(*) FROM ledger_postings
        WHERE organization_id = NEW.organization_id AND entry_seq = NEW.entry_seq) < 2 THEN
        RAISE EXCEPTION 'ledger entry % of organization % has fewer than two postings',
            NEW.entry_seq, NEW.organization_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""

PG_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION partage_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: post a reversing entry instead'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def _ledger_guards() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_BALANCE_FUNCTION)
        op.execute(
            "CREATE CONSTRAINT TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION partage_entry_balanced()"
        )
        op.execute(PG_APPEND_ONLY_FUNCTION)
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION partage_append_only()"
            )
    elif dialect == "sqlite":
        for table in APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: post a reversing "
                    "entry instead'); END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_postings_balanced ON ledger_postings")
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.drop_index("ix_objections_org_claim")

    op.drop_table("objections")
    with op.batch_alter_table("claim_events", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_events_org_claim")

    op.drop_table("claim_events")
    op.drop_table("claim_contributions")
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index("ix_contributions_org_member")

    op.drop_table("contributions")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_org_round")

    op.drop_table("claims")
    op.drop_table("api_tokens")
    op.drop_table("missions")
    op.drop_table("members")
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_postings_account")

    op.drop_table("ledger_postings")
    op.drop_table("rounds")
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entries_cause")

    op.drop_table("ledger_entries")
    op.drop_table("counters")
    op.drop_table("colleges")
    op.drop_table("users")
    op.drop_table("organizations")
    op.drop_table("debts")
