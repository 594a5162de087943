"""Migration 0011 keeps the unit operations recorded before it, and the database itself holds
the rules of reversals: one reversal per operation, a contribution earns once unless that
earning was reversed."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Engine, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError

from partage.services import contributions, units
from partage.storage import tables as t
from partage.storage.migrate import alembic_config
from tests.conftest import Community
from tests.services.test_units import define_credit


def _migrate(engine: Engine, revision: str, *, down: bool) -> None:
    config = alembic_config()
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn = conn.execution_options(sqlite_begin="DEFERRED")
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)
        conn.commit()


def test_operations_recorded_before_0011_stay_and_can_be_reversed(
    community: Community, engine: Engine
) -> None:
    c = community
    define_credit(c)
    with c.uow() as u:
        helped = contributions.record(
            u,
            actor=c.bruno,
            activity="entraide",
            occurred_on="2026-03-01",
            hours="1",
            now=c.clock(),
        )
    with c.uow() as u:
        earned = units.earn(
            u, actor=c.admin, code="CREDIT", contribution_id=helped.id, now=c.clock()
        )
    _migrate(engine, "0010", down=True)
    with engine.connect() as conn:
        columns = {col["name"] for col in inspect(conn).get_columns("unit_operations")}
    assert "reverses" not in columns and "reversed_by" not in columns
    _migrate(engine, "head", down=False)
    with c.uow(readonly=True) as u:
        kept = units.operation(u, actor=c.admin, operation_id=earned.id)
    assert kept == earned  # nothing reversed: both new columns empty
    with c.uow() as u:
        units.reverse(u, actor=c.admin, operation_id=earned.id, reason="x", now=c.clock())
    with c.uow() as u:
        units.earn(u, actor=c.admin, code="CREDIT", contribution_id=helped.id, now=c.clock())
    with c.uow(readonly=True) as u:
        assert units.summary(u, actor=c.admin, code="CREDIT").circulation == 5


def test_the_database_refuses_a_second_earning_or_reversal(
    community: Community, engine: Engine
) -> None:
    c = community
    define_credit(c)
    with c.uow() as u:
        helped = contributions.record(
            u,
            actor=c.bruno,
            activity="entraide",
            occurred_on="2026-03-01",
            hours="1",
            now=c.clock(),
        )
    with c.uow() as u:
        earned = units.earn(
            u, actor=c.admin, code="CREDIT", contribution_id=helped.id, now=c.clock()
        )
    with c.uow() as u:
        undone = units.reverse(u, actor=c.admin, operation_id=earned.id, reason="x", now=c.clock())
    o = t.unit_operations
    with engine.connect() as conn:
        row = dict(conn.execute(select(o).where(o.c.id == earned.id)).one()._mapping)
    org = c.admin.org_id
    with engine.connect() as conn:
        # The first earning is reversed: one standing earning is allowed, not two.
        conn.execute(insert(o).values({**row, "id": 89, "reversed_by": None}))
        with pytest.raises(IntegrityError):
            conn.execute(insert(o).values({**row, "id": 90, "reversed_by": None}))
        conn.rollback()
    refused = [
        # a second reversal of the same operation
        {
            **row,
            "id": 91,
            "kind": "reversal",
            "contribution_id": None,
            "reversed_by": None,
            "reverses": earned.id,
        },
        # a reversal that names nothing
        {**row, "id": 92, "kind": "reversal", "contribution_id": None, "reversed_by": None},
        # an earning that claims to reverse something
        {**row, "id": 93, "reversed_by": None, "contribution_id": None, "reverses": earned.id},
    ]
    for values in refused:
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert(o).values(values))
    # A reversal cannot itself be marked reversed.
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            update(o).where(o.c.organization_id == org, o.c.id == undone.id).values(reversed_by=1)
        )
