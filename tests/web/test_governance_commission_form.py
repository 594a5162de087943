"""A commission rate proposed from the proposal form, in English and French (its passing is
the service test's: tests/services/test_governance_commission.py)."""

from __future__ import annotations

from datetime import date

from partage.services import transactions
from tests.conftest import Community
from tests.web.conftest import Visitor
from tests.web.test_governance_action_forms import _open, _stored

RULES = {"commissions": {"producer": {"rate": "12"}}}


def test_a_commission_rate_is_proposed_from_the_form_and_takes_effect(
    visitor: Visitor, community: Community
) -> None:
    c = community
    with c.uow() as u:
        transactions.set_rules(
            u, actor=c.admin, document=RULES, effective_from=date(2026, 1, 1), now=c.clock()
        )
    visitor.sign_in("bruno")
    page = visitor.get("/o/tiers-lieux/proposals").text
    assert "Change a commission rate on transactions" in page
    refused = _open(
        visitor,
        {
            "action": "set_commission_rate",
            "commission_status": "producer",
            "commission_rate": "120",
        },
    )
    assert refused.status_code == 400
    assert 'value="120"' in refused.text  # what was typed is kept
    opened = _open(
        visitor,
        {
            "action": "set_commission_rate",
            "commission_status": "producer",
            "commission_rate": "9,5 %",
            "commission_from": "2026-04-01",
        },
    )
    assert opened.status_code == 200, opened.text
    assert "Set the commission rate of the status “producer” to 9.5 %, from" in opened.text
    [action] = _stored(c)
    assert action is not None
    assert action.params == {"status": "producer", "rate": "9.5", "effective_from": "2026-04-01"}
    french = _open(
        visitor,
        {"action": "set_commission_rate", "commission_status": "producer", "commission_rate": "10"},
        lang="fr",
    )
    assert "à partir du lendemain de la décision" in french.text
