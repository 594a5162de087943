"""A decision sets a commission rate: a new version of the split rules, from the day after."""

from __future__ import annotations

from datetime import date

import pytest

from partage.core.errors import InvalidInput
from partage.core.splits.transactions import TransactionInput
from partage.services import governance as gov
from partage.services import transactions
from tests.conftest import Community
from tests.services.test_governance_actions import opening, passed

RULES = {
    "commissions": {"producer": {"rate": "12", "fixed": "0.30"}, "courier": {"rate": "5"}},
    "splits": [{"of": "commission", "to": "reserve", "percent": "30"}],
}


def _sale(c: Community, reference: str) -> int:
    with c.uow() as u:
        done = transactions.record_transaction(
            u,
            actor=c.admin,
            tx=TransactionInput(
                reference=reference,
                amount=10_000,
                currency="EUR",
                status="producer",
                payee=f"member:{c.dario.member.id}",
                occurred_at=c.clock(),
            ),
            now=c.clock(),
        )
    return done.transaction.commission


def test_the_members_lower_the_producers_rate_and_the_next_sales_use_it(
    community: Community,
) -> None:
    c = community  # 2 March 2026
    with c.uow() as u:
        transactions.set_rules(
            u, actor=c.admin, document=RULES, effective_from=date(2026, 1, 1), now=c.clock()
        )
    assert _sale(c, "S-1") == 1_230  # 12 % of 100 € + 0.30
    view = passed(c, {"kind": "set_commission_rate", "status": "producer", "rate": "8"})
    assert view.outcome is not None and view.outcome.action_status == "applied"  # 5 March
    with c.uow(readonly=True) as u:
        versions = transactions.rule_versions(u, actor=c.admin)
    latest = versions[-1]
    assert (latest.version, latest.effective_from, latest.proposal_id) == (
        2,
        date(2026, 3, 6),
        view.proposal.id,
    )
    assert latest.document["commissions"]["producer"] == {"rate": "8", "fixed": "0.30"}
    assert latest.document["commissions"]["courier"] == {"rate": "5"}
    assert _sale(c, "S-2") == 1_230  # still 5 March: the old rate
    c.clock.advance(days=1)
    assert _sale(c, "S-3") == 830  # from 6 March: 8 % + 0.30


def test_a_rate_that_would_exceed_100_percent_is_refused_when_the_proposal_opens(
    community: Community,
) -> None:
    c = community
    rules = {**RULES, "splits": [{"of": "amount", "to": "project:solidarite", "percent": "20"}]}
    with c.uow() as u:
        transactions.set_rules(
            u, actor=c.admin, document=rules, effective_from=date(2026, 1, 1), now=c.clock()
        )
    with c.uow() as u, pytest.raises(InvalidInput) as caught:
        opening(c, {"kind": "set_commission_rate", "status": "courier", "rate": "85"})(u)
    assert caught.value.code == "rules.over_100"
    with c.uow(readonly=True) as u:
        assert gov.proposals(u, actor=c.bruno, now=c.clock()) == []
