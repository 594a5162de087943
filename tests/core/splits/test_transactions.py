"""A submitted transaction is cleaned or refused with the rule it breaks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from partage.core.errors import InvalidInput
from partage.core.splits.transactions import TransactionInput, check_transaction

SALE = TransactionInput(
    reference=" CMD-2026-0001 ",
    amount=4999,
    currency="eur",
    status="Producer",
    payee="member:3",
    occurred_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
    kind="delivery",
    payer="client 881",
    parties={"Referrer": "member:7"},
)


def test_a_sale_is_cleaned() -> None:
    clean = check_transaction(SALE, currency="EUR")
    assert (clean.reference, clean.currency, clean.status, clean.kind) == (
        "CMD-2026-0001",
        "EUR",
        "producer",
        "delivery",
    )
    assert clean.parties == {"referrer": "member:7"}
    assert clean.refund_of is None


def test_a_negative_amount_is_a_refund_only_when_it_names_the_original() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_transaction(replace(SALE, amount=-1000), currency="EUR")
    assert caught.value.code == "transaction.negative_amount"
    refund = check_transaction(replace(SALE, amount=-1000, refund_of="CMD-1"), currency="EUR")
    assert (refund.amount, refund.refund_of) == (1000, "CMD-1")


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"currency": "USD"}, "currency.mismatch", "currency"),
        ({"reference": "  "}, "transaction.no_reference", "reference"),
        ({"reference": "x" * 201}, "transaction.long_reference", "reference"),
        ({"reference": "a\x00b"}, "reference.control_character", "reference"),
        ({"amount": 0}, "amount.zero", "amount"),
        ({"amount": 2**63}, "amount.too_large", "amount"),
        ({"status": "pro ducer"}, "transaction.bad_status", "status"),
        ({"payee": ""}, "transaction.no_payee", "payee"),
        ({"occurred_at": datetime(2026, 11, 2, 9, 30)}, "transaction.naive_time", "occurred_at"),
        ({"parties": {"ref errer": "member:7"}}, "transaction.bad_role", "role"),
        ({"kind": "k" * 41}, "transaction.long_kind", "kind"),
    ],
)
def test_each_broken_rule_is_named(change: dict[str, object], code: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_transaction(replace(SALE, **change), currency="EUR")  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.field) == (code, field)
