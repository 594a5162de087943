"""Bodies for the books: journal entries, balances, the check, deposits, payouts, reversals."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field
from pydantic_core import PydanticCustomError

from partage.api.schemas import AmountBody, AmountText, Body, Id, MoneyOut, Text, money
from partage.core import chart
from partage.core.currency import ISO_4217, Currency
from partage.core.ledger import BookCheck, RecordedEntry
from partage.services.ledger import Balance


def _in_utc_range(value: datetime) -> datetime:
    # 0001-01-01T00:30+01:00 is a valid datetime whose UTC time does not exist.
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise PydanticCustomError("date.out_of_range", "this time is out of range") from None


Moment = Annotated[AwareDatetime, AfterValidator(_in_utc_range)]


class PostingOut(BaseModel):
    account: str
    member_id: int | None = Field(description="the member a member:/debt: account belongs to")
    amount: MoneyOut = Field(description="positive: debit; negative: credit")


class EntryOut(BaseModel):
    seq: int
    occurred_at: datetime
    cause: str = Field(examples=["round:3:closing"])
    memo: str
    reverses: int | None
    postings: list[PostingOut]
    prev_hash: str
    hash: str

    @classmethod
    def of(
        cls, recorded: RecordedEntry, currency: Currency, own: Mapping[str, Currency] | None = None
    ) -> EntryOut:
        item = recorded.entry
        return cls(
            seq=recorded.seq,
            occurred_at=item.occurred_at,
            cause=item.cause,
            memo=item.memo,
            reverses=item.reverses,
            postings=[
                PostingOut(
                    account=p.account,
                    member_id=chart.member_of_account(p.account),
                    amount=money(
                        p.amount, (own or {}).get(p.currency) or _currency_of(p.currency, currency)
                    ),
                )
                for p in item.postings
            ],
            prev_hash=recorded.prev_hash,
            hash=recorded.hash,
        )


def _currency_of(code: str, home: Currency) -> Currency:
    # Postings are in the organization's currency; any other is shown by its ISO decimals.
    if code == home.code:
        return home
    return Currency(code, ISO_4217.get(code, 0))


class BalanceOut(BaseModel):
    account: str
    member_id: int | None
    amount: MoneyOut = Field(description="money held by, or owed to, the account")

    @classmethod
    def of(cls, balance: Balance) -> BalanceOut:
        return cls(
            account=balance.account,
            member_id=balance.member_id,
            amount=money(balance.amount.minor, balance.amount.currency),
        )


class ProblemOut(BaseModel):
    seq: int | None
    code: str
    message: str


class CheckOut(BaseModel):
    ok: bool
    entries: int
    problems: list[ProblemOut]

    @classmethod
    def of(cls, check: BookCheck) -> CheckOut:
        return cls(
            ok=check.ok,
            entries=check.entries,
            problems=[
                ProblemOut(seq=p.seq, code=p.code, message=p.message) for p in check.problems
            ],
        )


class DepositIn(AmountBody):
    amount: AmountText
    memo: Text = Field(max_length=500, examples=["Subvention de la Région"])
    fund: Text = Field("commons", max_length=100, description="'commons' or 'project:<name>'")
    occurred_at: Moment | None = Field(None, description="when the money came in (default: now)")


class PayoutIn(AmountBody):
    member: Id
    amount: AmountText
    reference: Text = Field(max_length=200, examples=["VIR-2026-041"])


class ReverseIn(Body):
    reason: Text = Field(max_length=500)
