"""A contributor pool: the splits of the platform's transactions fill it, a later
distribution pays it out to the contributors."""

from __future__ import annotations

from datetime import date

import pytest

from partage.core.errors import InvalidInput
from partage.core.splits.transactions import TransactionInput
from partage.services import contributions, distributions, ledger, transactions
from tests.conftest import Community

RULES = {
    "commissions": {"producer": {"rate": "10"}},
    "splits": [{"of": "amount", "to": "pool:contributeurs", "percent": "5"}],
}


def _fill_the_pool(c: Community) -> None:
    with c.uow() as u:
        transactions.set_rules(
            u, actor=c.admin, document=RULES, effective_from=date(2026, 1, 1), now=c.clock()
        )
    for i, amount in enumerate((20_000, 40_000)):
        with c.uow() as u:
            transactions.record_transaction(
                u,
                actor=c.admin,
                tx=TransactionInput(
                    reference=f"CMD-{i}",
                    amount=amount,
                    currency="EUR",
                    status="producer",
                    payee=f"member:{c.dario.member.id}",
                    occurred_at=c.clock(),
                ),
                now=c.clock(),
            )


def _balance(c: Community, account: str) -> int:
    with c.uow(readonly=True) as u:
        return ledger.balance_of(u, actor=c.admin, account=account).minor


def test_a_distribution_pays_out_what_the_transactions_put_in_the_pool(
    community: Community,
) -> None:
    c = community
    _fill_the_pool(c)
    assert _balance(c, "fund:pool:contributeurs") == 3_000  # 5 % of 200 € + 400 €
    with c.uow() as u:
        for who, hours in ((c.bruno, "3"), (c.chloe, "1")):
            contributions.record(
                u,
                actor=who,
                activity="Accueil",
                occurred_on="2026-03-01",
                hours=hours,
                description="permanence",
                now=c.clock(),
            )
    with c.uow() as u:
        done = distributions.run(
            u,
            actor=c.admin,
            model={"type": "proportional", "by": "hours"},
            data=distributions.source(),
            budget=3_000,
            fund="pool:contributeurs",
            now=c.clock(),
        )
    assert done.fund == "fund:pool:contributeurs"
    assert _balance(c, "fund:pool:contributeurs") == 0
    assert _balance(c, f"member:{c.bruno.member.id}") == 2_250
    assert _balance(c, f"member:{c.chloe.member.id}") == 750
    with c.uow() as u, pytest.raises(InvalidInput) as caught:
        distributions.run(
            u,
            actor=c.admin,
            model={"type": "proportional", "by": "hours"},
            data=distributions.source(),
            budget=100,
            fund="pool:contributeurs",
            now=c.clock(),
        )
    assert caught.value.code == "distribution.insufficient_fund"
    with c.uow(readonly=True) as u:
        assert ledger.check(u, actor=c.admin).ok
