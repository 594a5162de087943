"""Credits and a time bank in the organization's ledger: worked examples and refusals."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from partage.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from partage.core.money import format_minor
from partage.core.units import OperationKind
from partage.services import contributions, ledger, units
from partage.services.context import Actor
from tests.conftest import Community


def define_credit(c: Community, price: str | None = "0.50") -> None:
    with c.uow() as u:
        units.define_unit(
            u,
            actor=c.admin,
            code="CREDIT",
            name="Crédits",
            kind="credit",
            price=price,
            now=c.clock(),
        )
        units.set_earning(u, actor=c.admin, code="CREDIT", activity="entraide", amount="5")


def define_hour(c: Community) -> None:
    with c.uow() as u:
        units.define_unit(u, actor=c.admin, code="HOUR", name="Heures", kind="time", now=c.clock())


def balance(c: Community, who: Actor, code: str) -> str:
    with c.uow(readonly=True) as u:
        found = {
            b.unit.code: b.balance
            for b in units.balances(u, actor=c.admin, member_id=who.member.id)
        }
    decimals = 0 if code == "CREDIT" else 2
    return format_minor(found[code], decimals)


def written(c: Community) -> tuple[int, int]:
    """How many ledger entries and unit operations the organization has."""
    with c.uow(readonly=True) as u:
        return len(u.ledger.journal(c.admin.org_id)), u.units.count_operations(c.admin.org_id)


def refused(c: Community, action: Callable[..., object], **kwargs: object) -> DomainError:
    """Run ``action`` in its own unit of work; it must be refused and write nothing."""
    before = written(c)
    with pytest.raises(DomainError) as caught, c.uow() as u:
        action(u, now=c.clock(), **kwargs)
    assert written(c) == before
    return caught.value


def books_ok(c: Community) -> None:
    with c.uow(readonly=True) as u:
        check = ledger.check(u, actor=c.admin)
    assert check.ok, check.problems


def test_credits_bought_earned_and_spent(community: Community) -> None:
    c = community
    define_credit(c)
    # Bruno buys 20 credits at 0.50 €: 10.00 € come in, paid into the operations fund.
    with c.uow() as u:
        bought = units.buy(
            u,
            actor=c.admin,
            code="credit",
            member_id=c.bruno.member.id,
            quantity="20",
            now=c.clock(),
        )
    assert (bought.quantity, bought.money_amount, bought.rate) == (20, 1000, "0.50")
    with c.uow(readonly=True) as u:
        [entry] = [e for e in u.ledger.journal(c.admin.org_id) if e.seq == bought.entry_seq]
        assert entry.entry.cause == f"unit_operation:{bought.id}"
        assert entry.entry.memo == "buy 20 CREDIT at 0.50 EUR = 10.00 EUR"
        assert ledger.balance_of(u, actor=c.admin, account="fund:operations").minor == 1000
    # A change of price never changes a past purchase.
    with c.uow() as u:
        units.define_unit(
            u,
            actor=c.admin,
            code="CREDIT",
            name="Crédits",
            kind="credit",
            price="0.60",
            now=c.clock(),
        )
    with c.uow(readonly=True) as u:
        [again] = units.movements(u, actor=c.admin, code="CREDIT")
    assert (again.rate, again.money_amount) == ("0.50", 1000)
    # Bruno's "entraide" contribution is validated: 5 credits, once.
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
    assert (earned.kind, earned.member_id, earned.quantity) == (
        OperationKind.EARN,
        c.bruno.member.id,
        5,
    )
    with c.uow(readonly=True) as u:
        assert [e.entry.cause for e in u.ledger.journal(c.admin.org_id)][-1] == (
            f"contribution:{helped.id}:units:CREDIT"
        )
    again_earned = refused(c, units.earn, actor=c.admin, code="CREDIT", contribution_id=helped.id)
    assert isinstance(again_earned, Conflict) and again_earned.code == "units.already_earned"
    assert balance(c, c.bruno, "CREDIT") == "25"
    # Bruno spends 12 to publish an offer: retired to the platform.
    with c.uow() as u:
        units.spend(
            u,
            actor=c.bruno,
            code="CREDIT",
            quantity="12",
            purpose="publish offer: vélo cargo",
            now=c.clock(),
        )
    assert balance(c, c.bruno, "CREDIT") == "13"
    # 14 more would take him below zero, where credits may not go.
    short = refused(
        c, units.spend, actor=c.bruno, code="CREDIT", quantity="14", purpose="book a service"
    )
    assert short.code == "units.insufficient_balance"
    assert "the balance is 13 CREDIT and may go down to -0 CREDIT" in short.message
    with c.uow(readonly=True) as u:
        summary = units.summary(u, actor=c.admin, code="CREDIT")
    assert summary.circulation == 13 == sum(summary.balances.values())
    assert summary.balances == {c.bruno.member.id: 13}
    books_ok(c)


def test_a_member_pays_another_member_in_credits(community: Community) -> None:
    c = community
    define_credit(c)
    with c.uow() as u:
        units.grant(
            u,
            actor=c.admin,
            code="CREDIT",
            member_id=c.chloe.member.id,
            quantity="10",
            reason="welcome credits",
            now=c.clock(),
        )
    with c.uow() as u:
        units.spend(
            u,
            actor=c.chloe,
            code="CREDIT",
            quantity="4",
            purpose="repair",
            to_member=c.dario.member.id,
            now=c.clock(),
        )
    assert (balance(c, c.chloe, "CREDIT"), balance(c, c.dario, "CREDIT")) == ("6", "4")
    assert (
        refused(
            c,
            units.spend,
            actor=c.chloe,
            code="CREDIT",
            quantity="1",
            purpose="x",
            to_member=c.chloe.member.id,
        ).code
        == "units.same_member"
    )
    books_ok(c)


def test_the_time_bank_one_hour_for_one_hour(community: Community) -> None:
    c = community
    define_hour(c)
    # Bruno gives Chloé 2 hours of gardening; Chloé records it: she owes 2 hours.
    with c.uow() as u:
        done = units.exchange(
            u,
            actor=c.chloe,
            code="HOUR",
            giver_id=c.bruno.member.id,
            quantity="2",
            service="gardening",
            now=c.clock(),
        )
    assert (done.member_id, done.counterpart_id, done.quantity) == (
        c.chloe.member.id,
        c.bruno.member.id,
        200,
    )
    assert (balance(c, c.bruno, "HOUR"), balance(c, c.chloe, "HOUR")) == ("2.00", "-2.00")
    # Within her 10-hour limit she may take 8 more hours, not 8.5.
    beyond = refused(
        c,
        units.exchange,
        actor=c.chloe,
        code="HOUR",
        giver_id=c.dario.member.id,
        quantity="8.5",
        service="moving",
    )
    assert beyond.code == "units.insufficient_balance"
    assert beyond.field == "quantity"
    assert beyond.params == {"balance": "-2.00", "limit": "10.00", "unit": "HOUR"}
    with c.uow() as u:
        units.exchange(
            u,
            actor=c.chloe,
            code="HOUR",
            giver_id=c.dario.member.id,
            quantity="8",
            service="moving",
            now=c.clock(),
        )
    assert balance(c, c.chloe, "HOUR") == "-10.00"
    with c.uow(readonly=True) as u:
        summary = units.summary(u, actor=c.admin, code="HOUR")
    # Hours are never issued by an exchange: what some owe, others hold.
    assert summary.circulation == 0 == sum(summary.balances.values())
    books_ok(c)


def test_refusals_write_nothing(community: Community) -> None:
    c = community
    define_credit(c)
    define_hour(c)
    bruno = c.bruno.member.id
    cases: list[tuple[Callable[..., object], dict[str, object], str, type[DomainError]]] = [
        (
            units.exchange,
            dict(actor=c.bruno, code="HOUR", giver_id=bruno, quantity="1", service="x"),
            "units.same_member",
            InvalidInput,
        ),
        (
            units.exchange,
            dict(
                actor=c.bruno, code="CREDIT", giver_id=c.chloe.member.id, quantity="1", service="x"
            ),
            "units.not_time",
            InvalidInput,
        ),
        (
            units.exchange,
            dict(
                actor=c.bruno, code="HOUR", giver_id=c.observer.member.id, quantity="1", service="x"
            ),
            "units.observer",
            InvalidInput,
        ),
        (
            units.exchange,
            dict(actor=c.bruno, code="HOUR", giver_id=999, quantity="1", service="x"),
            "member.not_found",
            NotFound,
        ),
        (
            units.exchange,
            dict(actor=c.observer, code="HOUR", giver_id=bruno, quantity="1", service="x"),
            "role.observer",
            Forbidden,
        ),
        (
            units.exchange,
            dict(
                actor=c.bruno,
                code="HOUR",
                giver_id=c.chloe.member.id,
                quantity="0.001",
                service="x",
            ),
            "amount.too_many_decimals",
            InvalidInput,
        ),
        (
            units.exchange,
            dict(
                actor=c.bruno, code="HOUR", giver_id=c.chloe.member.id, quantity="-1", service="x"
            ),
            "amount.negative",
            InvalidInput,
        ),
        (
            units.spend,
            dict(actor=c.bruno, code="NOPE", quantity="1", purpose="x"),
            "units.not_found",
            NotFound,
        ),
        (
            units.spend,
            dict(
                actor=c.bruno, code="CREDIT", quantity="1", purpose="x", member_id=c.chloe.member.id
            ),
            "role.not_admin",
            Forbidden,
        ),
        (
            units.spend,
            dict(actor=c.bruno, code="CREDIT", quantity="1", purpose=" "),
            "purpose.required",
            InvalidInput,
        ),
        (
            units.buy,
            dict(actor=c.bruno, code="CREDIT", member_id=bruno, quantity="1"),
            "role.not_admin",
            Forbidden,
        ),
        (
            units.buy,
            dict(actor=c.admin, code="HOUR", member_id=bruno, quantity="1"),
            "units.not_for_sale",
            InvalidInput,
        ),
        (
            units.earn,
            dict(actor=c.admin, code="CREDIT", contribution_id=404),
            "contribution.not_found",
            NotFound,
        ),
        (
            units.grant,
            dict(actor=c.admin, code="CREDIT", member_id=bruno, quantity="1.5", reason="x"),
            "amount.too_many_decimals",
            InvalidInput,
        ),
    ]
    for action, kwargs, code, kind in cases:
        error = refused(c, action, **kwargs)
        assert (error.code, type(error)) == (code, kind), (action.__name__, kwargs)


def test_a_contribution_without_an_earning_rule_earns_nothing(community: Community) -> None:
    c = community
    define_credit(c)
    with c.uow() as u:
        other = contributions.record(
            u, actor=c.bruno, activity="code", occurred_on="2026-03-01", hours="1", now=c.clock()
        )
    error = refused(c, units.earn, actor=c.admin, code="CREDIT", contribution_id=other.id)
    assert error.code == "units.no_earning_rule"
    with c.uow() as u:
        units.set_earning(
            u, actor=c.admin, code="CREDIT", activity="atelier", amount="3", per="hour"
        )
        workshop = contributions.record(
            u,
            actor=c.chloe,
            activity="Atelier",
            hours="2.5",
            occurred_on="2026-03-01",
            now=c.clock(),
        )
    with c.uow(readonly=True) as u:
        waiting = units.to_validate(u, actor=c.admin)
    assert [(w.id, r.activity) for w, r in waiting] == [(workshop.id, "atelier")]
    with c.uow() as u:
        got = units.earn(
            u, actor=c.admin, code="CREDIT", contribution_id=workshop.id, now=c.clock()
        )
    assert got.quantity == 8  # 3 per hour × 2.5 h = 7.5, rounded half up
    with c.uow(readonly=True) as u:
        assert units.to_validate(u, actor=c.admin) == []


def test_a_unit_keeps_its_kind_and_decimals(community: Community) -> None:
    c = community
    define_hour(c)
    error = refused(c, units.define_unit, actor=c.admin, code="HOUR", name="Heures", kind="credit")
    assert error.code == "units.fixed_kind"
    assert (
        refused(c, units.define_unit, actor=c.admin, code="EUR", name="Euros", kind="credit").code
        == "currency.shadows_iso"
    )
    assert (
        refused(c, units.define_unit, actor=c.bruno, code="PTS", name="Points", kind="credit").code
        == "role.not_admin"
    )
    # The limit can change: a lower one refuses later payments, not past balances.
    with c.uow() as u:
        changed = units.define_unit(
            u,
            actor=c.admin,
            code="HOUR",
            name="Heures",
            kind="time",
            negative_limit="5",
            now=c.clock(),
        )
    assert (changed.negative_limit, changed.decimals) == (500, 2)


def test_concurrent_spendings_never_pass_the_limit_together(community: Community) -> None:
    c = community
    define_credit(c)
    with c.uow() as u:
        units.grant(u, actor=c.admin, code="CREDIT", member_id=c.bruno.member.id,
                    quantity="20", reason="welcome", now=c.clock())  # fmt: skip

    def spend_five() -> str:
        try:
            with c.uow() as u:
                units.spend(u, actor=c.bruno, code="CREDIT", quantity="5", purpose="offer",
                            now=c.clock())  # fmt: skip
            return "spent"
        except InvalidInput as refusal:
            return refusal.code

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: spend_five(), range(10)))
    assert results.count("spent") == 4
    assert results.count("units.insufficient_balance") == 6
    assert balance(c, c.bruno, "CREDIT") == "0"
    books_ok(c)


def test_a_change_keeps_what_it_does_not_name(community: Community) -> None:
    c = community
    with c.uow() as u:
        units.define_unit(u, actor=c.admin, code="CREDIT", name="Crédits", price="0.50",
                          negative_limit="3", purchase_account="commons", now=c.clock())  # fmt: skip
    with c.uow() as u:
        renamed = units.define_unit(u, actor=c.admin, code="credit", name="Crédits Pwiic",
                                    now=c.clock())  # fmt: skip
    assert (renamed.name, str(renamed.price), renamed.negative_limit) == (
        "Crédits Pwiic",
        "0.50",
        3,
    )
    assert renamed.purchase_account == "fund:commons"
    with c.uow() as u:
        off_sale = units.define_unit(u, actor=c.admin, code="CREDIT", name="Crédits Pwiic",
                                     price="none", now=c.clock())  # fmt: skip
    assert off_sale.price is None and off_sale.negative_limit == 3
