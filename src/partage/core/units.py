"""An organization's own units: credits bought, earned and spent, and a time bank.

A unit (``CREDIT``, ``HOUR``…) is its own currency in the organization's one ledger; its
amounts are integers of the unit's minor unit. Units are issued by the account
``units:<CODE>`` and held by members on ``member:<id>`` in that currency, so that

    Σ member balances + debit sum of units:<CODE> = 0        (per unit, by construction)

because every operation is one balanced entry. A member's balance reads as the units they
hold (``-Σ postings`` on ``member:<id>``, like money owed to them); the debit sum of the
issuing account is what is in circulation (issued − retired).

The operations and their postings (a positive amount is a debit):

* buy — money in: ``bank +p``, ``<purchase account> −p`` (organization's currency); units
  out: ``units:<CODE> +n``, ``member −n``. ``p = n × price`` exactly: a quantity whose price
  is not a whole number of the money's minor unit is refused, naming the nearest quantities
  that are (:func:`purchase_cost`). The price used is frozen on the entry's memo.
* earn / grant — ``units:<CODE> +n``, ``member −n``.
* spend — to the platform (units retired): ``member +n``, ``units:<CODE> −n``; or to
  another member: ``member +n``, ``other member −n``.
* exchange (time bank) — the receiver of a service pays the giver, hour for hour:
  ``member:<receiver> +h``, ``member:<giver> −h``.
* reversal — the exact opposite of the operation reversed, every posting negated in every
  currency it touched (a purchase's money too), ``reverses`` naming its entry
  (:func:`reversal_entry`). An operation is reversed at most once and a reversal is never
  reversed (:func:`check_reversible`).

Whoever pays may not go below ``−negative_limit`` (:func:`check_balance_after`); nor may a
member whom a reversal takes units back from (:func:`check_reversal_balance`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

from partage.core import chart
from partage.core.currency import Currency, own_unit
from partage.core.errors import Conflict, InvalidInput
from partage.core.ledger import Entry, RecordedEntry, entry, reversal
from partage.core.money import format_minor, parse_minor

ISSUER_PREFIX = "units"
PURCHASE_DESTINATIONS = ("operations", "commons", "reserve")
MAX_PRICE_PLACES = 6
DEFAULT_TIME_LIMIT_HOURS = 10


class UnitKind(StrEnum):
    CREDIT = "credit"
    TIME = "time"


class OperationKind(StrEnum):
    BUY = "buy"
    EARN = "earn"
    SPEND = "spend"
    EXCHANGE = "exchange"
    GRANT = "grant"
    REVERSAL = "reversal"


class EarnPer(StrEnum):
    CONTRIBUTION = "contribution"
    HOUR = "hour"


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit the organization runs. ``negative_limit`` and amounts are minor units."""

    code: str
    name: str
    kind: UnitKind
    decimals: int
    negative_limit: int
    price: Decimal | None  # money (major units) per unit (major unit); None: not for sale
    purchase_account: str

    @property
    def currency(self) -> Currency:
        return Currency(self.code, self.decimals)

    @property
    def issuer(self) -> str:
        return issuer_account(self.code)


@dataclass(frozen=True, slots=True)
class EarningRule:
    """A validated contribution of ``activity`` earns ``amount`` minor units ``per`` it."""

    unit_code: str
    activity: str
    per: EarnPer
    amount: int


@dataclass(frozen=True, slots=True)
class Operation:
    """One buy, earn, spend, exchange, grant or reversal, and the ledger entry that moved it.

    ``member_id`` is who bought, earned, was granted or paid (spent, or received a service in
    an exchange); ``counterpart_id`` the member paid (the giver of an exchange), if any. A
    reversal repeats the parties, quantity and money of the operation it ``reverses`` (what
    its entry moves back) and says why in ``purpose``; the operation reversed names it in
    ``reversed_by``.
    """

    id: int
    unit_code: str
    kind: OperationKind
    member_id: int
    counterpart_id: int | None
    quantity: int
    money_amount: int | None
    money_currency: str | None
    rate: str | None  # the price a purchase used, as typed when it was set
    contribution_id: int | None
    purpose: str
    entry_seq: int
    occurred_at: datetime
    recorded_by: int | None
    reverses: int | None = None
    reversed_by: int | None = None


def operation_cause(operation_id: int) -> str:
    return f"unit_operation:{operation_id}"


def earning_cause(contribution_id: int, code: str) -> str:
    return f"contribution:{contribution_id}:units:{code}"


def issuer_account(code: str) -> str:
    return f"{ISSUER_PREFIX}:{code}"


def parse_kind(value: str) -> UnitKind:
    try:
        return UnitKind(value.strip().lower())
    except ValueError:
        raise InvalidInput("units.bad_kind", "a unit's kind is credit or time", "kind") from None


def parse_per(value: str) -> EarnPer:
    try:
        return EarnPer(value.strip().lower())
    except ValueError:
        raise InvalidInput(
            "units.bad_per", "a unit is earned per contribution or per hour", "per"
        ) from None


def purchase_account(destination: str) -> str:
    """``operations``, ``commons``, ``reserve`` or ``project:<slug>`` → the fund account."""
    value = destination.strip().lower().removeprefix("fund:")
    if value in PURCHASE_DESTINATIONS:
        return f"fund:{value}"
    kind, _, rest = value.partition(":")
    if kind == "project" and rest:
        return chart.project_account(rest, field="purchase_account")
    raise InvalidInput(
        "units.bad_purchase_account",
        "purchases are paid into 'operations', 'commons', 'reserve' or 'project:<name>'",
        "purchase_account",
    )


def parse_price(text: str | None, money: Currency) -> Decimal | None:
    """An exact decimal price > 0 of ``money`` per unit (``"0.50"``), or None when blank."""
    if text is None or not str(text).strip():
        return None
    raw = str(text).strip().replace(",", ".")
    try:
        price = Decimal(raw)
    except InvalidOperation:
        price = Decimal("NaN")
    if not price.is_finite() or "e" in raw.lower() or price <= 0:
        raise InvalidInput(
            "units.bad_price",
            f"the price is a decimal amount of {money.code} greater than zero, such as 0.50",
            "price",
        )
    exponent = price.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_PRICE_PLACES:
        raise InvalidInput(
            "units.bad_price", f"the price has at most {MAX_PRICE_PLACES} decimals", "price"
        )
    if price > Decimal(10) ** 12:
        raise InvalidInput("units.bad_price", "the price is too large", "price")
    return price


def define(
    *,
    code: str,
    name: str,
    kind: str,
    money: Currency,
    decimals: int | None = None,
    negative_limit: str | None = None,
    price: str | None = None,
    destination: str = "operations",
) -> Unit:
    """A unit from what an admin typed; defaults depend on the kind (see docs/units.md).

    Credits: 0 decimals, no negative balance. Time: 2 decimals (hundredths of an hour),
    balances down to −10 hours.
    """
    unit_kind = parse_kind(kind)
    places = decimals if decimals is not None else (0 if unit_kind is UnitKind.CREDIT else 2)
    currency = own_unit(code, places)
    if negative_limit is None or not str(negative_limit).strip():
        limit = (
            0 if unit_kind is UnitKind.CREDIT else DEFAULT_TIME_LIMIT_HOURS * 10**currency.decimals
        )
    else:
        limit = parse_minor(
            negative_limit, currency.decimals, field="negative_limit", allow_zero=True
        )
    text = name.strip()
    if not text or len(text) > 200 or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise InvalidInput("units.bad_name", "a unit's name is 1 to 200 characters", "name")
    return Unit(
        code=currency.code,
        name=text,
        kind=unit_kind,
        decimals=currency.decimals,
        negative_limit=limit,
        price=parse_price(price, money),
        purchase_account=purchase_account(destination),
    )


def rate(unit: Unit, money: Currency) -> Fraction:
    """Money minor units per unit minor unit: 0.50 EUR per CREDIT (0 decimals) is 50."""
    if unit.price is None:
        raise InvalidInput("units.not_for_sale", f"{unit.code} has no price", "unit")
    return Fraction(unit.price) * Fraction(10**money.decimals, 10**unit.decimals)


def purchase_cost(unit: Unit, quantity: int, money: Currency) -> int:
    """The exact money (minor units) ``quantity`` costs; refused when it is not whole.

    The refusal names the nearest quantities below and above that cost whole minor units.
    """
    per_minor = rate(unit, money)
    cost = per_minor * quantity
    if cost.denominator == 1:
        return int(cost)
    step = per_minor.denominator  # quantities that are multiples of it cost whole cents
    below, above = quantity // step * step, (quantity // step + 1) * step
    shown = [format_minor(q, unit.decimals) for q in (below, above) if q > 0]
    raise InvalidInput(
        "units.inexact_purchase",
        f"{format_minor(quantity, unit.decimals)} {unit.code} at {unit.price} {money.code} "
        f"does not cost a whole number of {money.code} minor units; "
        f"buy {' or '.join(shown)} {unit.code}",
        "quantity",
        params={"below": shown[0], "above": shown[-1]},
    )


def earned(rule: EarningRule, hours: Decimal | None) -> int:
    """What one contribution earns: the rule's amount, or amount × hours rounded half up."""
    if rule.per is EarnPer.CONTRIBUTION:
        return rule.amount
    if hours is None or hours <= 0:
        raise InvalidInput(
            "units.no_hours",
            f"{rule.activity} earns per hour and this contribution records no hours",
            "contribution",
        )
    exact = Fraction(hours) * rule.amount
    return int(exact + Fraction(1, 2)) if exact > 0 else 0


def check_balance_after(unit: Unit, *, balance: int, paying: int, field: str = "quantity") -> None:
    """Refuse a payment that would take ``balance`` below ``−negative_limit``."""
    if balance - paying < -unit.negative_limit:
        shown = format_minor(balance, unit.decimals)
        limit = format_minor(unit.negative_limit, unit.decimals)
        raise InvalidInput(
            "units.insufficient_balance",
            f"the balance is {shown} {unit.code} and may go down to -{limit} {unit.code}; "
            f"{format_minor(paying, unit.decimals)} {unit.code} is too much",
            field,
            params={"balance": shown, "limit": limit, "unit": unit.code},
        )


def check_quantity(unit: Unit, raw: str | int, *, field: str = "quantity") -> int:
    """A quantity typed in the unit (``"2.5"`` hours) as minor units, greater than zero."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    return parse_minor(raw, unit.decimals, field=field)


# -- the entries of each operation ----------------------------------------------------------


def buy_entry(
    unit: Unit,
    *,
    member_id: int,
    quantity: int,
    cost: int,
    money: Currency,
    cause: str,
    occurred_at: datetime,
) -> Entry:
    memo = (
        f"buy {format_minor(quantity, unit.decimals)} {unit.code} "
        f"at {unit.price} {money.code} = {format_minor(cost, money.decimals)} {money.code}"
    )
    return entry(
        occurred_at=occurred_at,
        cause=cause,
        memo=memo,
        postings=[
            (chart.BANK, cost, money.code),
            (unit.purchase_account, -cost, money.code),
            (unit.issuer, quantity, unit.code),
            (chart.member_account(member_id), -quantity, unit.code),
        ],
    )


def issue_entry(
    unit: Unit, *, member_id: int, quantity: int, cause: str, memo: str, occurred_at: datetime
) -> Entry:
    """Units issued to a member (earned or granted)."""
    return entry(
        occurred_at=occurred_at,
        cause=cause,
        memo=memo,
        postings=[
            (unit.issuer, quantity, unit.code),
            (chart.member_account(member_id), -quantity, unit.code),
        ],
    )


def payment_entry(
    unit: Unit,
    *,
    payer_id: int,
    payee_id: int | None,
    quantity: int,
    cause: str,
    memo: str,
    occurred_at: datetime,
) -> Entry:
    """``payer`` pays ``quantity``: to the platform (retired) when ``payee_id`` is None."""
    payee = unit.issuer if payee_id is None else chart.member_account(payee_id)
    return entry(
        occurred_at=occurred_at,
        cause=cause,
        memo=memo,
        postings=[
            (chart.member_account(payer_id), quantity, unit.code),
            (payee, -quantity, unit.code),
        ],
    )


# -- reversals ------------------------------------------------------------------------------


def check_reversible(op: Operation) -> None:
    """Refuse to reverse a reversal (invalid) or an operation already reversed (conflict)."""
    if op.kind is OperationKind.REVERSAL:
        raise InvalidInput(
            "units.reversal_of_reversal",
            f"operation #{op.id} is itself a reversal (of operation #{op.reverses}) and cannot "
            "be reversed; record the operation again instead",
            "operation",
            params={"operation": op.id, "reverses": op.reverses or 0},
        )
    if op.reversed_by is not None:
        raise Conflict(
            "units.already_reversed",
            f"operation #{op.id} is already reversed by operation #{op.reversed_by}",
            "operation",
            params={"operation": op.id, "reversed_by": op.reversed_by},
        )


def reversal_entry(
    original: RecordedEntry, *, operation_id: int, reason: str, occurred_at: datetime
) -> Entry:
    """The entry that cancels an operation's entry exactly, under the same cause."""
    return reversal(
        original,
        occurred_at=occurred_at,
        memo=f"reverse unit operation #{operation_id} (entry #{original.seq}): {reason}",
    )


def reversal_payers(unit: Unit, item: Entry) -> list[tuple[int, int]]:
    """The members a reversal takes units from, and how much: its debits on member accounts."""
    return [
        (member, p.amount)
        for p in item.postings
        if p.currency == unit.code
        and p.amount > 0
        and (member := chart.member_of_account(p.account)) is not None
    ]


def check_reversal_balance(
    unit: Unit, *, operation_id: int, member_id: int, name: str, balance: int, paying: int
) -> None:
    """Refuse a reversal that would take a member's balance below ``−negative_limit``.

    Credits granted and already spent cannot be taken back: the refusal names the member,
    their balance, where the reversal would take it and the limit.
    """
    if balance - paying >= -unit.negative_limit:
        return
    shown = format_minor(balance, unit.decimals)
    after = format_minor(balance - paying, unit.decimals)
    limit = format_minor(unit.negative_limit, unit.decimals)
    raise InvalidInput(
        "units.reversal_below_limit",
        f"reversing operation #{operation_id} would take {name}'s (member #{member_id}) balance "
        f"from {shown} {unit.code} to {after} {unit.code}, below the limit of "
        f"-{limit} {unit.code}",
        "operation",
        params={
            "operation": operation_id,
            "member": name,
            "member_id": member_id,
            "balance": shown,
            "after": after,
            "limit": limit,
            "unit": unit.code,
        },
    )
