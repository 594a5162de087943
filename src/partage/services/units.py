"""An organization's own units: define them, buy, earn, grant, spend, exchange, read.

Admins define units and what activities earn, record purchases (they state the money came
in), validate a contribution for the units it earns, and grant units with a reason. A member
spends their own units (to the platform, or to pay another member) and records the time-bank
exchanges in which they received a service, paying its giver hour for hour; an admin may do
either on a member's behalf. Admins correct a mistaken operation by reversing it: a new entry
posts its exact opposite and a new row of kind ``reversal`` names it. Every operation is one
ledger entry plus one row of ``unit_operations``, written in one unit of work after the
organization's lock is taken, so that two payments (or a payment and a reversal) cannot both
pass the same balance check. Refusals write nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from partage.core import chart
from partage.core.claims import clean_text
from partage.core.community import Contribution, Member
from partage.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from partage.core.ledger import Entry, shown_balance
from partage.core.money import format_minor
from partage.core.roles import Role, require_admin, require_participant
from partage.core.units import (
    EarningRule,
    Operation,
    OperationKind,
    Unit,
    UnitKind,
    buy_entry,
    check_balance_after,
    check_quantity,
    check_reversal_balance,
    check_reversible,
    define,
    earned,
    earning_cause,
    issue_entry,
    operation_cause,
    parse_per,
    payment_entry,
    purchase_cost,
    reversal_entry,
    reversal_payers,
)
from partage.services.context import Actor, UnitOfWork


@dataclass(frozen=True, slots=True)
class UnitSummary:
    """A unit with what activities earn in it and how much of it circulates."""

    unit: Unit
    rules: tuple[EarningRule, ...]
    circulation: int  # issued − retired: the sum of every member's balance
    balances: Mapping[int, int]  # member id → balance, members who ever held it


@dataclass(frozen=True, slots=True)
class MemberBalance:
    unit: Unit
    balance: int

    @property
    def available(self) -> int:
        """What the member may still pay: down to the unit's negative limit."""
        return self.balance + self.unit.negative_limit


# -- definitions ----------------------------------------------------------------------------


def define_unit(
    uow: UnitOfWork,
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str | None = None,
    decimals: int | None = None,
    negative_limit: str | None = None,
    price: str | None = None,
    purchase_account: str | None = None,
    now: datetime,
) -> Unit:
    """Define a unit, or change an existing one's name, limit, price or purchase account.

    What is not given (None) keeps its value, or takes the kind's default for a new unit;
    ``price="none"`` takes a unit off sale. Its kind and decimals are fixed once defined:
    past amounts are counted in them. A new price applies to later purchases only; each
    purchase keeps the price it used.
    """
    require_admin(actor.role)
    money = actor.organization.currency
    existing = uow.units.unit(actor.org_id, code.strip().upper()[:12])
    if existing is not None:
        kind = existing.kind.value if kind is None else kind
        decimals = existing.decimals if decimals is None else decimals
        if negative_limit is None:
            negative_limit = format_minor(existing.negative_limit, existing.decimals)
        if price is None and existing.price is not None:
            price = str(existing.price)
        purchase_account = purchase_account or existing.purchase_account
    if price is not None and price.strip().lower() == "none":
        price = None
    unit = define(
        code=code,
        name=name,
        kind=kind or "credit",
        money=money,
        decimals=decimals,
        negative_limit=negative_limit,
        price=price,
        destination=purchase_account or "operations",
    )
    if unit.code == money.code:
        raise InvalidInput(
            "units.shadows_currency", f"{unit.code} is the organization's currency", "code"
        )
    if existing is not None and (existing.kind, existing.decimals) != (unit.kind, unit.decimals):
        raise InvalidInput(
            "units.fixed_kind",
            f"{unit.code} is a {existing.kind} unit with {existing.decimals} decimals; "
            "its kind and decimals cannot change",
            "kind" if existing.kind != unit.kind else "decimals",
        )
    uow.units.save(actor.org_id, unit, by=actor.member.id, now=now)
    uow.commit()
    return unit


def set_earning(
    uow: UnitOfWork,
    *,
    actor: Actor,
    code: str,
    activity: str,
    amount: str,
    per: str = "contribution",
) -> EarningRule:
    """A validated contribution of ``activity`` earns ``amount`` units, per contribution or hour."""
    require_admin(actor.role)
    unit = _unit(uow, actor, code)
    rule = EarningRule(
        unit_code=unit.code,
        activity=clean_text(activity, field="activity", limit=100),
        per=parse_per(per),
        amount=check_quantity(unit, amount, field="amount"),
    )
    uow.units.set_rule(actor.org_id, rule)
    uow.commit()
    return rule


def remove_earning(uow: UnitOfWork, *, actor: Actor, code: str, activity: str) -> None:
    require_admin(actor.role)
    unit = _unit(uow, actor, code)
    if not uow.units.remove_rule(actor.org_id, unit.code, activity.strip()):
        raise NotFound(
            "units.no_earning_rule", f"{activity[:100]} earns no {unit.code}", "activity"
        )
    uow.commit()


# -- operations -----------------------------------------------------------------------------


def buy(
    uow: UnitOfWork, *, actor: Actor, code: str, member_id: int, quantity: str, now: datetime
) -> Operation:
    """Record that a member paid for ``quantity`` units at the unit's price (admins)."""
    require_admin(actor.role)
    unit = _unit(uow, actor, code)
    if unit.price is None:
        raise InvalidInput("units.not_for_sale", f"{unit.code} has no price", "unit")
    _party(uow, actor, member_id, field="member")
    amount = check_quantity(unit, quantity)
    money = actor.organization.currency
    cost = purchase_cost(unit, amount, money)
    op_id = uow.units.next_operation_id(actor.org_id)
    item = buy_entry(
        unit,
        member_id=member_id,
        quantity=amount,
        cost=cost,
        money=money,
        cause=operation_cause(op_id),
        occurred_at=now,
    )
    return _record(
        uow,
        actor,
        unit,
        item,
        op_id=op_id,
        kind=OperationKind.BUY,
        member_id=member_id,
        quantity=amount,
        money_amount=cost,
        money_currency=money.code,
        rate=str(unit.price),
        purpose=item.memo,
        now=now,
    )


def earn(
    uow: UnitOfWork, *, actor: Actor, code: str, contribution_id: int, now: datetime
) -> Operation:
    """Validate a contribution: its member earns what its activity is worth, once (admins)."""
    require_admin(actor.role)
    unit = _unit(uow, actor, code)
    found = uow.contributions.get(actor.org_id, contribution_id)
    if found is None:
        raise NotFound(
            "contribution.not_found", f"no contribution #{contribution_id}", "contribution"
        )
    rule = _rule_for(uow, actor, unit, found)
    uow.units.lock_organization(actor.org_id)
    if uow.units.earning_of(actor.org_id, found.id, unit.code) is not None:
        raise Conflict(
            "units.already_earned",
            f"contribution #{found.id} has already earned its {unit.code}",
            "contribution",
        )
    _party(uow, actor, found.member_id, field="contribution")
    amount = earned(rule, found.hours)
    if amount <= 0:
        raise InvalidInput(
            "units.nothing_earned", f"contribution #{found.id} earns no {unit.code}", "contribution"
        )
    op_id = uow.units.next_operation_id(actor.org_id)
    memo = (
        f"earn {format_minor(amount, unit.decimals)} {unit.code} "
        f"for contribution #{found.id} ({found.activity})"
    )
    item = issue_entry(
        unit,
        member_id=found.member_id,
        quantity=amount,
        cause=earning_cause(found.id, unit.code),
        memo=memo,
        occurred_at=now,
    )
    return _record(
        uow,
        actor,
        unit,
        item,
        op_id=op_id,
        kind=OperationKind.EARN,
        member_id=found.member_id,
        quantity=amount,
        contribution_id=found.id,
        purpose=found.activity,
        now=now,
    )


def grant(
    uow: UnitOfWork,
    *,
    actor: Actor,
    code: str,
    member_id: int,
    quantity: str,
    reason: str,
    now: datetime,
) -> Operation:
    """Issue units to a member with a reason (welcome credits…) (admins)."""
    require_admin(actor.role)
    unit = _unit(uow, actor, code)
    _party(uow, actor, member_id, field="member")
    amount = check_quantity(unit, quantity)
    why = clean_text(reason, field="reason", limit=500)
    op_id = uow.units.next_operation_id(actor.org_id)
    item = issue_entry(
        unit,
        member_id=member_id,
        quantity=amount,
        cause=operation_cause(op_id),
        memo=f"grant {format_minor(amount, unit.decimals)} {unit.code}: {why}",
        occurred_at=now,
    )
    return _record(
        uow,
        actor,
        unit,
        item,
        op_id=op_id,
        kind=OperationKind.GRANT,
        member_id=member_id,
        quantity=amount,
        purpose=why,
        now=now,
    )


def spend(
    uow: UnitOfWork,
    *,
    actor: Actor,
    code: str,
    quantity: str,
    purpose: str,
    to_member: int | None = None,
    member_id: int | None = None,
    now: datetime,
) -> Operation:
    """Spend units: to the platform (they are retired), or to pay ``to_member``.

    The payer is the actor, or ``member_id`` when an admin spends on a member's behalf.
    """
    require_participant(actor.role)
    unit = _unit(uow, actor, code)
    payer = _payer(uow, actor, member_id)
    amount = check_quantity(unit, quantity)
    what = clean_text(purpose, field="purpose", limit=500)
    if to_member is not None:
        _party(uow, actor, to_member, field="to_member")
        if to_member == payer:
            raise InvalidInput("units.same_member", "a member cannot pay themselves", "to_member")
    op_id = uow.units.next_operation_id(actor.org_id)
    item = payment_entry(
        unit,
        payer_id=payer,
        payee_id=to_member,
        quantity=amount,
        cause=operation_cause(op_id),
        memo=f"spend {format_minor(amount, unit.decimals)} {unit.code}: {what}",
        occurred_at=now,
    )
    _check_payer(uow, actor, unit, payer, amount)
    return _record(
        uow,
        actor,
        unit,
        item,
        op_id=op_id,
        kind=OperationKind.SPEND,
        member_id=payer,
        counterpart_id=to_member,
        quantity=amount,
        purpose=what,
        now=now,
    )


def exchange(
    uow: UnitOfWork,
    *,
    actor: Actor,
    code: str,
    giver_id: int,
    quantity: str,
    service: str,
    receiver_id: int | None = None,
    now: datetime,
) -> Operation:
    """Time bank: ``giver`` gave ``quantity`` hours of service to the receiver, who pays them.

    The receiver is the actor (who confirms the service they received), or ``receiver_id``
    when an admin records the exchange. One hour is one hour whatever the service.
    """
    require_participant(actor.role)
    unit = _unit(uow, actor, code)
    if unit.kind is not UnitKind.TIME:
        raise InvalidInput(
            "units.not_time",
            f"{unit.code} is a credit unit; exchanges are for time units (spend pays a member)",
            "unit",
        )
    receiver = _payer(uow, actor, receiver_id, field="receiver")
    _party(uow, actor, giver_id, field="giver")
    if giver_id == receiver:
        raise InvalidInput(
            "units.same_member", "a member cannot exchange time with themselves", "giver"
        )
    amount = check_quantity(unit, quantity)
    what = clean_text(service, field="service", limit=500)
    op_id = uow.units.next_operation_id(actor.org_id)
    item = payment_entry(
        unit,
        payer_id=receiver,
        payee_id=giver_id,
        quantity=amount,
        cause=operation_cause(op_id),
        memo=(
            f"exchange {format_minor(amount, unit.decimals)} {unit.code}: "
            f"member #{giver_id} gave member #{receiver} {what}"
        ),
        occurred_at=now,
    )
    _check_payer(uow, actor, unit, receiver, amount, field="quantity")
    return _record(
        uow,
        actor,
        unit,
        item,
        op_id=op_id,
        kind=OperationKind.EXCHANGE,
        member_id=receiver,
        counterpart_id=giver_id,
        quantity=amount,
        purpose=what,
        now=now,
    )


def reverse(
    uow: UnitOfWork, *, actor: Actor, operation_id: int, reason: str, now: datetime
) -> Operation:
    """Cancel a mistaken operation: its exact opposite entry and a ``reversal`` row (admins).

    Every posting of the operation's entry is negated, in every currency it touched (a
    purchase's money goes back out of the fund it was paid into). Refused: an unknown
    operation (not found), one already reversed — here or in the books (conflict), a
    reversal (invalid), and a reversal that would take a member below the unit's limit
    (invalid: units granted and already spent cannot be taken back). A reversed earning
    frees its contribution: it may be validated again.
    """
    require_admin(actor.role)
    why = clean_text(reason, field="reason", limit=500)
    uow.units.lock_organization(actor.org_id)
    original = operation(uow, actor=actor, operation_id=operation_id)
    check_reversible(original)
    unit = _unit(uow, actor, original.unit_code)
    cause = (
        earning_cause(original.contribution_id, unit.code)
        if original.kind is OperationKind.EARN and original.contribution_id is not None
        else operation_cause(original.id)
    )
    entries = uow.ledger.entries_for_cause(actor.org_id, cause)
    recorded = next((e for e in entries if e.seq == original.entry_seq), None)
    if recorded is None:  # the row and its entry are written together: a broken book
        raise NotFound("ledger.entry_not_found", f"no entry #{original.entry_seq}", "operation")
    if any(e.entry.reverses == recorded.seq for e in entries):
        raise Conflict(
            "units.already_reversed",
            f"entry #{recorded.seq} of operation #{original.id} is already reversed in the books",
            "operation",
            params={"operation": original.id},
        )
    item = reversal_entry(recorded, operation_id=original.id, reason=why, occurred_at=now)
    for member_id, paying in reversal_payers(unit, item):
        account = chart.member_account(member_id)
        found = uow.community.member(actor.org_id, member_id)
        check_reversal_balance(
            unit,
            operation_id=original.id,
            member_id=member_id,
            name=found.name if found is not None else f"#{member_id}",
            balance=-uow.units.debit_sum(actor.org_id, unit.code, account),
            paying=paying,
        )
    op_id = uow.units.next_operation_id(actor.org_id)
    posted = uow.ledger.append(actor.org_id, item, now=now)
    done = Operation(
        id=op_id,
        unit_code=unit.code,
        kind=OperationKind.REVERSAL,
        member_id=original.member_id,
        counterpart_id=original.counterpart_id,
        quantity=original.quantity,
        money_amount=original.money_amount,
        money_currency=original.money_currency,
        rate=None,
        # Not the contribution's: the reversal row must not count as its earning.
        contribution_id=None,
        purpose=why,
        entry_seq=posted.seq,
        occurred_at=now,
        recorded_by=actor.member.id,
        reverses=original.id,
    )
    uow.units.add_operation(actor.org_id, done)
    if not uow.units.mark_reversed(actor.org_id, original.id, by=op_id):
        raise Conflict(  # only reachable without the lock above; the rollback undoes all
            "units.already_reversed", f"operation #{original.id} is already reversed", "operation"
        )
    uow.commit()
    return done


def operation(uow: UnitOfWork, *, actor: Actor, operation_id: int) -> Operation:
    """One operation, with the reversal that cancelled it, if any."""
    found = uow.units.operation(actor.org_id, operation_id)
    if found is None:
        raise NotFound(
            "units.operation_not_found", f"no unit operation #{operation_id}", "operation"
        )
    return found


# -- reads ----------------------------------------------------------------------------------


def units(uow: UnitOfWork, *, actor: Actor) -> list[Unit]:
    return uow.units.units(actor.org_id)


def summary(uow: UnitOfWork, *, actor: Actor, code: str) -> UnitSummary:
    unit = _unit(uow, actor, code)
    sums = uow.units.debit_sums(actor.org_id, unit.code)
    holders = {
        member: shown_balance(account, debit)
        for account, debit in sums.items()
        if account.startswith("member:")
        and (member := chart.member_of_account(account)) is not None
    }
    return UnitSummary(
        unit=unit,
        rules=tuple(uow.units.earning_rules(actor.org_id, unit.code)),
        circulation=sums.get(unit.issuer, 0),
        balances=dict(sorted(holders.items())),
    )


def balances(uow: UnitOfWork, *, actor: Actor, member_id: int | None = None) -> list[MemberBalance]:
    """A member's balance in every unit (the actor's own by default)."""
    who = actor.member.id if member_id is None else member_id
    if member_id is not None and uow.community.member(actor.org_id, who) is None:
        raise NotFound("member.not_found", f"no member #{who}", "member")
    account = chart.member_account(who)
    return [
        MemberBalance(unit, -uow.units.debit_sum(actor.org_id, unit.code, account))
        for unit in uow.units.units(actor.org_id)
    ]


def movements(
    uow: UnitOfWork,
    *,
    actor: Actor,
    code: str | None = None,
    member_id: int | None = None,
    limit: int = 200,
) -> list[Operation]:
    """The latest operations first: of one unit, of one member (either side), or all."""
    unit_code = _unit(uow, actor, code).code if code else None
    return uow.units.operations(
        actor.org_id, code=unit_code, member_id=member_id, limit=max(1, min(limit, 1000))
    )


def to_validate(
    uow: UnitOfWork, *, actor: Actor, limit: int = 50
) -> list[tuple[Contribution, EarningRule]]:
    """Recent contributions of an activity that earns units and have not earned them yet."""
    rules: dict[str, list[EarningRule]] = {}
    for rule in uow.units.earning_rules(actor.org_id):
        rules.setdefault(rule.activity.lower(), []).append(rule)
    if not rules:
        return []
    found: list[tuple[Contribution, EarningRule]] = []
    for contribution in uow.contributions.find(actor.org_id, limit=500):
        for rule in rules.get(contribution.activity.lower(), []):
            if uow.units.earning_of(actor.org_id, contribution.id, rule.unit_code) is None:
                found.append((contribution, rule))
        if len(found) >= limit:
            break
    return found[:limit]


def member_names(uow: UnitOfWork, *, actor: Actor) -> dict[int, str]:
    return {m.id: m.name for m in uow.community.members(actor.org_id)}


# -- the rules shared by the operations ------------------------------------------------------


def _unit(uow: UnitOfWork, actor: Actor, code: str) -> Unit:
    found = uow.units.unit(actor.org_id, code.strip().upper()[:12])
    if found is None:
        raise NotFound("units.not_found", f"no unit '{code[:12]}' in this organization", "unit")
    return found


def _party(uow: UnitOfWork, actor: Actor, member_id: int, *, field: str) -> Member:
    """A member who may hold units: known, not removed, not an observer."""
    found = uow.community.member(actor.org_id, member_id)
    if found is None or member_id in uow.governance.removed_members(actor.org_id):
        raise NotFound("member.not_found", f"no member #{member_id}", field)
    if found.role is Role.OBSERVER:
        raise InvalidInput(
            "units.observer", f"member #{member_id} is an observer and holds no units", field
        )
    return found


def _payer(uow: UnitOfWork, actor: Actor, member_id: int | None, *, field: str = "member") -> int:
    """The actor, or the member an admin acts for."""
    if member_id is None or member_id == actor.member.id:
        return actor.member.id
    if actor.role is not Role.ADMIN:
        raise Forbidden("role.not_admin", "only an admin can act for another member", field)
    _party(uow, actor, member_id, field=field)
    return member_id


def _check_payer(
    uow: UnitOfWork, actor: Actor, unit: Unit, payer: int, amount: int, *, field: str = "quantity"
) -> None:
    uow.units.lock_organization(actor.org_id)
    balance = -uow.units.debit_sum(actor.org_id, unit.code, chart.member_account(payer))
    check_balance_after(unit, balance=balance, paying=amount, field=field)


def _rule_for(uow: UnitOfWork, actor: Actor, unit: Unit, found: Contribution) -> EarningRule:
    for rule in uow.units.earning_rules(actor.org_id, unit.code):
        if rule.activity.lower() == found.activity.lower():
            return rule
    raise InvalidInput(
        "units.no_earning_rule",
        f"a contribution of '{found.activity}' earns no {unit.code}",
        "contribution",
    )


def _record(
    uow: UnitOfWork,
    actor: Actor,
    unit: Unit,
    item: Entry,
    *,
    op_id: int,
    kind: OperationKind,
    member_id: int,
    quantity: int,
    purpose: str,
    now: datetime,
    counterpart_id: int | None = None,
    money_amount: int | None = None,
    money_currency: str | None = None,
    rate: str | None = None,
    contribution_id: int | None = None,
) -> Operation:
    recorded = uow.ledger.append(actor.org_id, item, now=now)
    operation = Operation(
        id=op_id,
        unit_code=unit.code,
        kind=kind,
        member_id=member_id,
        counterpart_id=counterpart_id,
        quantity=quantity,
        money_amount=money_amount,
        money_currency=money_currency,
        rate=rate,
        contribution_id=contribution_id,
        purpose=purpose,
        entry_seq=recorded.seq,
        occurred_at=now,
        recorded_by=actor.member.id,
    )
    uow.units.add_operation(actor.org_id, operation)
    uow.commit()
    return operation
