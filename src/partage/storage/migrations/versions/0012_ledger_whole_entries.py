"""The ledger's guards checked per statement, set-based: an entry's postings in one statement.

Until now PostgreSQL checked each posting's entry through a foreign key (one lookup per
posting) and each entry's balance at commit (one deferred trigger event, two queries, per
entry): a bulk import of a million transactions paid six million lookups and two million
queries for them. Both become one statement trigger over the statement's new postings
(``REFERENCING NEW TABLE``), which refuses, in a few set-based queries, any statement in
which an entry it touches

* does not exist, or was written by an earlier transaction (the ledger is append-only);
* lacks its line 1 — an entry's postings are written together, in the statement that
  writes line 1; since line 1 can be written only once (the primary key), no later
  statement can add postings to an entry;
* has fewer than two postings, or postings that do not sum to zero in some currency.

Every entry is therefore whole and balanced when its statement ends, which is stronger
than the check at commit it replaces. The foreign key from postings to entries goes on both
databases (SQLite rebuilds the table, and its append-only triggers with it): on SQLite,
``partage ledger check`` reports postings whose entry does not exist.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_ledger_postings_organization_id_ledger_entries"

PG_WHOLE_ENTRIES_FUNCTION = """
CREATE OR REPLACE FUNCTION partage_postings_whole_entries() RETURNS trigger AS $$
DECLARE
    off RECORD;
BEGIN
    -- The entries the statement touches exist and were written by this transaction. The
    -- range keeps the lookup to the statement's entries, however long the journal.
    SELECT t.organization_id, t.entry_seq, (e.seq IS NULL) AS missing INTO off
    FROM (SELECT DISTINCT organization_id, entry_seq FROM new_postings) AS t
    LEFT JOIN ledger_entries AS e
      ON e.organization_id = t.organization_id AND e.seq = t.entry_seq
     AND e.seq BETWEEN (SELECT min(entry_seq) FROM new_postings)
                   AND (SELECT max(entry_seq) FROM new_postings)
    WHERE e.seq IS NULL OR e.xmin <> pg_current_xact_id()::xid
    LIMIT 1;
    IF FOUND THEN
        IF off.missing THEN
            RAISE EXCEPTION 'ledger entry % of organization % does not exist: postings are '
                'written with their entry', off.entry_seq, off.organization_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RAISE EXCEPTION 'the ledger is append-only: postings are written with their entry'
            USING ERRCODE = 'insufficient_privilege';
    END IF;

    SELECT organization_id, entry_seq, min(line) AS first_line, count(*) AS lines INTO off
    FROM new_postings
    GROUP BY organization_id, entry_seq
    HAVING min(line) <> 1 OR count(*) < 2
    LIMIT 1;
    IF FOUND THEN
        IF off.first_line <> 1 THEN
            RAISE EXCEPTION 'ledger entry % of organization %: postings are written with their '
                'entry, all in one statement', off.entry_seq, off.organization_id
                USING ERRCODE = 'check_violation';
        END IF;
        RAISE EXCEPTION 'ledger entry % of organization % has fewer than two postings',
            off.entry_seq, off.organization_id USING ERRCODE = 'check_violation';
    END IF;

    SELECT organization_id, entry_seq, currency, sum(amount) AS total INTO off
    FROM new_postings
    GROUP BY organization_id, entry_seq, currency
    HAVING sum(amount) <> 0
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entry % of organization % is unbalanced in % (%)',
            off.entry_seq, off.organization_id, off.currency, off.total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""

# 0008's guards, restored by a downgrade.
PG_BALANCED_ONCE_PER_ENTRY = (
    "CREATE CONSTRAINT TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.line = 1) "
    "EXECUTE FUNCTION partage_entry_balanced()"
)
PG_LATE_POSTINGS_TRIGGER = (
    "CREATE TRIGGER ledger_postings_with_their_entry AFTER INSERT ON ledger_postings "
    "REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT "
    "EXECUTE FUNCTION partage_postings_with_their_entry()"
)


def _sqlite_append_only() -> None:
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER ledger_postings_no_{action.lower()} BEFORE {action} "
            "ON ledger_postings BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: post a "
            "reversing entry instead'); END"
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_postings_balanced ON ledger_postings")
        op.execute("DROP TRIGGER IF EXISTS ledger_postings_with_their_entry ON ledger_postings")
        op.execute(f"ALTER TABLE ledger_postings DROP CONSTRAINT IF EXISTS {FOREIGN_KEY}")
        op.execute(PG_WHOLE_ENTRIES_FUNCTION)
        op.execute(
            "CREATE TRIGGER ledger_postings_whole_entries AFTER INSERT ON ledger_postings "
            "REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT "
            "EXECUTE FUNCTION partage_postings_whole_entries()"
        )
        return
    with op.batch_alter_table("ledger_postings", recreate="always") as batch:
        batch.drop_constraint(FOREIGN_KEY, type_="foreignkey")
    _sqlite_append_only()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_postings_whole_entries ON ledger_postings")
        op.execute("DROP FUNCTION IF EXISTS partage_postings_whole_entries()")
        op.execute(
            f"ALTER TABLE ledger_postings ADD CONSTRAINT {FOREIGN_KEY} "
            "FOREIGN KEY (organization_id, entry_seq) "
            "REFERENCES ledger_entries (organization_id, seq)"
        )
        op.execute(PG_BALANCED_ONCE_PER_ENTRY)
        op.execute(PG_LATE_POSTINGS_TRIGGER)
        return
    with op.batch_alter_table("ledger_postings", recreate="always") as batch:
        batch.create_foreign_key(
            FOREIGN_KEY,
            "ledger_entries",
            ["organization_id", "entry_seq"],
            ["organization_id", "seq"],
        )
    _sqlite_append_only()
