"""Bodies for split rules, transactions and refunds. Amounts travel as decimal strings in
requests and as :class:`MoneyOut` in responses, like every amount of the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StrictInt, StrictStr

from partage.api.schemas import AmountText, Body, MoneyOut, Text, money
from partage.api.schemas_ledger import Moment
from partage.core import chart
from partage.core.currency import Currency
from partage.services.transactions import (
    RuleVersionView,
    TransactionDetail,
    TransactionView,
)

MemberName = Annotated[
    StrictStr | StrictInt,
    Field(description="member:<id>, <id> or one of the member's aliases", examples=["member:3"]),
]

RULES_EXAMPLE = {
    "commissions": {"producer": {"rate": "12", "fixed": "0.30", "cap": "20"}},
    "splits": [
        {"of": "commission", "to": "reserve", "percent": "30"},
        {"of": "commission", "to": "project:solidarite", "percent": "20"},
        {"of": "amount", "to": "pool:contributeurs", "percent": "2"},
    ],
    "rest_to": "operations",
}


class RulesIn(Body):
    effective_from: date = Field(description="the first day (UTC) they apply; never retroactive")
    rules: dict[str, Any] = Field(
        description="the rule document: commissions by status, splits, rest_to "
        "(percentages and amounts as decimal text)",
        examples=[RULES_EXAMPLE],
    )
    note: Text = Field("", max_length=2000, description="why the rules change")


class RuleVersionOut(BaseModel):
    version: int
    effective_from: date
    rules: dict[str, Any]
    note: str
    created_at: datetime
    created_by: int | None = Field(description="the member who set them")
    proposal_id: int | None = Field(description="the decision that set them, if one did")

    @classmethod
    def of(cls, view: RuleVersionView) -> RuleVersionOut:
        return cls(
            version=view.version,
            effective_from=view.effective_from,
            rules=dict(view.document),
            note=view.note,
            created_at=view.created_at,
            created_by=view.created_by,
            proposal_id=view.proposal_id,
        )


class TransactionIn(Body):
    reference: Text = Field(max_length=200, description="the platform's own id, unique")
    amount: AmountText = Field(description="negative only for a refund (with refund_of)")
    currency: Text | None = Field(
        None, max_length=12, description="the organization's currency (the default)"
    )
    status: Text = Field(
        max_length=63, description="status of the party paid", examples=["producer"]
    )
    payee: MemberName
    occurred_at: Moment = Field(description="when it happened, with its time zone")
    kind: Text = Field("sale", max_length=40, examples=["delivery"])
    payer: Text = Field("", max_length=200, description="who paid (free text)")
    parties: dict[Annotated[str, Field(max_length=63)], MemberName] = Field(
        default_factory=dict,
        max_length=20,
        description="other members in a role, for shares the rules send to party:<role>",
        examples=[{"referrer": "member:7"}],
    )
    refund_of: Text | None = Field(
        None, max_length=200, description="makes it a refund of the transaction so referenced"
    )


class RefundIn(Body):
    reference: Text = Field(max_length=200, description="the refund's own reference, unique")
    amount: AmountText | None = Field(None, description="default: everything left to refund")
    occurred_at: Moment | None = Field(None, description="default: now")


class TransactionOut(BaseModel):
    id: int
    reference: str
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    amount: MoneyOut = Field(description="what was paid; for a refund, what it gives back")
    status: str
    payee: int = Field(description="the member paid")
    payer: str
    parties: dict[str, int]
    rule_version: int
    commission: MoneyOut
    entry_seq: int = Field(description="its entry in the ledger")
    refund_of: str | None = Field(description="for a refund, the original's reference")
    import_id: int | None

    @classmethod
    def of(cls, view: TransactionView, currency: Currency) -> TransactionOut:
        return cls(
            id=view.id,
            reference=view.reference,
            kind=view.kind,
            occurred_at=view.occurred_at,
            recorded_at=view.recorded_at,
            amount=money(view.amount, currency),
            status=view.status,
            payee=view.payee_id,
            payer=view.payer,
            parties=dict(view.parties),
            rule_version=view.rule_version,
            commission=money(view.commission, currency),
            entry_seq=view.entry_seq,
            refund_of=view.refund_of,
            import_id=view.import_id,
        )


class LineOut(BaseModel):
    part: str = Field(description="net (the party paid), commission or amount (a share of it)")
    account: str
    member_id: int | None
    amount: MoneyOut = Field(description="credited (for a refund: taken back)")
    label: str


class TransactionDetailOut(BaseModel):
    transaction: TransactionOut
    lines: list[LineOut]
    refunds: list[TransactionOut]
    rules: RuleVersionOut
    left_to_refund: MoneyOut

    @classmethod
    def of(cls, found: TransactionDetail, currency: Currency) -> TransactionDetailOut:
        return cls(
            transaction=TransactionOut.of(found.transaction, currency),
            lines=[
                LineOut(
                    part=line.part,
                    account=line.account,
                    member_id=chart.member_of_account(line.account),
                    amount=money(line.amount, currency),
                    label=line.label,
                )
                for line in found.lines
            ],
            refunds=[TransactionOut.of(r, currency) for r in found.refunds],
            rules=RuleVersionOut.of(found.rules),
            left_to_refund=money(found.left_to_refund, currency),
        )
