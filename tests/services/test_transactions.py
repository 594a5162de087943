"""Transactions one at a time, as a delivery cooperative records them: split by the rules in
force on their day, refunded exactly, never posted twice."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from partage.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from partage.services import ledger
from partage.services import transactions as txs
from partage.services.context import Actor
from partage.services.transactions import TransactionInput
from partage.storage import tables as t
from tests.conftest import Community

# 12 % + 0.30 € on producers (capped at 20 €), 30 % of the commission to the impartible
# reserve, 20 % to a solidarity project, the rest to operations; 2 % of every sale to the
# contributors' pool (the rule set of tests/core/splits/test_engine.py).
DELIVERY: dict[str, Any] = {
    "commissions": {
        "producer": {"rate": "12", "fixed": "0.30", "cap": "20"},
        "courier": {"rate": "5"},
    },
    "splits": [
        {"of": "commission", "to": "reserve", "percent": "30", "label": "réserve"},
        {"of": "commission", "to": "project:solidarite", "percent": "20"},
        {"of": "amount", "to": "pool:contributeurs", "percent": "2"},
    ],
}
MARCH = date(2026, 3, 1)


def at(day: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, 8, 0, tzinfo=UTC)


def sale(who: Actor, reference: str, amount: int = 4999, **kw: Any) -> TransactionInput:
    fields: dict[str, Any] = {
        "reference": reference,
        "amount": amount,
        "currency": "EUR",
        "status": "producer",
        "payee": f"member:{who.member.id}",
        "occurred_at": at(2),
        "kind": "delivery",
    }
    fields.update(kw)
    return TransactionInput(**fields)


def set_rules(c: Community, doc: dict[str, Any] = DELIVERY, day: date = MARCH) -> int:
    with c.uow() as u:
        return txs.set_rules(
            u, actor=c.admin, document=doc, effective_from=day, note="v", now=c.clock()
        ).version


def record(c: Community, tx: TransactionInput, key: str | None = None) -> txs.Recorded:
    with c.uow() as u:
        return txs.record_transaction(u, actor=c.admin, tx=tx, now=c.clock(), idempotency_key=key)


def balances(c: Community) -> dict[str, int]:
    with c.uow(readonly=True) as u:
        return {b.account: b.amount.minor for b in ledger.balances(u, actor=c.admin)}


def counts(c: Community) -> tuple[int, ...]:
    with c.uow(readonly=True) as u:
        conn = u.transactions.conn
        return tuple(
            int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (
                t.transactions,
                t.ledger_entries,
                t.ledger_postings,
                t.split_rule_versions,
            )
        )


@pytest.fixture
def coop(community: Community) -> Iterator[Community]:
    set_rules(community)
    yield community
    with community.uow(readonly=True) as u:
        assert ledger.check(u, actor=community.admin).ok


def test_the_49_99_sale_posts_exactly_the_worked_postings(coop: Community) -> None:
    bruno = coop.bruno.member.id
    done = record(coop, sale(coop.bruno, "cmd-1001"))
    assert not done.replayed
    assert (done.transaction.amount, done.transaction.commission) == (4999, 630)
    assert done.transaction.rule_version == 1
    with coop.uow(readonly=True) as u:
        (posted,) = u.ledger.entries_for_cause(
            coop.admin.org_id, f"transaction:{done.transaction.id}"
        )
    assert posted.entry.memo == "delivery cmd-1001"
    assert posted.entry.occurred_at == at(2)
    assert [(p.account, p.amount) for p in posted.entry.postings] == [
        ("bank", 4999),
        (f"member:{bruno}", -4269),
        ("fund:reserve", -189),
        ("fund:project:solidarite", -126),
        ("fund:operations", -315),
        ("fund:pool:contributeurs", -100),
    ]
    with coop.uow(readonly=True) as u:
        shown = txs.transaction(u, actor=coop.chloe, reference="cmd-1001")
    assert [(x.part, x.account, x.amount) for x in shown.lines] == [
        ("net", f"member:{bruno}", 4269),
        ("commission", "fund:reserve", 189),
        ("commission", "fund:project:solidarite", 126),
        ("commission", "fund:operations", 315),
        ("amount", "fund:pool:contributeurs", 100),
    ]
    assert [x.label for x in shown.lines][:2] == ["paid to Bruno", "réserve"]
    assert shown.left_to_refund == 4999
    assert shown.rules.version == 1


def test_three_sales_fill_the_reserve_the_project_and_the_pool(coop: Community) -> None:
    before = balances(coop)
    record(coop, sale(coop.bruno, "a", 4999))
    # 200 € by a producer: 12 % = 24.00 + 0.30 = 24.30, capped at 20.00;
    # reserve 6.00, solidarity 4.00, operations 10.00; pool 4.00; Chloé 176.00.
    record(coop, sale(coop.chloe, "b", 20000))
    # 10 € by a courier: 5 % = 0.50; reserve 0.15, solidarity 0.10, operations 0.25;
    # pool 0.20; Dario 9.30.
    record(coop, sale(coop.dario, "c", 1000, status="courier"))
    after = balances(coop)
    moved = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    assert moved["fund:reserve"] == 189 + 600 + 15
    assert moved["fund:project:solidarite"] == 126 + 400 + 10
    assert moved["fund:operations"] == 315 + 1000 + 25
    assert moved["fund:pool:contributeurs"] == 100 + 400 + 20
    assert moved[f"member:{coop.chloe.member.id}"] == 17600
    assert moved[f"member:{coop.dario.member.id}"] == 930
    assert moved["bank"] == 4999 + 20000 + 1000


def test_a_new_version_applies_from_its_day_never_before(coop: Community) -> None:
    record(coop, sale(coop.bruno, "before", 10000, occurred_at=at(10)))
    v2 = {"commissions": {"producer": {"rate": "10"}}, "rest_to": "commons"}
    assert set_rules(coop, v2, date(2026, 4, 1)) == 2
    old = record(coop, sale(coop.bruno, "late-march", 10000, occurred_at=at(31)))
    new = record(coop, sale(coop.bruno, "april", 10000, occurred_at=at(1, 4)))
    assert (old.transaction.rule_version, old.transaction.commission) == (1, 1230)
    assert (new.transaction.rule_version, new.transaction.commission) == (2, 1000)
    with coop.uow(readonly=True) as u:
        lines = txs.transaction(u, actor=coop.admin, reference="april").lines
        assert [(x.account, x.amount) for x in lines][1:] == [("fund:commons", 1000)]
        assert txs.rules_in_force(u, actor=coop.bruno, day=date(2026, 3, 31)).version == 1
        assert txs.rules_in_force(u, actor=coop.bruno, day=date(2026, 4, 1)).version == 2
        assert [v.version for v in txs.rule_versions(u, actor=coop.observer)] == [1, 2]


def test_a_retroactive_version_is_refused_and_nothing_is_written(coop: Community) -> None:
    record(coop, sale(coop.bruno, "x", occurred_at=at(20)))
    before = counts(coop)
    for day in (date(2026, 3, 20), date(2026, 3, 5), date(2026, 2, 1)):
        with pytest.raises(InvalidInput) as refused:
            set_rules(coop, DELIVERY, day)
        assert refused.value.code == "rules.retroactive"
        assert refused.value.field == "effective_from"
    assert counts(coop) == before
    assert set_rules(coop, DELIVERY, date(2026, 3, 21)) == 2


def test_refunds_partial_then_full_leave_every_account_as_before(coop: Community) -> None:
    before = balances(coop)
    record(coop, sale(coop.bruno, "cmd-7", 4999))
    first = txs_refund(coop, "cmd-7", "cmd-7-r1", 1000)
    assert first.transaction.refund_of == "cmd-7"
    assert first.transaction.rule_version == 1
    with coop.uow(readonly=True) as u:
        shown = txs.transaction(u, actor=coop.admin, reference="cmd-7")
        refund_lines = txs.transaction(u, actor=coop.admin, reference="cmd-7-r1").lines
    assert shown.left_to_refund == 3999
    assert [r.reference for r in shown.refunds] == ["cmd-7-r1"]
    # 10.00 of 49.99 taken back in proportion: 8.54 from Bruno's 42.69, and so on.
    assert sum(x.amount for x in refund_lines) == 1000
    assert refund_lines[0].amount == 854
    rest = txs_refund(coop, "cmd-7", "cmd-7-r2", None)
    assert rest.transaction.amount == 3999
    after = balances(coop)
    assert {k: v for k, v in after.items() if v} == {k: v for k, v in before.items() if v}
    with pytest.raises(InvalidInput) as refused:
        txs_refund(coop, "cmd-7", "cmd-7-r3", 1)
    assert refused.value.code == "refund.exceeds_paid"


def txs_refund(
    c: Community, of: str, reference: str, amount: int | None, key: str | None = None
) -> txs.Recorded:
    with c.uow() as u:
        return txs.refund(
            u,
            actor=c.admin,
            of_reference=of,
            reference=reference,
            amount=amount,
            now=c.clock(),
            idempotency_key=key,
        )


def test_a_negative_row_naming_the_original_is_a_refund(coop: Community) -> None:
    record(coop, sale(coop.bruno, "cmd-8", 4999))
    back = record(coop, sale(coop.bruno, "cmd-8-back", -4999, refund_of="cmd-8"))
    assert back.transaction.refund_of == "cmd-8"
    assert back.transaction.kind == "refund"
    with coop.uow(readonly=True) as u:
        assert txs.transaction(u, actor=coop.admin, reference="cmd-8").left_to_refund == 0
    with pytest.raises(InvalidInput) as refused:
        txs_refund(coop, "cmd-8-back", "again", 1)
    assert refused.value.code == "refund.of_refund"


BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("unknown status", {"status": "wholesaler"}, "transaction.unknown_status", "status"),
    ("currency", {"currency": "USD"}, "currency.mismatch", "currency"),
    ("negative", {"amount": -500}, "transaction.negative_amount", "amount"),
    ("zero", {"amount": 0}, "amount.zero", "amount"),
    ("unknown payee", {"payee": "member:999"}, "transaction.unknown_payee", "payee"),
    ("unknown alias", {"payee": "platform:nobody"}, "transaction.unknown_payee", "payee"),
    ("party", {"parties": {"referrer": "42"}}, "transaction.unknown_party", "parties"),
    ("before rules", {"occurred_at": at(1, 2)}, "rules.none_in_force", "occurred_at"),
    ("naive time", {"occurred_at": datetime(2026, 3, 2)}, "transaction.naive_time", "occurred_at"),
]


@pytest.mark.parametrize(("case", "change", "code", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_transactions_are_refused_and_nothing_is_written(
    coop: Community, case: str, change: dict[str, Any], code: str, field: str
) -> None:
    record(coop, sale(coop.bruno, "ok"))
    before = counts(coop)
    with pytest.raises(DomainError) as refused:
        record(coop, sale(coop.bruno, "bad", **change), key="k-bad")
    assert (refused.value.code, refused.value.field) == (code, field)
    assert counts(coop) == before


def test_more_than_paid_a_duplicate_reference_and_rules_over_100_percent(coop: Community) -> None:
    record(coop, sale(coop.bruno, "cmd-9", 2000))
    before = counts(coop)
    with pytest.raises(InvalidInput) as over:
        txs_refund(coop, "cmd-9", "cmd-9-r", 2001)
    assert (over.value.code, over.value.field) == ("refund.exceeds_paid", "amount")
    with pytest.raises(InvalidInput) as over:
        record(coop, sale(coop.bruno, "cmd-9-r", -2001, refund_of="cmd-9"))
    assert over.value.code == "refund.exceeds_paid"
    with pytest.raises(Conflict) as duplicate:
        record(coop, sale(coop.chloe, "cmd-9", 100))
    assert (duplicate.value.code, duplicate.value.field) == (
        "transaction.duplicate_reference",
        "reference",
    )
    with pytest.raises(Conflict):
        txs_refund(coop, "cmd-9", "cmd-9", 100)
    with pytest.raises(NotFound):
        txs_refund(coop, "nothing", "r", 100)
    with pytest.raises(InvalidInput) as early, coop.uow() as u:
        txs.refund(u, actor=coop.admin, of_reference="cmd-9", reference="early", amount=1,
                   occurred_at=at(1), now=coop.clock())  # fmt: skip
    assert (early.value.code, early.value.field) == ("refund.before_original", "occurred_at")
    greedy = {
        "commissions": {"producer": {"rate": "90"}},
        "splits": [{"of": "amount", "to": "reserve", "percent": "20"}],
    }
    with pytest.raises(InvalidInput) as rules:
        set_rules(coop, greedy, date(2026, 4, 1))
    assert rules.value.code == "rules.over_100"
    assert counts(coop) == before


def test_a_retried_request_posts_once_and_a_reused_key_is_refused(coop: Community) -> None:
    first = record(coop, sale(coop.bruno, "cmd-10"), key="key-10")
    before = counts(coop)
    again = record(coop, sale(coop.bruno, "cmd-10"), key="key-10")
    assert again.replayed and again.transaction == first.transaction
    assert counts(coop) == before
    with pytest.raises(Conflict) as reused:
        record(coop, sale(coop.bruno, "cmd-11", 100), key="key-10")
    assert reused.value.code == "idempotency.key_reused"
    refunded = txs_refund(coop, "cmd-10", "cmd-10-r", 500, key="key-r")
    replay = txs_refund(coop, "cmd-10", "cmd-10-r", 500, key="key-r")
    assert replay.replayed and replay.transaction.id == refunded.transaction.id
    with pytest.raises(Conflict):
        txs_refund(coop, "cmd-10", "cmd-10-r", 600, key="key-r")
    with pytest.raises(InvalidInput):
        record(coop, sale(coop.bruno, "cmd-12"), key=" ")


def test_payee_by_alias_and_a_share_to_the_referrer(coop: Community) -> None:
    with coop.uow() as u:
        u.aliases.add(
            coop.admin.org_id,
            alias="platform:seller-881",
            member_id=coop.bruno.member.id,
            source="test",
            now=coop.clock(),
        )
        u.commit()
    referral = {
        "commissions": {"producer": {"rate": "10"}},
        "splits": [{"of": "commission", "to": "party:referrer", "percent": "25"}],
    }
    set_rules(coop, referral, date(2026, 4, 1))
    done = record(
        coop,
        sale(
            coop.bruno,
            "ref-1",
            1000,
            payee="platform:seller-881",
            parties={"referrer": str(coop.dario.member.id)},
            occurred_at=at(2, 4),
        ),
    )
    assert done.transaction.payee_id == coop.bruno.member.id
    assert done.transaction.parties == {"referrer": coop.dario.member.id}
    with coop.uow(readonly=True) as u:
        lines = txs.transaction(u, actor=coop.admin, reference="ref-1").lines
        mine = txs.transactions(u, actor=coop.dario, member_id=coop.dario.member.id)
    assert [(x.account, x.amount) for x in lines] == [
        (f"member:{coop.bruno.member.id}", 900),
        (f"member:{coop.dario.member.id}", 25),
        ("fund:operations", 75),
    ]
    assert [x.reference for x in mine] == ["ref-1"]
    with pytest.raises(InvalidInput) as missing:
        record(coop, sale(coop.bruno, "ref-2", 1000, occurred_at=at(2, 4)))
    assert missing.value.code == "transaction.missing_party"


def test_members_read_every_transaction_only_admins_write(coop: Community) -> None:
    record(coop, sale(coop.bruno, "m-1", occurred_at=at(3)))
    record(coop, sale(coop.chloe, "m-2", occurred_at=at(5)))
    record(coop, sale(coop.chloe, "m-3", occurred_at=at(7)))
    with coop.uow(readonly=True) as u:
        everything = txs.transactions(u, actor=coop.observer)
        window = txs.transactions(
            u, actor=coop.bruno, since=date(2026, 3, 4), until=date(2026, 3, 5)
        )
        chloe = txs.transactions(u, actor=coop.bruno, member_id=coop.chloe.member.id, limit=1)
        page2 = txs.transactions(u, actor=coop.bruno, limit=2, offset=2)
    assert [x.reference for x in everything] == ["m-3", "m-2", "m-1"]
    assert [x.reference for x in window] == ["m-2"]
    assert [x.reference for x in chloe] == ["m-3"]
    assert [x.reference for x in page2] == ["m-1"]
    with pytest.raises(Forbidden), coop.uow() as u:
        txs.record_transaction(u, actor=coop.bruno, tx=sale(coop.bruno, "mine"), now=coop.clock())
    with pytest.raises(Forbidden), coop.uow() as u:
        txs.set_rules(
            u,
            actor=coop.bruno,
            document=DELIVERY,
            effective_from=date(2027, 1, 1),
            now=coop.clock(),
        )
    with pytest.raises(Forbidden):
        txs_refund_as(coop, coop.bruno)
    with pytest.raises(InvalidInput), coop.uow(readonly=True) as u:
        txs.transactions(u, actor=coop.bruno, limit=0)


def txs_refund_as(c: Community, who: Actor) -> None:
    with c.uow() as u:
        txs.refund(u, actor=who, of_reference="m-1", reference="x", amount=1, now=c.clock())


def test_no_rules_yet_means_no_transaction(community: Community) -> None:
    with pytest.raises(InvalidInput) as refused:
        record(community, sale(community.bruno, "early"))
    assert refused.value.code == "rules.none_in_force"
    with community.uow(readonly=True) as u, pytest.raises(NotFound):
        txs.rule_version(u, actor=community.admin, version=1)


def test_a_version_added_while_a_sale_waits_for_the_lock_splits_it(
    coop: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The split is computed before the lock; a version that another admin committed in
    between (here written just before the lock is taken) is the one the sale gets."""
    from partage.storage.transactions_repo import RuleVersionRow, TransactionRepository

    locking = TransactionRepository.lock

    def lock_after_a_new_version(self: TransactionRepository, org_id: int) -> int:
        monkeypatch.setattr(TransactionRepository, "lock", locking)
        self.add_rule_version(
            org_id,
            RuleVersionRow(
                2,
                date(2026, 3, 2),
                '{"commissions": {"producer": {"rate": "10"}}}',
                "",
                coop.clock(),
                None,
                None,
            ),
        )
        return locking(self, org_id)

    monkeypatch.setattr(TransactionRepository, "lock", lock_after_a_new_version)
    done = record(coop, sale(coop.bruno, "raced", 10000))
    assert (done.transaction.rule_version, done.transaction.commission) == (2, 1000)
    with coop.uow(readonly=True) as u:
        lines = txs.transaction(u, actor=coop.admin, reference="raced").lines
    assert [(x.account, x.amount) for x in lines] == [
        (f"member:{coop.bruno.member.id}", 9000),
        ("fund:operations", 1000),
    ]


_EXAMPLES = itertools.count()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    amount=st.integers(min_value=1, max_value=5_000_000),
    cuts=st.lists(st.integers(min_value=1, max_value=1000), min_size=0, max_size=4),
    status=st.sampled_from(["producer", "courier"]),
)
def test_any_refunds_that_add_up_to_a_sale_put_every_account_back(
    coop: Community, amount: int, cuts: list[int], status: str
) -> None:
    reference = f"p-{next(_EXAMPLES)}"
    before = balances(coop)
    record(coop, sale(coop.bruno, reference, amount, status=status))
    taken = 0
    for i, cut in enumerate(cuts):
        part = min(cut * amount // 1000 or 1, amount - taken)
        if part <= 0:
            break
        txs_refund(coop, reference, f"{reference}-r{i}", part)
        taken += part
        middle = balances(coop)
        assert all(middle[k] - before.get(k, 0) >= 0 for k in middle if k != "bank")
    if taken < amount:
        txs_refund(coop, reference, f"{reference}-rest", None)
    after = balances(coop)
    assert {k: v for k, v in after.items() if v != before.get(k, 0)} == {}


def test_the_ledger_sends_a_transaction_s_entry_to_a_refund(coop: Community) -> None:
    done = record(coop, sale(coop.bruno, "cmd-12", 2000)).transaction
    before = counts(coop)
    with pytest.raises(Conflict) as caught, coop.uow() as u:
        ledger.reverse_entry(
            u, actor=coop.admin, seq=done.entry_seq, reason="wrong", now=coop.clock()
        )
    assert caught.value.code == "ledger.reverse_elsewhere"
    assert f"records transaction #{done.id}" in caught.value.message
    assert "partage transactions refund" in caught.value.message
    assert counts(coop) == before
