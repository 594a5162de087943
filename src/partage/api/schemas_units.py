"""Bodies for an organization's own units: credits, a time bank, and reversals.

Quantities travel like amounts: a decimal string in the unit (``"1.5"`` hours) or a JSON
integer, never a float; in responses a :class:`~partage.api.schemas.MoneyOut` in the unit's
currency (``{"minor": 150, "value": "1.50", "currency": "HOUR"}``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from partage.api.schemas import Body, DecimalText, Id, MoneyOut, Text, money
from partage.core.currency import Currency
from partage.core.units import EarningRule, Operation, OperationKind, Unit, UnitKind
from partage.services.units import MemberBalance, UnitSummary

Code = Field(max_length=12, examples=["CREDIT"])


class UnitIn(Body):
    """A unit to define, or the new name, limit, price or purchase account of one: a field
    left out keeps its value (or the kind's default for a new unit)."""

    name: Text = Field(max_length=200, examples=["Crédits"])
    kind: Literal["credit", "time"] | None = Field(
        None, description="credit (a new unit's default) or time; fixed once set"
    )
    decimals: int | None = Field(
        None, ge=0, le=6, strict=True, description="credit 0, time 2 by default; fixed once set"
    )
    negative_limit: DecimalText | None = Field(
        None, description="how far below zero a balance may go (credit 0, time 10 by default)"
    )
    price: DecimalText | None = Field(
        None, description='money of the organization per unit, exact; "none": not for sale'
    )
    purchase_account: Text | None = Field(
        None,
        max_length=100,
        description="operations (a new unit's default), commons, reserve or project:NAME",
    )


class UnitOut(BaseModel):
    code: str
    name: str
    kind: UnitKind
    decimals: int
    negative_limit: MoneyOut
    price: str | None = Field(description="exact decimal text, e.g. 0.50")
    purchase_account: str

    @classmethod
    def of(cls, unit: Unit) -> UnitOut:
        return cls(
            code=unit.code,
            name=unit.name,
            kind=unit.kind,
            decimals=unit.decimals,
            negative_limit=money(unit.negative_limit, unit.currency),
            price=None if unit.price is None else str(unit.price),
            purchase_account=unit.purchase_account,
        )


class EarningIn(Body):
    activity: Text = Field(max_length=100, examples=["entraide"])
    amount: DecimalText = Field(description="units earned per contribution or per hour")
    per: Literal["contribution", "hour"] = "contribution"


class EarningOut(BaseModel):
    unit: str
    activity: str
    per: str
    amount: MoneyOut

    @classmethod
    def of(cls, rule: EarningRule, unit: Unit) -> EarningOut:
        return cls(
            unit=rule.unit_code,
            activity=rule.activity,
            per=rule.per.value,
            amount=money(rule.amount, unit.currency),
        )


class HolderOut(BaseModel):
    member: int
    name: str
    balance: MoneyOut


class UnitSummaryOut(BaseModel):
    unit: UnitOut
    earning: list[EarningOut]
    circulation: MoneyOut = Field(description="issued − retired: the sum of every balance")
    holders: list[HolderOut]

    @classmethod
    def of(cls, summary: UnitSummary, names: dict[int, str]) -> UnitSummaryOut:
        unit = summary.unit
        return cls(
            unit=UnitOut.of(unit),
            earning=[EarningOut.of(r, unit) for r in summary.rules],
            circulation=money(summary.circulation, unit.currency),
            holders=[
                HolderOut(member=m, name=names.get(m, ""), balance=money(b, unit.currency))
                for m, b in summary.balances.items()
            ],
        )


class BalanceOut(BaseModel):
    unit: str
    balance: MoneyOut
    available: MoneyOut = Field(description="what the member may still pay, down to the limit")

    @classmethod
    def of(cls, found: MemberBalance) -> BalanceOut:
        currency = found.unit.currency
        return cls(
            unit=found.unit.code,
            balance=money(found.balance, currency),
            available=money(found.available, currency),
        )


class PurchaseIn(Body):
    member: Id
    quantity: DecimalText


class EarnIn(Body):
    contribution: Id


class GrantIn(Body):
    member: Id
    quantity: DecimalText
    reason: Text = Field(max_length=500, examples=["welcome credits"])


class SpendIn(Body):
    quantity: DecimalText
    purpose: Text = Field(max_length=500, examples=["publish an offer"])
    to: Id | None = Field(None, description="pay this member; none: spent on the platform")
    member: Id | None = Field(None, description="spend for this member (admins only)")


class ExchangeIn(Body):
    giver: Id = Field(description="the member who gave the service and earns the hours")
    quantity: DecimalText
    service: Text = Field(max_length=500, examples=["gardening"])
    receiver: Id | None = Field(
        None, description="who received it and pays (admins only; the caller by default)"
    )


class ReversalIn(Body):
    reason: Text = Field(max_length=500, examples=["recorded twice"])


class OperationOut(BaseModel):
    id: int
    unit: str
    kind: OperationKind
    member: int
    counterpart: int | None
    quantity: MoneyOut
    paid: MoneyOut | None = Field(
        description="the money a purchase cost (on its reversal: the money it gave back)"
    )
    rate: str | None = Field(description="the price a purchase used, frozen")
    contribution: int | None
    purpose: str
    entry_seq: int
    occurred_at: datetime
    reverses: int | None = Field(description="on a reversal: the operation it reverses")
    reversed_by: int | None = Field(description="the reversal that cancelled this operation")

    @classmethod
    def of(cls, op: Operation, unit: Currency, home: Currency) -> OperationOut:
        return cls(
            id=op.id,
            unit=op.unit_code,
            kind=op.kind,
            member=op.member_id,
            counterpart=op.counterpart_id,
            quantity=money(op.quantity, unit),
            paid=None if op.money_amount is None else money(op.money_amount, home),
            rate=op.rate,
            contribution=op.contribution_id,
            purpose=op.purpose,
            entry_seq=op.entry_seq,
            occurred_at=op.occurred_at,
            reverses=op.reverses,
            reversed_by=op.reversed_by,
        )
