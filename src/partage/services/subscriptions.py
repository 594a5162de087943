"""Subscriptions and licences: plans, who subscribes, and charging the periods that are due.

A fee is charged to the member's account (``member:<id>``): it is taken from what the
collective owes them, or owed by them when it owes them nothing — so a producer's licence
comes out of their sales, as CoopCycle's cooperatives pay theirs. It credits the plan's
destination (operations by default). Each period is charged once, by one entry whose cause
names the subscription and the period, under the organization's lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from partage.core.claims import clean_text
from partage.core.errors import Conflict, InvalidInput, NotFound
from partage.core.ledger import entry
from partage.core.money import Money, parse_minor
from partage.core.roles import require_admin
from partage.core.splits.engine import destination_account
from partage.core.splits.rules import parse_destination
from partage.core.subscriptions import (
    Plan,
    check_fees,
    due_periods,
    parse_period,
    period_start,
)
from partage.services.context import Actor, UnitOfWork
from partage.storage.subscriptions_repo import SubscriptionRow

__all__ = [
    "Charge",
    "ChargeReport",
    "SubscriptionView",
    "charge_due",
    "charge_due_in",
    "define_plan",
    "end_subscription",
    "organizations_with_due",
    "plans",
    "subscribe",
    "subscriptions",
]


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    id: int
    plan: str
    member_id: int
    member_name: str
    status: str
    fee: Money
    starts_on: date
    ends_on: date | None
    charged: int
    next_due: date | None


@dataclass(frozen=True, slots=True)
class Charge:
    subscription_id: int
    member_id: int
    plan: str
    period_start: date
    amount: Money
    entry_seq: int


@dataclass(frozen=True, slots=True)
class ChargeReport:
    organization: str
    charges: list[Charge]

    @property
    def total(self) -> int:
        return sum(c.amount.minor for c in self.charges)


def _plan_named(uow: UnitOfWork, actor: Actor, plan: str) -> Plan:
    found = uow.subscriptions.plan_by_name(actor.org_id, plan.strip())
    if found is None and plan.strip().isdigit():
        found = uow.subscriptions.plan(actor.org_id, int(plan.strip()))
    if found is None:
        raise NotFound("subscription.unknown_plan", f"no plan '{plan[:80]}'", field="plan")
    return found


def define_plan(
    uow: UnitOfWork,
    *,
    actor: Actor,
    name: str,
    period: str,
    fees: Mapping[str, str | int],
    destination: str = "operations",
    now: datetime,
) -> Plan:
    """A plan charging each subscribed member the fee of their status, every period."""
    require_admin(actor.role)
    title = clean_text(name, field="name", limit=200)
    decimals = actor.organization.currency.decimals
    minor = {
        status: parse_minor(fee, decimals, field=f"fees.{status}") for status, fee in fees.items()
    }
    clean_fees = check_fees(minor)
    to = parse_destination(destination, "destination")
    if to.kind == "party":
        raise InvalidInput(
            "subscription.bad_destination",
            "a plan's fees go to operations, reserve, commons, a project, a pool or a member",
            field="destination",
        )
    if uow.subscriptions.plan_by_name(actor.org_id, title) is not None:
        raise Conflict("subscription.duplicate_plan", f"a plan '{title}' exists", field="name")
    plan = uow.subscriptions.add_plan(
        actor.org_id,
        plan_id=uow.community.next_id(actor.org_id, "subscription_plan"),
        name=title,
        period=parse_period(period),
        fees=clean_fees,
        destination=destination_account(to, {}),
        by=actor.member.id,
        now=now,
    )
    uow.commit()
    return plan


def subscribe(
    uow: UnitOfWork,
    *,
    actor: Actor,
    plan: str,
    member_id: int,
    status: str,
    starts_on: date,
    now: datetime,
) -> SubscriptionView:
    require_admin(actor.role)
    found = _plan_named(uow, actor, plan)
    member = uow.community.member(actor.org_id, member_id)
    if member is None:
        raise NotFound("member.not_found", f"no member #{member_id}", field="member")
    found.fee_for(status.strip().lower())
    if uow.subscriptions.subscription_of(actor.org_id, found.id, member_id) is not None:
        raise Conflict(
            "subscription.duplicate",
            f"{member.name} is already subscribed to '{found.name}'",
            field="member",
        )
    row = uow.subscriptions.add_subscription(
        actor.org_id,
        subscription_id=uow.community.next_id(actor.org_id, "subscription"),
        plan_id=found.id,
        member_id=member_id,
        status=status.strip().lower(),
        starts_on=starts_on,
        by=actor.member.id,
        now=now,
    )
    uow.commit()
    return _view(uow, actor, found, row)


def end_subscription(
    uow: UnitOfWork, *, actor: Actor, plan: str, member_id: int, last_day: date, now: datetime
) -> SubscriptionView:
    """Stop a subscription: no period starting after ``last_day`` is charged."""
    require_admin(actor.role)
    found = _plan_named(uow, actor, plan)
    row = uow.subscriptions.subscription_of(actor.org_id, found.id, member_id)
    if row is None:
        raise NotFound(
            "subscription.not_found", f"member #{member_id} is not subscribed", field="member"
        )
    if last_day < row.starts_on:
        raise InvalidInput(
            "subscription.ends_before_start",
            f"the last day is before the first ({row.starts_on.isoformat()})",
            field="last_day",
        )
    charged_until = (
        due_periods(row.starts_on, found.period, charged=0, today=last_day, last_day=last_day)
        if row.charged
        else []
    )
    if len(charged_until) < row.charged:
        raise InvalidInput(
            "subscription.already_charged",
            f"{row.charged} period(s) are already charged; the last day cannot come before "
            "the start of the last one charged",
            field="last_day",
        )
    uow.subscriptions.end(actor.org_id, row.id, last_day)
    uow.commit()
    ended = uow.subscriptions.subscription_of(actor.org_id, found.id, member_id)
    return _view(uow, actor, found, ended or row)


def _view(uow: UnitOfWork, actor: Actor, plan: Plan, row: SubscriptionRow) -> SubscriptionView:
    member = uow.community.member(actor.org_id, row.member_id)
    next_start: date | None = period_start(row.starts_on, plan.period, row.charged)
    if row.ends_on is not None and next_start is not None and next_start > row.ends_on:
        next_start = None
    return SubscriptionView(
        id=row.id,
        plan=plan.name,
        member_id=row.member_id,
        member_name=member.name if member else f"#{row.member_id}",
        status=row.status,
        fee=Money(plan.fee_for(row.status), actor.organization.currency),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        charged=row.charged,
        next_due=next_start,
    )


def plans(uow: UnitOfWork, *, actor: Actor) -> list[Plan]:
    return uow.subscriptions.plans(actor.org_id)


def subscriptions(
    uow: UnitOfWork, *, actor: Actor, plan: str | None = None, member_id: int | None = None
) -> list[SubscriptionView]:
    by_id = {p.id: p for p in uow.subscriptions.plans(actor.org_id)}
    plan_id = _plan_named(uow, actor, plan).id if plan else None
    rows = uow.subscriptions.subscriptions(actor.org_id, plan_id=plan_id, member_id=member_id)
    return [_view(uow, actor, by_id[row.plan_id], row) for row in rows]


def _charge_org(uow: UnitOfWork, *, org_id: int, now: datetime) -> list[Charge]:
    org = uow.community.organization(org_id)
    if org is None:
        raise NotFound("organization.not_found", "no such organization", field="organization")
    uow.subscriptions.lock(org_id)
    today = now.date()
    by_id = {p.id: p for p in uow.subscriptions.plans(org_id)}
    # A member removed by a decision pays nothing from then on; their record stays.
    removed = uow.governance.removed_members(org_id)
    charges = []
    for row in uow.subscriptions.subscriptions(org_id):
        if row.member_id in removed:
            continue
        plan = by_id[row.plan_id]
        due = due_periods(
            row.starts_on, plan.period, charged=row.charged, today=today, last_day=row.ends_on
        )
        fee = plan.fee_for(row.status)
        for k, start in due:
            recorded = uow.ledger.append(
                org_id,
                entry(
                    occurred_at=now,
                    cause=f"subscription:{row.id}:{k}",
                    memo=f"{plan.name}: period from {start.isoformat()}",
                    postings=[
                        (f"member:{row.member_id}", fee, org.currency.code),
                        (plan.destination, -fee, org.currency.code),
                    ],
                ),
                now=now,
            )
            charges.append(
                Charge(
                    row.id, row.member_id, plan.name, start, Money(fee, org.currency), recorded.seq
                )
            )
        if due:
            uow.subscriptions.mark_charged(
                org_id, row.id, before=row.charged, after=row.charged + len(due)
            )
    return charges


def charge_due(uow: UnitOfWork, *, actor: Actor, now: datetime) -> ChargeReport:
    """Charge every period due by today (UTC) and not charged yet, in one unit of work."""
    require_admin(actor.role)
    charges = _charge_org(uow, org_id=actor.org_id, now=now)
    uow.commit()
    return ChargeReport(actor.organization.slug, charges)


def organizations_with_due(uow: UnitOfWork, now: datetime) -> list[int]:
    """The organizations where a period is due at ``now`` and not charged yet (the
    scheduler's question; subscriptions are few, so they are read whole)."""
    due = set()
    for org_id in uow.subscriptions.organizations_with_subscriptions():
        by_id = {p.id: p for p in uow.subscriptions.plans(org_id)}
        removed = uow.governance.removed_members(org_id)
        for row in uow.subscriptions.subscriptions(org_id):
            if row.member_id not in removed and due_periods(
                row.starts_on,
                by_id[row.plan_id].period,
                charged=row.charged,
                today=now.date(),
                last_day=row.ends_on,
            ):
                due.add(org_id)
                break
    return sorted(due)


def charge_due_in(uow: UnitOfWork, *, org_id: int, now: datetime) -> list[int]:
    """The scheduler's step for one organization: charge what is due; the entries' numbers."""
    charges = _charge_org(uow, org_id=org_id, now=now)
    uow.commit()
    return [c.entry_seq for c in charges]
