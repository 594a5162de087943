"""The public page of an organization that chose to show its books: no token needed.

It shows the organization, its funds, its rounds and whether its books check out; what each
member is owed stays inside (only the total is shown). It reads through the members' read
services as ``services.public``'s reader: an observer who is no member.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from partage.api.context import Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas import MoneyOut, money
from partage.api.schemas_community import OrganizationOut
from partage.api.schemas_ledger import BalanceOut, CheckOut
from partage.api.schemas_rounds import RoundSummaryOut
from partage.core.errors import NotFound
from partage.services import ledger, rounds
from partage.services.public import public_reader

router = APIRouter(tags=["public"], route_class=ApiRoute, responses=ERROR_RESPONSES)


class PublicOut(BaseModel):
    organization: OrganizationOut
    funds: list[BalanceOut] = Field(description="bank, funds, open rounds, deficit")
    owed_to_members: MoneyOut = Field(description="granted to members, not yet paid out")
    debts_to_members: MoneyOut = Field(description="owed to members beyond past envelopes")
    rounds: list[RoundSummaryOut]
    books: CheckOut


@router.get("/public/{slug}", summary="An organization's public page (no token)")
def public_page(slug: str, uow: Units) -> PublicOut:
    if "\x00" in slug:  # PostgreSQL refuses NUL in text: no organization can be named so
        raise NotFound("organization.not_found", f"no organization '{slug[:64]}'", "organization")
    with uow(readonly=True) as u:
        reader = public_reader(u, slug)
        every = ledger.balances(u, actor=reader)
        listed = rounds.rounds(u, actor=reader)
        books = ledger.check(u, actor=reader)
    org = reader.organization
    currency = org.currency

    def total(kind: str) -> MoneyOut:
        return money(sum(b.amount.minor for b in every if b.account.startswith(kind)), currency)

    return PublicOut(
        organization=OrganizationOut.of(org),
        funds=[BalanceOut.of(b) for b in every if b.member_id is None],
        owed_to_members=total("member:"),
        debts_to_members=total("debt:"),
        rounds=[RoundSummaryOut.of(r, currency) for r in listed],
        books=CheckOut.of(books),
    )
