"""The database refuses to rewrite the decision log or a recorded outcome, whoever writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from partage.services import governance as gov
from tests.conftest import Community


def test_the_decision_log_and_outcomes_cannot_be_updated_or_deleted(
    engine: Engine, community: Community
) -> None:
    c = community
    with c.uow() as u:
        pid = gov.open_proposal(
            u,
            actor=c.bruno,
            body_id=1,
            title="Changer d'assurance",
            text="La MAIF plutôt que la MACIF",
            method="vote",
            closes_at=c.clock() + timedelta(days=1),
            now=c.clock(),
        ).proposal.id
    with c.uow() as u:
        gov.vote(u, actor=c.chloe, proposal_id=pid, choice="agree", now=c.clock())
    with c.uow() as u:
        gov.close_proposal(u, actor=c.bruno, proposal_id=pid, now=c.clock() + timedelta(days=1))
    for statement in (
        "UPDATE governance_log SET text = 'rewritten'",
        "DELETE FROM governance_log",
        "UPDATE proposal_outcomes SET outcome = 'rejected'",
        "DELETE FROM proposal_outcomes",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT outcome FROM proposal_outcomes")).scalar_one() == "passed"
        assert conn.execute(text("SELECT count(*) FROM governance_log")).scalar_one() == 3
