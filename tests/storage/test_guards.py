"""The database itself refuses what the ledger forbids, whoever writes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from partage.core.closing import Policy, UnspentRule
from partage.core.ledger import entry, entry_hash
from partage.services import ledger, rounds
from tests.conftest import Community


def _org(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT id FROM organizations")).scalar_one())


def test_postgres_refuses_an_unbalanced_entry_written_straight_in(
    engine: Engine, community: Community
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the statement guard is PostgreSQL's; SQLite relies on the core check")
    org = _org(engine)
    with pytest.raises(DBAPIError, match="unbalanced"), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ledger_entries (organization_id, seq, occurred_at, recorded_at, cause,"
                " memo, prev_hash, hash) VALUES (:o, 99, now(), now(), 'forged', '', 'x', 'y')"
            ),
            {"o": org},
        )
        conn.execute(
            text(
                "INSERT INTO ledger_postings (organization_id, entry_seq, line, account,"
                " currency, amount) VALUES (:o, 99, 1, 'bank', 'EUR', 100),"
                " (:o, 99, 2, 'member:2', 'EUR', -90)"
            ),
            {"o": org},
        )
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM ledger_entries WHERE seq = 99")).scalar() == 0
        )


def _forge_entry(conn: Any, org: int, seq: int) -> None:
    conn.execute(
        text(
            "INSERT INTO ledger_entries (organization_id, seq, occurred_at, recorded_at, cause,"
            " memo, prev_hash, hash) VALUES (:o, :s, now(), now(), 'forged', '', 'x', 'y')"
        ),
        {"o": org, "s": seq},
    )


def _post(conn: Any, org: int, seq: int, lines: list[tuple[int, int]]) -> None:
    values = ", ".join(f"(:o, :s, {line}, 'bank', 'EUR', {amount})" for line, amount in lines)
    conn.execute(
        text(
            "INSERT INTO ledger_postings (organization_id, entry_seq, line, account, currency,"
            f" amount) VALUES {values}"
        ),
        {"o": org, "s": seq},
    )


def test_postgres_refuses_an_entry_whose_postings_are_split_over_statements(
    engine: Engine, community: Community
) -> None:
    """Each statement's entries must be whole: a balanced first part, then a stray line in
    a later statement of the same transaction, is refused at that statement."""
    if engine.dialect.name != "postgresql":
        pytest.skip("the statement guard is PostgreSQL's; SQLite relies on the core check")
    org = _org(engine)
    with pytest.raises(DBAPIError, match="all in one statement"), engine.begin() as conn:
        _forge_entry(conn, org, 98)
        _post(conn, org, 98, [(1, 100), (2, -100)])
        _post(conn, org, 98, [(3, 5)])
    with pytest.raises(DBAPIError, match="fewer than two postings"), engine.begin() as conn:
        _forge_entry(conn, org, 98)
        _post(conn, org, 98, [(1, 0)])


def test_postgres_refuses_postings_of_an_entry_that_does_not_exist(
    engine: Engine, community: Community
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the statement guard is PostgreSQL's; SQLite's ledger check reports them")
    org = _org(engine)
    with pytest.raises(DBAPIError, match="does not exist"), engine.begin() as conn:
        _post(conn, org, 4_000, [(1, 100), (2, -100)])


def test_postgres_checks_every_entry_of_a_many_entry_statement(
    engine: Engine, community: Community
) -> None:
    """A bulk statement carrying many whole entries passes; one bad entry among them fails
    the statement, naming that entry."""
    if engine.dialect.name != "postgresql":
        pytest.skip("the statement guard is PostgreSQL's")
    org = _org(engine)
    rows = ", ".join(
        f"(:o, {seq}, {line}, 'bank', 'EUR', {amount})"
        for seq in range(500, 600)
        for line, amount in ((1, seq), (2, -seq + (1 if seq == 577 else 0)))
    )
    statement = text(
        "INSERT INTO ledger_postings (organization_id, entry_seq, line, account, currency,"
        f" amount) VALUES {rows}"
    )
    unbalanced = r"entry 577 .* unbalanced in EUR \(1\)"
    with pytest.raises(DBAPIError, match=unbalanced), engine.begin() as conn:
        for seq in range(500, 600):
            _forge_entry(conn, org, seq)
        conn.execute(statement, {"o": org})
    # An entry missing is said before an entry unbalanced, whatever their order.
    with pytest.raises(DBAPIError, match=r"entry 599 .* does not exist"), engine.begin() as conn:
        for seq in range(500, 599):
            _forge_entry(conn, org, seq)
        conn.execute(statement, {"o": org})


def test_a_large_entry_is_written_whole_and_checked(engine: Engine, community: Community) -> None:
    """An entry of 2,500 postings (more than one multi-row insert holds) is one statement:
    the guard accepts it and the books check clean."""
    c = community
    many = [(f"member:{i}", -1, "EUR") for i in range(2_500)]
    item = entry(
        occurred_at=c.clock(),
        cause="test:large",
        memo="a large entry",
        postings=[("bank", 2_500, "EUR"), *many],
    )
    with c.uow() as u:
        u.ledger.append(c.admin.org_id, item, now=c.clock())
        u.commit()
    with c.uow(readonly=True) as u:
        assert ledger.check(u, actor=c.admin).ok


def test_ledger_check_reports_postings_whose_entry_does_not_exist(
    engine: Engine, community: Community
) -> None:
    c = community
    org = _org(engine)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE ledger_postings DISABLE TRIGGER USER"))
        conn.execute(
            text(
                "INSERT INTO ledger_postings (organization_id, entry_seq, line, account,"
                " currency, amount) VALUES (:o, 7000, 1, 'bank', 'EUR', 1),"
                " (:o, 7000, 2, 'fund:commons', 'EUR', -1)"
            ),
            {"o": org},
        )
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE ledger_postings ENABLE TRIGGER USER"))
    with c.uow(readonly=True) as u:
        found = ledger.check(u, actor=c.admin)
    assert [(p.seq, p.code) for p in found.problems] == [(7000, "ledger.stray_postings")]


def test_postgres_refuses_postings_added_to_an_entry_already_written(
    engine: Engine, community: Community
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the statement guard is PostgreSQL's; SQLite relies on the hash chain")
    c = community
    with c.uow() as u:
        seq = ledger.deposit(u, actor=c.admin, amount=5_000, memo="dons", now=c.clock()).seq
    org = _org(engine)
    with pytest.raises(DBAPIError, match="written with their entry"), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ledger_postings (organization_id, entry_seq, line, account,"
                " currency, amount) VALUES (:o, :s, 7, 'bank', 'EUR', 10),"
                " (:o, :s, 8, 'fund:commons', 'EUR', -10)"
            ),
            {"o": org, "s": seq},
        )
    with engine.connect() as conn:
        lines = conn.execute(
            text("SELECT count(*) FROM ledger_postings WHERE entry_seq = :s"), {"s": seq}
        ).scalar()
    assert lines == 2


def test_ledger_rows_and_claim_threads_cannot_be_updated_or_deleted(
    engine: Engine, community: Community
) -> None:
    c = community
    with c.uow() as u:
        r = rounds.open_round(
            u,
            actor=c.admin,
            name="R",
            envelope=1_000,
            window=timedelta(days=7),
            policy=Policy.PRO_RATA,
            unspent_rule=UnspentRule.RETURN,
            now=c.clock(),
        ).id
    with c.uow() as u:
        rounds.declare_claim(
            u, actor=c.bruno, round_id=r, amount=500, justification="x", now=c.clock()
        )
    for statement in (
        "UPDATE ledger_postings SET amount = amount + 1",
        "DELETE FROM ledger_entries",
        "UPDATE claim_events SET body = 'rewritten'",
        "DELETE FROM claim_events",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))


def test_ledger_check_finds_a_tampered_amount(engine: Engine, community: Community) -> None:
    c = community
    with c.uow() as u:
        ledger.deposit(u, actor=c.admin, amount=5_000, memo="dons", now=c.clock())
    with engine.begin() as conn:
        # Someone with raw database access lifts the guard and edits history.
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE ledger_postings DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER ledger_postings_no_update"))
        conn.execute(
            text("UPDATE ledger_postings SET amount = 9000 WHERE entry_seq = 2 AND amount = 5000")
        )
        conn.execute(
            text("UPDATE ledger_postings SET amount = -9000 WHERE entry_seq = 2 AND amount = -5000")
        )
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE ledger_postings ENABLE TRIGGER USER"))
    with c.uow(readonly=True) as u:
        result = ledger.check(u, actor=c.admin)
    assert [(p.seq, p.code) for p in result.problems] == [(2, "ledger.tampered")]


def test_hashes_stored_match_the_core_hash(community: Community) -> None:
    c = community
    with c.uow(readonly=True) as u:
        journal = ledger.journal(u, actor=c.admin)
    assert journal and all(entry_hash(e.prev_hash, e.seq, e.entry) == e.hash for e in journal)


def test_an_entry_or_a_transaction_of_an_unknown_organization_is_refused(
    engine: Engine, community: Community
) -> None:
    """SQLite by its foreign keys; PostgreSQL by one check per statement (migration 0013)."""
    entry_row = text(
        "INSERT INTO ledger_entries (organization_id, seq, occurred_at, recorded_at, cause,"
        " memo, prev_hash, hash) VALUES (:o, 1, :t, :t, 'forged', '', 'x', 'y')"
    )
    transaction_row = text(
        "INSERT INTO transactions (organization_id, id, reference, kind, occurred_at,"
        " recorded_at, amount, currency, status, payee_id, payer, parties, rule_version,"
        " commission, entry_seq, commission_line, amount_line) VALUES (:o, 1, 'r-1', 'sale',"
        " :t, :t, 100, 'EUR', 'producer', 2, 'bank', '{}', 1, 0, 1, 3, 3)"
    )
    when = community.clock()
    for statement in (entry_row, transaction_row):
        with pytest.raises(DBAPIError, match=r"does not exist|FOREIGN KEY"), engine.begin() as conn:
            conn.execute(statement, {"o": 9_999, "t": when})
    with engine.connect() as conn:
        for table in ("ledger_entries", "transactions"):
            found = conn.execute(text(f"SELECT count(*) FROM {table} WHERE organization_id = 9999"))
            assert found.scalar() == 0


def test_an_organization_with_entries_is_not_deleted(engine: Engine, community: Community) -> None:
    c = community
    with c.uow() as u:
        u.ledger.append(
            c.admin.org_id,
            entry(
                occurred_at=c.clock(),
                cause="test:kept",
                memo="kept",
                postings=[("bank", 100, "EUR"), ("member:2", -100, "EUR")],
            ),
            now=c.clock(),
        )
        u.commit()
    org = _org(engine)
    expected = (
        "ledger entries or transactions" if engine.dialect.name == "postgresql" else "FOREIGN"
    )
    with pytest.raises(DBAPIError, match=expected), engine.begin() as conn:
        conn.execute(text("DELETE FROM organizations WHERE id = :o"), {"o": org})
    assert _org(engine) == org
