"""Subscriptions and licences: each period charged once, on schedule, from the member's
account to the plan's destination."""

from __future__ import annotations

from datetime import date

import pytest

from partage.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from partage.services import ledger, scheduler, subscriptions
from tests.conftest import Community
from tests.services.test_governance_actions import passed


def _licence(c: Community) -> None:
    with c.uow() as u:
        subscriptions.define_plan(
            u,
            actor=c.admin,
            name="Licence",
            period="monthly",
            fees={"producer": "30.00", "distributor": "50"},
            destination="operations",
            now=c.clock(),
        )
    with c.uow() as u:
        subscriptions.subscribe(
            u,
            actor=c.admin,
            plan="Licence",
            member_id=c.bruno.member.id,
            status="producer",
            starts_on=date(2026, 1, 31),
            now=c.clock(),
        )
    with c.uow() as u:
        subscriptions.subscribe(
            u,
            actor=c.admin,
            plan="Licence",
            member_id=c.chloe.member.id,
            status="distributor",
            starts_on=date(2026, 3, 15),
            now=c.clock(),
        )


def _balance(c: Community, account: str) -> int:
    with c.uow(readonly=True) as u:
        return ledger.balance_of(u, actor=c.admin, account=account).minor


def test_periods_due_are_charged_once_from_the_member_to_operations(community: Community) -> None:
    c = community  # the clock reads 2 March 2026
    _licence(c)
    with c.uow() as u:
        report = subscriptions.charge_due(u, actor=c.admin, now=c.clock())
    # Bruno from 31 January: periods of 31 January and 28 February; Chloé starts on 15 March.
    assert [(ch.member_id, ch.period_start, ch.amount.minor) for ch in report.charges] == [
        (c.bruno.member.id, date(2026, 1, 31), 3000),
        (c.bruno.member.id, date(2026, 2, 28), 3000),
    ]
    with c.uow() as u:
        assert subscriptions.charge_due(u, actor=c.admin, now=c.clock()).charges == []
    assert _balance(c, f"member:{c.bruno.member.id}") == -6000  # Bruno owes 60 €
    assert _balance(c, "fund:operations") == 6000
    c.clock.advance(days=30)  # 1 April
    with c.uow() as u:
        report = subscriptions.charge_due(u, actor=c.admin, now=c.clock())
    assert [(ch.member_id, ch.period_start) for ch in report.charges] == [
        (c.bruno.member.id, date(2026, 3, 31)),
        (c.chloe.member.id, date(2026, 3, 15)),
    ]
    assert _balance(c, "fund:operations") == 6000 + 3000 + 5000
    with c.uow(readonly=True) as u:
        assert ledger.check(u, actor=c.admin).ok
        views = subscriptions.subscriptions(u, actor=c.admin)
    assert [(v.member_name, v.charged, v.next_due) for v in views] == [
        ("Bruno", 3, date(2026, 4, 30)),
        ("Chloé", 1, date(2026, 4, 15)),
    ]


def test_an_ended_subscription_is_charged_no_further(community: Community) -> None:
    c = community
    _licence(c)
    with c.uow() as u:
        subscriptions.charge_due(u, actor=c.admin, now=c.clock())
    with c.uow() as u:
        view = subscriptions.end_subscription(
            u,
            actor=c.admin,
            plan="Licence",
            member_id=c.bruno.member.id,
            last_day=date(2026, 3, 30),
            now=c.clock(),
        )
    assert view.next_due is None
    c.clock.advance(days=90)
    with c.uow() as u:
        charges = subscriptions.charge_due(u, actor=c.admin, now=c.clock()).charges
    assert {ch.member_id for ch in charges} == {c.chloe.member.id}
    with c.uow() as u, pytest.raises(InvalidInput) as caught:
        subscriptions.end_subscription(
            u,
            actor=c.admin,
            plan="Licence",
            member_id=c.chloe.member.id,
            last_day=date(2026, 4, 1),
            now=c.clock(),
        )
    assert caught.value.code == "subscription.already_charged"


def _entries(c: Community) -> int:
    with c.uow(readonly=True) as u:
        return len(ledger.journal(u, actor=c.admin))


@pytest.mark.parametrize(
    ("call", "error", "code"),
    [
        (
            lambda c, u: subscriptions.define_plan(
                u, actor=c.admin, name="X", period="weekly", fees={"a": "1"}, now=c.clock()
            ),
            InvalidInput,
            "subscription.bad_period",
        ),
        (
            lambda c, u: subscriptions.define_plan(
                u, actor=c.admin, name="X", period="monthly", fees={"a": "-1"}, now=c.clock()
            ),
            InvalidInput,
            "amount.negative",
        ),
        (
            lambda c, u: subscriptions.define_plan(
                u, actor=c.admin, name="Licence", period="yearly", fees={"a": "1"}, now=c.clock()
            ),
            Conflict,
            "subscription.duplicate_plan",
        ),
        (
            lambda c, u: subscriptions.define_plan(
                u, actor=c.bruno, name="Y", period="yearly", fees={"a": "1"}, now=c.clock()
            ),
            Forbidden,
            "role.not_admin",
        ),
        (
            lambda c, u: subscriptions.subscribe(
                u,
                actor=c.admin,
                plan="Licence",
                member_id=c.dario.member.id,
                status="courier",
                starts_on=date(2026, 1, 1),
                now=c.clock(),
            ),
            InvalidInput,
            "subscription.unknown_status",
        ),
        (
            lambda c, u: subscriptions.subscribe(
                u,
                actor=c.admin,
                plan="Licence",
                member_id=c.bruno.member.id,
                status="producer",
                starts_on=date(2026, 1, 1),
                now=c.clock(),
            ),
            Conflict,
            "subscription.duplicate",
        ),
        (
            lambda c, u: subscriptions.subscribe(
                u,
                actor=c.admin,
                plan="Nope",
                member_id=c.bruno.member.id,
                status="producer",
                starts_on=date(2026, 1, 1),
                now=c.clock(),
            ),
            NotFound,
            "subscription.unknown_plan",
        ),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    community: Community, call: object, error: type[DomainError], code: str
) -> None:
    c = community
    _licence(c)
    with c.uow(readonly=True) as u:
        before = (
            len(subscriptions.plans(u, actor=c.admin)),
            len(subscriptions.subscriptions(u, actor=c.admin)),
        )
    with c.uow() as u, pytest.raises(error) as caught:
        call(c, u)  # type: ignore[operator]
    assert caught.value.code == code
    with c.uow(readonly=True) as u:
        after = (
            len(subscriptions.plans(u, actor=c.admin)),
            len(subscriptions.subscriptions(u, actor=c.admin)),
        )
    assert after == before


def test_the_scheduler_charges_what_is_due_in_every_organization(community: Community) -> None:
    c = community
    _licence(c)
    report = scheduler.run_due(c.uow, now=c.clock())
    assert [(o.organization, o.counts) for o in report.organizations] == [
        ("tiers-lieux", {"subscriptions_charged": 2})
    ]
    assert scheduler.run_due(c.uow, now=c.clock()).organizations == ()
    c.clock.advance(days=30)
    assert scheduler.run_due(c.uow, now=c.clock()).total("subscriptions_charged") == 2
    assert _balance(c, "fund:operations") == 3 * 3000 + 5000


def test_a_member_removed_by_a_decision_is_charged_no_further(community: Community) -> None:
    c = community
    _licence(c)  # Bruno's periods from 31 January are due; Chloé's start on 15 March
    done = passed(c, {"kind": "remove_member", "member_id": c.bruno.member.id})
    assert done.outcome is not None and done.outcome.action_status == "applied"
    assert scheduler.run_due(c.uow, now=c.clock()).organizations == ()
    with c.uow() as u:
        assert subscriptions.charge_due(u, actor=c.admin, now=c.clock()).charges == []
    c.clock.advance(days=15)
    with c.uow() as u:
        charges = subscriptions.charge_due(u, actor=c.admin, now=c.clock()).charges
    assert [ch.member_id for ch in charges] == [c.chloe.member.id]
    assert _balance(c, f"member:{c.bruno.member.id}") == 0
