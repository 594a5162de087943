"""The schema. Every table of an organization's data carries ``organization_id`` first in its
primary key, so that a large deployment can distribute tables by organization. Ids inside an
organization come from its own counters (claim #12 of this collective), not global sequences.

Money columns are BIGINT minor units; hours are BIGINT hundredths; decimals that are not
money (weights, quantities) are exact text.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from partage.storage.types import UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Id = BigInteger().with_variant(Integer(), "sqlite")


def Key(length: int) -> String:  # noqa: N802 — a column type, named like the others
    """Text that names something (an account, a cause, a reference), compared byte by byte.

    PostgreSQL compares text in the database's collation through the C library (even
    ``C.UTF-8``), about 15 % of the cost of every index insert of a bulk import; byte order
    is all these columns need, and it lets ``LIKE 'prefix%'`` use their indexes.
    SQLite always compares bytes."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


# The foreign keys of the ledger's entries and of the transactions to their organization,
# on SQLite only: on PostgreSQL a key checked row by row cost 8 µs of each imported row, and
# statement triggers (migration 0013) check the same, set-based, once per statement.
def _organization_key() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["organization_id"], ["organizations.id"]).ddl_if(dialect="sqlite")


Stamp = UtcDateTime()


def _partial_index(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    """An index over only the rows ``where`` holds, on both databases."""
    return Index(
        name, *columns, unique=unique, sqlite_where=text(where), postgresql_where=text(where)
    )


users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(255), nullable=True),
    Column("locale", String(8), nullable=True),
    Column("created_at", Stamp, nullable=False),
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("slug", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("currency_code", String(12), nullable=False),
    Column("currency_decimals", Integer, nullable=False),
    Column("legal_form", String(20), nullable=False),
    Column("public_page", Boolean, nullable=False, default=False),
    Column("created_at", Stamp, nullable=False),
    # The last journal entry's number and hash: the head of the hash chain. Updating it under
    # the row lock is what serializes an organization's ledger appends.
    Column("ledger_seq", BigInteger, nullable=False, default=0),
    Column("ledger_head", String(64), nullable=False),
)

counters = Table(
    "counters",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False, default=0),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
)

colleges = Table(
    "colleges",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("weight", String(40), nullable=False),
    UniqueConstraint("organization_id", "name", name="uq_colleges_org_name"),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
)

members = Table(
    "members",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("role", String(20), nullable=False),
    Column("college_id", BigInteger, nullable=True),
    Column("user_id", Id, nullable=True),
    Column("joined_at", Stamp, nullable=False),
    UniqueConstraint("organization_id", "user_id", name="uq_members_org_user"),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
    ForeignKeyConstraint(["user_id"], ["users.id"]),
    ForeignKeyConstraint(
        ["organization_id", "college_id"], ["colleges.organization_id", "colleges.id"]
    ),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("member_id", BigInteger, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(200), nullable=False),
    Column("created_at", Stamp, nullable=False),
    Column("revoked_at", Stamp, nullable=True),
    ForeignKeyConstraint(
        ["organization_id", "member_id"], ["members.organization_id", "members.id"]
    ),
)

contributions = Table(
    "contributions",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("member_id", BigInteger, nullable=False),
    Column("activity", String(100), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("hours_hundredths", BigInteger, nullable=True),
    Column("quantity", String(40), nullable=True),
    Column("description", Text, nullable=False),
    Column("link", Text, nullable=True),
    Column("recorded_at", Stamp, nullable=False),
    Column("recorded_by", BigInteger, nullable=False),
    # Where an imported contribution came from (``git:<commit>``): co-authors of one commit
    # share it, and importing the same history twice finds it.
    Column("source_key", String(200), nullable=True),
    ForeignKeyConstraint(
        ["organization_id", "member_id"], ["members.organization_id", "members.id"]
    ),
    Index("ix_contributions_org_member", "organization_id", "member_id", "occurred_on"),
    Index("ix_contributions_source_key", "organization_id", "source_key"),
)

# What a contribution touched or built on (``file:<path>``, ``contribution:<id>``): the
# edges of the organization's contribution graph besides authorship.
contribution_links = Table(
    "contribution_links",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("contribution_id", BigInteger, primary_key=True),
    Column("target", String(500), primary_key=True),
    ForeignKeyConstraint(
        ["organization_id", "contribution_id"],
        ["contributions.organization_id", "contributions.id"],
    ),
)

# Other names a member goes by: a SourceCred identity's aliases, a git author's address.
member_aliases = Table(
    "member_aliases",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("alias", String(300), primary_key=True),
    Column("member_id", BigInteger, nullable=False),
    Column("source", String(40), nullable=False),
    Column("created_at", Stamp, nullable=False),
    ForeignKeyConstraint(
        ["organization_id", "member_id"], ["members.organization_id", "members.id"]
    ),
    Index("ix_member_aliases_member", "organization_id", "member_id"),
)

# How an organization weighs its activities in the contribution graph (JSON).
cred_settings = Table(
    "cred_settings",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("weights", Text, nullable=False),
    Column("updated_at", Stamp, nullable=False),
    Column("updated_by", BigInteger, nullable=False),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
)

rounds = Table(
    "rounds",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("envelope", BigInteger, nullable=False),
    Column("rolled_in", BigInteger, nullable=False, default=0),
    Column("window_seconds", BigInteger, nullable=False),
    Column("policy", String(20), nullable=False),
    Column("unspent_rule", String(20), nullable=False),
    Column("rates", Text, nullable=False, default="[]"),
    Column("status", String(20), nullable=False),
    Column("opened_at", Stamp, nullable=False),
    Column("opened_by", BigInteger, nullable=False),
    Column("closed_at", Stamp, nullable=True),
    Column("closed_by", BigInteger, nullable=True),
    Column("closing_report", Text, nullable=True),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
)

missions = Table(
    "missions",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("round_id", BigInteger, nullable=False),
    Column("name", String(200), nullable=False),
    Column("steward_id", BigInteger, nullable=True),
    Column("envelope", BigInteger, nullable=False),
    ForeignKeyConstraint(["organization_id", "round_id"], ["rounds.organization_id", "rounds.id"]),
)

claims = Table(
    "claims",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("round_id", BigInteger, nullable=False),
    Column("origin_round_id", BigInteger, nullable=False),
    Column("member_id", BigInteger, nullable=False),
    Column("mission_id", BigInteger, nullable=True),
    Column("amount", BigInteger, nullable=False),
    Column("hours_hundredths", BigInteger, nullable=True),
    Column("justification", Text, nullable=False),
    Column("disposition", String(20), nullable=False),
    Column("redirect_to", String(200), nullable=True),
    Column("declared_at", Stamp, nullable=False),
    Column("window_ends_at", Stamp, nullable=False),
    Column("withdrawn_at", Stamp, nullable=True),
    # Set when the claim's round closes: settled (granted ≥ 0) or carried to the next round.
    Column("settled_in_round", BigInteger, nullable=True),
    Column("granted", BigInteger, nullable=True),
    Column("carried", Boolean, nullable=False, default=False),
    ForeignKeyConstraint(["organization_id", "round_id"], ["rounds.organization_id", "rounds.id"]),
    ForeignKeyConstraint(
        ["organization_id", "member_id"], ["members.organization_id", "members.id"]
    ),
    Index("ix_claims_org_round", "organization_id", "round_id"),
)

claim_contributions = Table(
    "claim_contributions",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("claim_id", BigInteger, primary_key=True),
    Column("contribution_id", BigInteger, primary_key=True),
    ForeignKeyConstraint(["organization_id", "claim_id"], ["claims.organization_id", "claims.id"]),
    ForeignKeyConstraint(
        ["organization_id", "contribution_id"],
        ["contributions.organization_id", "contributions.id"],
    ),
)

objections = Table(
    "objections",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("claim_id", BigInteger, nullable=False),
    Column("objector_id", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    Column("raised_at", Stamp, nullable=False),
    Column("resolved_at", Stamp, nullable=True),
    Column("resolution", String(20), nullable=True),
    ForeignKeyConstraint(["organization_id", "claim_id"], ["claims.organization_id", "claims.id"]),
    Index("ix_objections_org_claim", "organization_id", "claim_id"),
)

# The append-only thread of a claim: declared, objected, commented, amended, withdrawn…
claim_events = Table(
    "claim_events",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("claim_id", BigInteger, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("member_id", BigInteger, nullable=True),
    Column("at", Stamp, nullable=False),
    Column("body", Text, nullable=False, default=""),
    Column("amount", BigInteger, nullable=True),
    ForeignKeyConstraint(["organization_id", "claim_id"], ["claims.organization_id", "claims.id"]),
    Index("ix_claim_events_org_claim", "organization_id", "claim_id"),
)

debts = Table(
    "debts",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("member_id", BigInteger, nullable=False),
    Column("claim_id", BigInteger, nullable=False),
    Column("round_id", BigInteger, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("outstanding", BigInteger, nullable=False),
    Column("created_at", Stamp, nullable=False),
)

# A run of an allocation model over the organization's data, and what it posted.
distributions = Table(
    "distributions",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("model", String(40), nullable=False),
    Column("params", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("fund", String(200), nullable=False),
    Column("budget", BigInteger, nullable=False),
    Column("paid", BigInteger, nullable=False),
    Column("unallocated", BigInteger, nullable=False),
    Column("result", Text, nullable=False),
    Column("entry_seq", BigInteger, nullable=True),
    Column("created_at", Stamp, nullable=False),
    Column("created_by", BigInteger, nullable=False),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
)

# A peer-allocation epoch: members give each other points, the budget follows them.
epochs = Table(
    "epochs",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("points_per_member", Integer, nullable=False),
    Column("blinded", Boolean, nullable=False),
    Column("budget", BigInteger, nullable=False),
    Column("fund", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("opened_at", Stamp, nullable=False),
    Column("opened_by", BigInteger, nullable=False),
    Column("closed_at", Stamp, nullable=True),
    Column("closed_by", BigInteger, nullable=True),
    Column("distribution_id", BigInteger, nullable=True),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
)

epoch_gifts = Table(
    "epoch_gifts",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("epoch_id", BigInteger, primary_key=True),
    Column("giver_id", BigInteger, primary_key=True),
    Column("receiver_id", BigInteger, primary_key=True),
    Column("points", Integer, nullable=False),
    ForeignKeyConstraint(["organization_id", "epoch_id"], ["epochs.organization_id", "epochs.id"]),
    ForeignKeyConstraint(
        ["organization_id", "giver_id"],
        ["members.organization_id", "members.id"],
        name="fk_epoch_gifts_giver_members",
    ),
    ForeignKeyConstraint(
        ["organization_id", "receiver_id"],
        ["members.organization_id", "members.id"],
        name="fk_epoch_gifts_receiver_members",
    ),
)

epoch_opt_outs = Table(
    "epoch_opt_outs",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("epoch_id", BigInteger, primary_key=True),
    Column("member_id", BigInteger, primary_key=True),
    ForeignKeyConstraint(["organization_id", "epoch_id"], ["epochs.organization_id", "epochs.id"]),
    ForeignKeyConstraint(
        ["organization_id", "member_id"], ["members.organization_id", "members.id"]
    ),
)

# A funding call: members pledge to projects, a pool matches them quadratically.
funding_calls = Table(
    "funding_calls",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("pool", BigInteger, nullable=False),
    Column("fund", String(200), nullable=False),
    Column("projects", Text, nullable=False),
    Column("blinded", Boolean, nullable=False),
    Column("status", String(20), nullable=False),
    Column("opened_at", Stamp, nullable=False),
    Column("opened_by", BigInteger, nullable=False),
    Column("closed_at", Stamp, nullable=True),
    Column("closed_by", BigInteger, nullable=True),
    Column("distribution_id", BigInteger, nullable=True),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
)

funding_pledges = Table(
    "funding_pledges",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("call_id", BigInteger, primary_key=True),
    Column("member_id", BigInteger, primary_key=True),
    Column("project", String(100), primary_key=True),
    Column("amount", BigInteger, nullable=False),
    ForeignKeyConstraint(
        ["organization_id", "call_id"], ["funding_calls.organization_id", "funding_calls.id"]
    ),
    ForeignKeyConstraint(
        ["organization_id", "member_id"], ["members.organization_id", "members.id"]
    ),
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("occurred_at", Stamp, nullable=False),
    Column("recorded_at", Stamp, nullable=False),
    Column("cause", Key(100), nullable=False),
    Column("memo", Text, nullable=False),
    Column("reverses", BigInteger, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    _organization_key(),
    Index("ix_ledger_entries_cause", "organization_id", "cause"),
    # Partial: few entries reverse another; finding an entry's reversal is one probe.
    _partial_index(
        "ix_ledger_entries_reverses", "organization_id", "reverses", where="reverses IS NOT NULL"
    ),
)

# No foreign key to the entry: PostgreSQL's statement guard (migration 0012) checks, once
# per statement and set-based, that every posting's entry exists, was written by the same
# transaction and gets all its postings in that statement; ``ledger check`` reports any
# posting whose entry does not exist.
ledger_postings = Table(
    "ledger_postings",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("entry_seq", BigInteger, primary_key=True),
    Column("line", Integer, primary_key=True, autoincrement=False),
    Column("account", Key(200), nullable=False),
    Column("currency", String(12), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Index("ix_ledger_postings_account", "organization_id", "account"),
)

COUNTER_KINDS = (
    "college",
    "member",
    "api_token",
    "contribution",
    "round",
    "mission",
    "claim",
    "objection",
    "claim_event",
    "debt",
    "distribution",
    "epoch",
    "funding_call",
    # governance (issue 5)
    "governance_body",
    "governance_role",
    "proposal",
    "proposal_objection",
    "proposal_advice",
    "governance_event",
    # value flows (issue 6)
    "transaction",
    "transaction_import",
    # an organization's own units (issue 6)
    "unit_operation",
    # subscriptions and licences (issue 6)
    "subscription_plan",
    "subscription",
)

# -- governance (issue 5) -------------------------------------------------------------------

# A decision body: the general assembly and the admins (one each, made on first use) and the
# circles an admin creates with named members.
governance_bodies = Table(
    "governance_bodies",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("allows_blocks", Boolean, nullable=False),
    Column("created_at", Stamp, nullable=False),
    Column("created_by", BigInteger, nullable=True),
    UniqueConstraint("organization_id", "name", name="uq_governance_bodies_org_name"),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
)

governance_body_members = Table(
    "governance_body_members",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("body_id", BigInteger, primary_key=True),
    Column("member_id", BigInteger, primary_key=True),
    ForeignKeyConstraint(
        ["organization_id", "body_id"],
        ["governance_bodies.organization_id", "governance_bodies.id"],
    ),
    ForeignKeyConstraint(
        ["organization_id", "member_id"], ["members.organization_id", "members.id"]
    ),
)

# A role with a holder, a domain and a term; ``ended_at`` is set when a decision ends it
# (a term running out is read against the clock, not written).
governance_roles = Table(
    "governance_roles",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("domain", Text, nullable=False),
    Column("body_id", BigInteger, nullable=True),
    Column("holder_id", BigInteger, nullable=False),
    Column("since", Stamp, nullable=False),
    Column("term_ends_at", Stamp, nullable=True),
    Column("ended_at", Stamp, nullable=True),
    Column("proposal_id", BigInteger, nullable=True),
    Column("ended_by_proposal", BigInteger, nullable=True),
    ForeignKeyConstraint(
        ["organization_id", "holder_id"], ["members.organization_id", "members.id"]
    ),
)

# A proposal as opened; its text and closing time change only by a consent amendment.
# ``weights`` freezes the college weights at opening (JSON), ``action`` what passing does.
proposals = Table(
    "proposals",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("body_id", BigInteger, nullable=False),
    Column("author_id", BigInteger, nullable=False),
    Column("title", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("method", String(20), nullable=False),
    Column("threshold", String(20), nullable=True),
    Column("quorum", String(40), nullable=True),
    Column("quorum_per_college", Boolean, nullable=False),
    Column("secret", Boolean, nullable=False),
    Column("blocks_allowed", Boolean, nullable=False),
    Column("options", Text, nullable=False),
    Column("weights", Text, nullable=True),
    Column("opened_at", Stamp, nullable=False),
    Column("closes_at", Stamp, nullable=False),
    Column("window_seconds", BigInteger, nullable=True),
    Column("decider_id", BigInteger, nullable=True),
    Column("action", Text, nullable=True),
    # Power from contribution as set when the proposal opened (JSON: cap, hours_per_step).
    Column("contribution_power", Text, nullable=True),
    ForeignKeyConstraint(
        ["organization_id", "body_id"],
        ["governance_bodies.organization_id", "governance_bodies.id"],
    ),
    ForeignKeyConstraint(
        ["organization_id", "author_id"], ["members.organization_id", "members.id"]
    ),
)

# An open vote's current choice (or scores); each cast and change is also in the log.
proposal_votes = Table(
    "proposal_votes",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("proposal_id", BigInteger, primary_key=True),
    Column("voter_id", BigInteger, primary_key=True),
    Column("choice", String(20), nullable=True),
    Column("scores", Text, nullable=True),
    Column("cast_at", Stamp, nullable=False),
    ForeignKeyConstraint(
        ["organization_id", "proposal_id"], ["proposals.organization_id", "proposals.id"]
    ),
    ForeignKeyConstraint(
        ["organization_id", "voter_id"], ["members.organization_id", "members.id"]
    ),
)

# A secret vote keeps who took part (no choice, no time) and, apart, the counts per college:
# nothing links a voter to a choice.
proposal_participants = Table(
    "proposal_participants",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("proposal_id", BigInteger, primary_key=True),
    Column("member_id", BigInteger, primary_key=True),
    ForeignKeyConstraint(
        ["organization_id", "proposal_id"], ["proposals.organization_id", "proposals.id"]
    ),
)

proposal_counts = Table(
    "proposal_counts",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("proposal_id", BigInteger, primary_key=True),
    Column("college", String(200), primary_key=True),
    Column("choice", String(20), primary_key=True),
    Column("count", BigInteger, nullable=False),
    ForeignKeyConstraint(
        ["organization_id", "proposal_id"], ["proposals.organization_id", "proposals.id"]
    ),
)

proposal_objections = Table(
    "proposal_objections",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("proposal_id", BigInteger, nullable=False),
    Column("objector_id", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    Column("raised_at", Stamp, nullable=False),
    Column("resolved_at", Stamp, nullable=True),
    Column("resolution", String(20), nullable=True),
    ForeignKeyConstraint(
        ["organization_id", "proposal_id"], ["proposals.organization_id", "proposals.id"]
    ),
)

proposal_advice = Table(
    "proposal_advice",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("proposal_id", BigInteger, nullable=False),
    Column("member_id", BigInteger, nullable=False),
    Column("text", Text, nullable=False),
    Column("given_at", Stamp, nullable=False),
    ForeignKeyConstraint(
        ["organization_id", "proposal_id"], ["proposals.organization_id", "proposals.id"]
    ),
)

# How a proposal ended: written once at closing, never changed (the database refuses).
proposal_outcomes = Table(
    "proposal_outcomes",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("proposal_id", BigInteger, primary_key=True),
    Column("outcome", String(20), nullable=False),
    Column("result", String(40), nullable=False),
    Column("turnout", String(40), nullable=False),
    Column("chosen", String(200), nullable=True),
    Column("tied", Text, nullable=False),
    Column("decision_text", Text, nullable=False),
    Column("decided_at", Stamp, nullable=False),
    Column("closed_by", BigInteger, nullable=True),
    Column("action_status", String(20), nullable=True),
    Column("action_detail", Text, nullable=False),
    Column("tally", Text, nullable=False),
    ForeignKeyConstraint(
        ["organization_id", "proposal_id"], ["proposals.organization_id", "proposals.id"]
    ),
)

# The decision log: every proposal, vote (or secret participation), objection, amendment,
# advice, outcome and action, in order. Append-only (the database refuses changes).
governance_log = Table(
    "governance_log",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("proposal_id", BigInteger, nullable=True),
    Column("kind", String(30), nullable=False),
    Column("member_id", BigInteger, nullable=True),
    Column("at", Stamp, nullable=False),
    Column("text", Text, nullable=False),
    Column("data", Text, nullable=False),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
    Index("ix_governance_log_proposal", "organization_id", "proposal_id"),
)

# A member removed by a decision: their record and books stay, they can no longer act.
member_removals = Table(
    "member_removals",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("member_id", BigInteger, primary_key=True),
    Column("removed_at", Stamp, nullable=False),
    Column("proposal_id", BigInteger, nullable=False),
    Column("previous_role", String(20), nullable=False),
    ForeignKeyConstraint(
        ["organization_id", "member_id"], ["members.organization_id", "members.id"]
    ),
)

# Power from contribution (optional): within a college a member's vote weighs
# min(1 + hours / hours_per_step, cap) when ``contribution_cap`` is set.
governance_settings = Table(
    "governance_settings",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("contribution_cap", String(40), nullable=True),
    Column("hours_per_step", String(40), nullable=True),
    Column("updated_at", Stamp, nullable=False),
    Column("updated_by", BigInteger, nullable=False),
    # What recognised contribution is measured in: 'hours', or a recorded distribution's payouts.
    Column("power_basis", String(20), nullable=False, server_default="hours"),
    Column("power_distribution_id", BigInteger, nullable=True),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
    ForeignKeyConstraint(
        ["organization_id", "power_distribution_id"],
        ["distributions.organization_id", "distributions.id"],
        name="fk_governance_settings_organization_id_distributions",
    ),
    CheckConstraint("power_basis IN ('hours', 'distribution')", name="power_basis"),
)

# Value flows (issue 6): the transactions a platform carries, split by versioned rules.
# A rule version is the rule document as typed (JSON), in force from its day (UTC).
split_rule_versions = Table(
    "split_rule_versions",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("effective_from", Date, nullable=False),
    Column("rules", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("created_at", Stamp, nullable=False),
    Column("created_by", BigInteger, nullable=True),
    # The decision that set this version, when a proposal's action did.
    Column("proposal_id", BigInteger, nullable=True),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
)

# One row per transaction or refund; its money is the ledger entry ``entry_seq``, whose
# postings are laid out as: line 1 the cash, then the party paid, then the commission's
# lines from ``commission_line``, then the shares of the amount from ``amount_line``.
# A refund (``refund_of`` set) has the same layout with every sign reversed; its amount is
# what it gives back, positive. No foreign key to members or entries: bulk imports write
# hundreds of thousands of rows a minute and the service checks both before writing.
transactions = Table(
    "transactions",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("reference", Key(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("occurred_at", Stamp, nullable=False),
    Column("recorded_at", Stamp, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(12), nullable=False),
    Column("status", String(63), nullable=False),
    Column("payee_id", BigInteger, nullable=False),
    Column("payer", String(200), nullable=False),
    Column("parties", Text, nullable=False),
    Column("rule_version", Integer, nullable=False),
    Column("commission", BigInteger, nullable=False),
    Column("entry_seq", BigInteger, nullable=False),
    Column("commission_line", Integer, nullable=False),
    Column("amount_line", Integer, nullable=False),
    Column("refund_of", BigInteger, nullable=True),
    Column("idempotency_key", Key(200), nullable=True),
    Column("request_hash", String(64), nullable=True),
    Column("import_id", BigInteger, nullable=True),
    _organization_key(),
    UniqueConstraint("organization_id", "reference", name="uq_transactions_reference"),
    # Partial: imported rows, which have no key, are not indexed by it.
    _partial_index(
        "uq_transactions_idempotency",
        "organization_id",
        "idempotency_key",
        where="idempotency_key IS NOT NULL",
        unique=True,
    ),
    Index("ix_transactions_occurred", "organization_id", "occurred_at"),
    Index("ix_transactions_payee", "organization_id", "payee_id"),
)

# A bulk import: ``position`` counts the rows of the file already dealt with (posted or
# reported), committed with them, so that an interrupted import resumes after it.
transaction_imports = Table(
    "transaction_imports",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("file_name", String(500), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("format", String(10), nullable=False),
    Column("status", String(12), nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("posted", BigInteger, nullable=False),
    Column("failed", BigInteger, nullable=False),
    Column("started_at", Stamp, nullable=False),
    Column("finished_at", Stamp, nullable=True),
    Column("started_by", BigInteger, nullable=True),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
    CheckConstraint("status IN ('running', 'done')", name="status"),
    Index("ix_transaction_imports_file", "organization_id", "file_sha256"),
)

transaction_import_errors = Table(
    "transaction_import_errors",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("import_id", BigInteger, primary_key=True),
    Column("row", BigInteger, primary_key=True, autoincrement=False),
    Column("field", String(100), nullable=False),
    Column("code", String(100), nullable=False),
    Column("message", Text, nullable=False),
    ForeignKeyConstraint(
        ["organization_id", "import_id"],
        ["transaction_imports.organization_id", "transaction_imports.id"],
    ),
)

# -- an organization's own units: credits and a time bank (issue 6) -------------------------

# A unit the organization runs (CREDIT, HOUR…), its own currency in the ledger. Amounts are
# minor units of the unit; ``negative_limit`` is how far below zero a member's balance may go;
# ``price`` is the exact decimal text of money (the organization's currency) per unit, or
# NULL when the unit cannot be bought; ``purchase_account`` receives what buyers pay.
units = Table(
    "units",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("code", String(12), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("decimals", Integer, nullable=False),
    Column("negative_limit", BigInteger, nullable=False),
    Column("price", String(40), nullable=True),
    Column("purchase_account", String(200), nullable=False),
    Column("created_at", Stamp, nullable=False),
    Column("updated_at", Stamp, nullable=False),
    Column("updated_by", BigInteger, nullable=True),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
    CheckConstraint("kind IN ('credit', 'time')", name="kind"),
    CheckConstraint("negative_limit >= 0", name="negative_limit"),
)

# What a validated contribution of an activity earns: ``amount`` minor units of the unit per
# contribution, or per hour of it (``per``).
unit_earning_rules = Table(
    "unit_earning_rules",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("unit_code", String(12), primary_key=True),
    Column("activity", String(100), primary_key=True),
    Column("per", String(12), nullable=False),
    Column("amount", BigInteger, nullable=False),
    ForeignKeyConstraint(["organization_id", "unit_code"], ["units.organization_id", "units.code"]),
    CheckConstraint("per IN ('contribution', 'hour')", name="per"),
    CheckConstraint("amount > 0", name="amount"),
)

# Every buy, earn, spend, exchange or grant of a unit, with the ledger entry that moved it.
# A purchase keeps the price it used (``rate``, exact text) and the money paid; an earning
# names its contribution, once per contribution and unit.
unit_operations = Table(
    "unit_operations",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("unit_code", String(12), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("member_id", BigInteger, nullable=False),
    Column("counterpart_id", BigInteger, nullable=True),
    Column("quantity", BigInteger, nullable=False),
    Column("money_amount", BigInteger, nullable=True),
    Column("money_currency", String(12), nullable=True),
    Column("rate", String(40), nullable=True),
    Column("contribution_id", BigInteger, nullable=True),
    Column("purpose", Text, nullable=False),
    Column("entry_seq", BigInteger, nullable=False),
    Column("occurred_at", Stamp, nullable=False),
    Column("recorded_by", BigInteger, nullable=True),
    # A reversal names the operation it reverses; the reversed operation names its reversal
    # (set once, under the organization's lock), so that a reversed earning frees its
    # contribution to earn again.
    Column("reverses", BigInteger, nullable=True),
    Column("reversed_by", BigInteger, nullable=True),
    ForeignKeyConstraint(["organization_id", "unit_code"], ["units.organization_id", "units.code"]),
    ForeignKeyConstraint(
        ["organization_id", "reverses"], ["unit_operations.organization_id", "unit_operations.id"]
    ),
    CheckConstraint(
        "kind IN ('buy', 'earn', 'spend', 'exchange', 'grant', 'reversal')", name="kind"
    ),
    CheckConstraint(
        "(kind = 'reversal' AND reverses IS NOT NULL AND reversed_by IS NULL)"
        " OR (kind <> 'reversal' AND reverses IS NULL)",
        name="reversal",
    ),
    UniqueConstraint("organization_id", "reverses", name="uq_unit_operations_reverses"),
    # A contribution earns a unit once, unless that earning was reversed.
    _partial_index(
        "uq_unit_operations_earning",
        "organization_id",
        "contribution_id",
        "unit_code",
        where="contribution_id IS NOT NULL AND reversed_by IS NULL",
        unique=True,
    ),
    Index("ix_unit_operations_unit", "organization_id", "unit_code", "id"),
)

# Subscriptions and licences (issue 6): a plan charges a fee per status each period to the
# members subscribed to it. ``charged`` counts the periods charged so far; it moves forward
# with the ledger entry that charges them, under the organization's lock.
subscription_plans = Table(
    "subscription_plans",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("period", String(10), nullable=False),
    Column("fees", Text, nullable=False),  # JSON: status → fee in minor units
    Column("destination", String(200), nullable=False),
    Column("created_at", Stamp, nullable=False),
    Column("created_by", BigInteger, nullable=False),
    ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
    UniqueConstraint("organization_id", "name", name="uq_subscription_plans_name"),
    CheckConstraint("period IN ('monthly', 'quarterly', 'yearly')", name="period"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("organization_id", Id, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("plan_id", BigInteger, nullable=False),
    Column("member_id", BigInteger, nullable=False),
    Column("status", String(63), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=True),
    Column("charged", Integer, nullable=False),
    Column("created_at", Stamp, nullable=False),
    Column("created_by", BigInteger, nullable=False),
    ForeignKeyConstraint(
        ["organization_id", "plan_id"],
        ["subscription_plans.organization_id", "subscription_plans.id"],
    ),
    ForeignKeyConstraint(
        ["organization_id", "member_id"], ["members.organization_id", "members.id"]
    ),
    UniqueConstraint("organization_id", "plan_id", "member_id", name="uq_subscriptions_member"),
)
