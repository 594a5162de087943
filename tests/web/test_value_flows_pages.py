"""The split rules and transactions pages: members read them, an admin sets a version, records
a 49.99 € delivery by hand and refunds 10 € of it; refusals show next to their field and
write nothing."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from partage.services import transactions as txs
from tests.conftest import Community
from tests.services.test_value_flows import at, refund, sale, set_rules
from tests.web.conftest import Visitor

ORG = "/o/tiers-lieux"
RULES_YAML = """\
commissions:
  producer: {rate: 12, fixed: 0.30, cap: 20}
splits:
  - {of: commission, to: reserve, percent: 30}
  - {of: commission, to: "project:solidarite", percent: 20}
  - {of: amount, to: "pool:contributeurs", percent: 2}
"""


def count(c: Community) -> int:
    with c.uow(readonly=True) as u:
        return len(txs.transactions(u, actor=c.admin, limit=1000))


def test_an_admin_sets_rules_records_a_delivery_and_refunds_part_of_it(
    visitor: Visitor, community: Community
) -> None:
    visitor.sign_in("aicha")
    empty = visitor.get(f"{ORG}/rules")
    assert "No split rules are in force yet" in empty.text
    saved = visitor.post(
        f"{ORG}/rules",
        {"document": RULES_YAML, "effective_from": "2026-03-01", "note": "AG de février"},
    )
    assert "The new rules are saved." in saved.text
    assert "Version 1, from 1 Mar 2026." in saved.text
    assert "30 % of the commission → Impartible reserve" in saved.text
    assert "2 % of the amount → Pool contributeurs" in saved.text
    assert "The rest of the commission → Operations" in saved.text

    bruno = community.bruno.member.id
    recorded = visitor.post(
        f"{ORG}/transactions",
        {
            "reference": "cmd 7/3",
            "amount": "49.99",
            "payee": f"member:{bruno}",
            "status": "producer",
            "kind": "delivery",
            "occurred_at": "2026-03-02T08:15",
        },
    )
    assert "The transaction is recorded." in recorded.text
    assert str(recorded.url).endswith(f"{ORG}/transactions/{quote('cmd 7/3', safe='')}")
    lines = recorded.text[recorded.text.index('id="lines"') :]
    for expected in ("€42.69", "€1.89", "€1.26", "€3.15", "€1.00"):
        assert expected in lines
    assert "Left to refund: €49.99" in recorded.text

    refunded = visitor.post(
        f"{ORG}/refunds", {"of_reference": "cmd 7/3", "reference": "cmd 7/3-R1", "amount": "10"}
    )
    assert "The refund is recorded." in refunded.text
    assert "Left to refund: €39.99" in refunded.text
    listed = visitor.get(f"{ORG}/transactions")
    assert "refund of cmd 7/3" in listed.text and "−€10.00" in listed.text


def test_refusals_show_in_the_form_and_write_nothing(visitor: Visitor, march: Community) -> None:
    visitor.sign_in("aicha")
    before = count(march)
    bad = visitor.post(f"{ORG}/rules", {"document": "{oops", "effective_from": "2026-04-01"})
    assert bad.status_code == 400 and 'role="alert"' in bad.text
    twice = visitor.post(
        f"{ORG}/transactions",
        {
            "reference": "cmd-1",
            "amount": "5",
            "payee": f"member:{march.bruno.member.id}",
            "status": "producer",
            "occurred_at": "2026-03-02T08:15",
        },
    )
    assert twice.status_code == 409
    early = visitor.post(f"{ORG}/refunds", {"of_reference": "cmd-1", "reference": "x-0"})
    assert "a refund cannot happen before the transaction it refunds" in early.text
    march.clock.advance(days=10)
    too_much = visitor.post(
        f"{ORG}/refunds", {"of_reference": "cmd-1", "reference": "x-1", "amount": "100"}
    )
    assert too_much.status_code == 400 and 'aria-invalid="true"' in too_much.text
    assert count(march) == before
    assert visitor.get(f"{ORG}/transactions/nope").status_code == 404


@pytest.fixture
def march(community: Community) -> Community:
    set_rules(community)
    sale(community, community.bruno, "cmd-1")
    sale(community, community.chloe, "cmd-2", occurred_at=at(3))
    refund(community, "cmd-2", "rb-2", 1000, day=5)
    return community


def test_members_read_but_do_not_get_the_forms(visitor: Visitor, march: Community) -> None:
    visitor.sign_in("bruno")
    rules = visitor.get(f"{ORG}/rules?lang=fr")
    assert "30 % de la commission → Réserve impartageable" in rules.text
    assert 'action="/o/tiers-lieux/rules"' not in rules.text
    listed = visitor.get(f"{ORG}/transactions?lang=en&member={march.chloe.member.id}")
    assert "cmd-2" in listed.text and "cmd-1" not in listed.text
    assert 'method="post" action="/o/tiers-lieux/transactions"' not in listed.text
    shown = visitor.get(f"{ORG}/transactions/cmd-2")
    assert "Left to refund: €39.99" in shown.text and "/refunds" not in shown.text
    refused = visitor.post(
        f"{ORG}/refunds", {"of_reference": "cmd-2", "reference": "x", "amount": "1"}
    )
    assert refused.status_code == 403
