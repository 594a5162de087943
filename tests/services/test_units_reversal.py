"""Reversing a unit operation: the exact opposite entry, a ``reversal`` row, and refusals."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from partage.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from partage.core.ledger import RecordedEntry, reversal
from partage.core.units import Operation, OperationKind
from partage.services import contributions, ledger, units
from tests.conftest import Community
from tests.services.test_units import books_ok, define_credit, define_hour, refused, written


def grant(c: Community, who: int, quantity: str) -> Operation:
    with c.uow() as u:
        return units.grant(
            u,
            actor=c.admin,
            code="CREDIT",
            member_id=who,
            quantity=quantity,
            reason="welcome credits",
            now=c.clock(),
        )


def reverse(c: Community, op: Operation, reason: str = "recorded by mistake") -> Operation:
    with c.uow() as u:
        return units.reverse(u, actor=c.admin, operation_id=op.id, reason=reason, now=c.clock())


def entry_of(c: Community, seq: int) -> RecordedEntry:
    with c.uow(readonly=True) as u:
        return next(e for e in u.ledger.journal(c.admin.org_id) if e.seq == seq)


def state(c: Community) -> dict[tuple[str, str], int]:
    """Every account's debit sum per currency, zero sums left out."""
    with c.uow(readonly=True) as u:
        found = u.ledger.balances(c.admin.org_id)
    return {key: amount for key, amount in found.items() if amount}


def circulation_holds(c: Community) -> None:
    with c.uow(readonly=True) as u:
        for unit in units.units(u, actor=c.admin):
            summary = units.summary(u, actor=c.admin, code=unit.code)
            assert sum(summary.balances.values()) == summary.circulation


def buy(c: Community) -> Operation:
    with c.uow() as u:
        return units.buy(
            u,
            actor=c.admin,
            code="CREDIT",
            member_id=c.bruno.member.id,
            quantity="20",
            now=c.clock(),
        )


def earn(c: Community) -> Operation:
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
        return units.earn(u, actor=c.admin, code="CREDIT", contribution_id=helped.id, now=c.clock())


def grant_chloe(c: Community) -> Operation:
    return grant(c, c.chloe.member.id, "10")


def spend_on_platform(c: Community) -> Operation:
    with c.uow() as u:
        return units.spend(
            u, actor=c.bruno, code="CREDIT", quantity="4", purpose="publish an offer", now=c.clock()
        )


def pay_a_member(c: Community) -> Operation:
    with c.uow() as u:
        return units.spend(
            u,
            actor=c.chloe,
            code="CREDIT",
            quantity="4",
            purpose="repair",
            to_member=c.dario.member.id,
            now=c.clock(),
        )


def exchange(c: Community) -> Operation:
    with c.uow() as u:
        return units.exchange(
            u,
            actor=c.chloe,
            code="HOUR",
            giver_id=c.bruno.member.id,
            quantity="2.5",
            service="gardening",
            now=c.clock(),
        )


KINDS: dict[str, Callable[[Community], Operation]] = {
    "buy": buy,
    "earn": earn,
    "grant": grant_chloe,
    "spend to the platform": spend_on_platform,
    "spend paying a member": pay_a_member,
    "exchange": exchange,
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_of_operation_is_reversed_exactly(community: Community, kind: str) -> None:
    c = community
    define_credit(c)
    define_hour(c)
    # The spendings are funded by a grant first: the operation reversed is the spending.
    grant(c, c.bruno.member.id, "10")
    grant(c, c.chloe.member.id, "10")
    before = state(c)
    original = KINDS[kind](c)
    assert state(c) != before
    undone = reverse(c, original, reason="recorded twice")
    # The books are where they were before the operation, in every currency.
    assert state(c) == before
    posted, reversing = entry_of(c, original.entry_seq), entry_of(c, undone.entry_seq)
    assert reversing.entry.reverses == original.entry_seq
    assert reversing.entry.cause == posted.entry.cause
    assert [(p.account, -p.amount, p.currency) for p in posted.entry.postings] == [
        (p.account, p.amount, p.currency) for p in reversing.entry.postings
    ]
    assert reversing.entry.memo == (
        f"reverse unit operation #{original.id} (entry #{original.entry_seq}): recorded twice"
    )
    if kind == "buy":
        assert {p.currency for p in reversing.entry.postings} == {"EUR", "CREDIT"}
    # The reversal is an operation of its own, and the original says it was reversed.
    assert undone.kind is OperationKind.REVERSAL
    assert (undone.reverses, undone.reversed_by, undone.purpose) == (
        original.id,
        None,
        "recorded twice",
    )
    assert (undone.member_id, undone.counterpart_id, undone.quantity, undone.money_amount) == (
        original.member_id,
        original.counterpart_id,
        original.quantity,
        original.money_amount,
    )
    with c.uow(readonly=True) as u:
        again = units.operation(u, actor=c.admin, operation_id=original.id)
        latest = units.movements(u, actor=c.admin, limit=2)
    assert again.reversed_by == undone.id
    assert latest[0] == undone
    circulation_holds(c)
    books_ok(c)


def test_a_reversed_earning_lets_the_contribution_earn_again(community: Community) -> None:
    c = community
    define_credit(c)
    earned = earn(c)
    assert earned.contribution_id is not None
    with c.uow(readonly=True) as u:
        assert units.to_validate(u, actor=c.admin) == []
    undone = reverse(c, earned)
    assert undone.contribution_id is None
    with c.uow(readonly=True) as u:
        [(waiting, _)] = units.to_validate(u, actor=c.admin)
    assert waiting.id == earned.contribution_id
    with c.uow() as u:
        again = units.earn(
            u, actor=c.admin, code="CREDIT", contribution_id=earned.contribution_id, now=c.clock()
        )
    assert again.quantity == 5
    # Once earned again, it is earned: a third validation is refused.
    twice = refused(
        c, units.earn, actor=c.admin, code="CREDIT", contribution_id=earned.contribution_id
    )
    assert isinstance(twice, Conflict) and twice.code == "units.already_earned"
    # …and the new earning can itself be reversed.
    reverse(c, again)
    with c.uow(readonly=True) as u:
        assert units.summary(u, actor=c.admin, code="CREDIT").circulation == 0
    books_ok(c)


def test_refusals_of_a_reversal_write_nothing(community: Community) -> None:
    c = community
    define_credit(c)
    bruno = c.bruno.member.id
    granted = grant(c, bruno, "10")
    unknown = refused(c, units.reverse, actor=c.admin, operation_id=999, reason="x")
    assert isinstance(unknown, NotFound) and unknown.code == "units.operation_not_found"
    assert unknown.field == "operation"
    for who in (c.bruno, c.observer):
        stranger = refused(c, units.reverse, actor=who, operation_id=granted.id, reason="x")
        assert isinstance(stranger, Forbidden)
    blank = refused(c, units.reverse, actor=c.admin, operation_id=granted.id, reason="  ")
    assert isinstance(blank, InvalidInput) and blank.field == "reason"
    # Bruno spent 7 of the 10 credits granted: taking 10 back would leave him at -7.
    with c.uow() as u:
        units.spend(u, actor=c.bruno, code="CREDIT", quantity="7", purpose="offer", now=c.clock())
    spent = refused(c, units.reverse, actor=c.admin, operation_id=granted.id, reason="mistake")
    assert isinstance(spent, InvalidInput) and spent.code == "units.reversal_below_limit"
    assert spent.message == (
        f"reversing operation #{granted.id} would take Bruno's (member #{bruno}) balance "
        "from 3 CREDIT to -7 CREDIT, below the limit of -0 CREDIT"
    )
    assert spent.params["member"] == "Bruno" and spent.params["balance"] == "3"
    # A grant still held is reversed once; the second time is a conflict, and the reversal
    # itself cannot be reversed.
    other = grant(c, c.chloe.member.id, "5")
    undone = reverse(c, other)
    twice = refused(c, units.reverse, actor=c.admin, operation_id=other.id, reason="again")
    assert isinstance(twice, Conflict) and twice.code == "units.already_reversed"
    assert f"already reversed by operation #{undone.id}" in twice.message
    of_reversal = refused(c, units.reverse, actor=c.admin, operation_id=undone.id, reason="x")
    assert isinstance(of_reversal, InvalidInput)
    assert of_reversal.code == "units.reversal_of_reversal"
    books_ok(c)


def test_the_ledger_sends_a_unit_operation_s_entry_to_units_reverse(
    community: Community,
) -> None:
    c = community
    define_credit(c)
    granted = grant(c, c.chloe.member.id, "10")
    before = written(c)
    caught = refused(c, ledger.reverse_entry, actor=c.admin, seq=granted.entry_seq, reason="x")
    assert isinstance(caught, Conflict) and caught.code == "ledger.reverse_elsewhere"
    assert f"unit operation #{granted.id}" in caught.message
    assert f"partage units reverse {granted.id}" in caught.message
    assert written(c) == before


def test_an_entry_already_reversed_in_the_books_is_not_reversed_twice(
    community: Community,
) -> None:
    # Books written before the ledger refused it: the entry reversed on its own.
    c = community
    define_credit(c)
    granted = grant(c, c.chloe.member.id, "10")
    with c.uow() as u:
        original = u.ledger.entry(c.admin.org_id, granted.entry_seq)
        assert original is not None
        u.ledger.append(
            c.admin.org_id, reversal(original, occurred_at=c.clock(), memo="x"), now=c.clock()
        )
        u.commit()
    before = written(c)
    with pytest.raises(Conflict) as caught, c.uow() as u:
        units.reverse(u, actor=c.admin, operation_id=granted.id, reason="x", now=c.clock())
    assert caught.value.code == "units.already_reversed"
    assert written(c) == before


def test_a_time_reversal_respects_the_givers_limit(community: Community) -> None:
    c = community
    define_hour(c)
    given = exchange(c)  # Bruno gave Chloé 2.5 hours: Bruno +2.50
    with c.uow() as u:  # Bruno then takes 12 hours from Dario: 2.50 - 12 = -9.50
        units.exchange(
            u,
            actor=c.bruno,
            code="HOUR",
            giver_id=c.dario.member.id,
            quantity="12",
            service="moving",
            now=c.clock(),
        )
    # Taking back his 2.50 would leave him at -12.00, beyond the 10-hour limit.
    beyond = refused(c, units.reverse, actor=c.admin, operation_id=given.id, reason="x")
    assert beyond.code == "units.reversal_below_limit"
    assert beyond.params["after"] == "-12.00" and beyond.params["limit"] == "10.00"


def test_concurrent_reversals_and_spendings_never_overdraw(community: Community) -> None:
    c = community
    define_credit(c)
    granted = grant(c, c.bruno.member.id, "20")

    def reverse_it() -> str:
        try:
            with c.uow() as u:
                units.reverse(u, actor=c.admin, operation_id=granted.id, reason="x",
                              now=c.clock())  # fmt: skip
            return "reversed"
        except (InvalidInput, Conflict) as refusal:
            return refusal.code

    def spend_five() -> str:
        try:
            with c.uow() as u:
                units.spend(u, actor=c.bruno, code="CREDIT", quantity="5", purpose="offer",
                            now=c.clock())  # fmt: skip
            return "spent"
        except InvalidInput as refusal:
            return refusal.code

    with ThreadPoolExecutor(max_workers=6) as pool:
        jobs = [pool.submit(reverse_it) for _ in range(3)] + [
            pool.submit(spend_five) for _ in range(3)
        ]
        results = [job.result() for job in jobs]
    reversals, spendings = results[:3], results[3:]
    # At most one reversal; and credits taken back were never also spent.
    assert reversals.count("reversed") <= 1
    if "reversed" in reversals:
        assert set(reversals) == {"reversed", "units.already_reversed"}
        assert spendings.count("spent") == 0
    else:
        assert set(reversals) == {"units.reversal_below_limit"}
    with c.uow(readonly=True) as u:
        summary = units.summary(u, actor=c.admin, code="CREDIT")
    assert summary.balances[c.bruno.member.id] >= 0
    assert sum(summary.balances.values()) == summary.circulation
    books_ok(c)
