"""The organization's books: journal, balances, the check, and the admins' entries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from partage.api.context import Now, OrgActor, PathId, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas import Text, minor_units
from partage.api.schemas_ledger import (
    BalanceOut,
    CheckOut,
    DepositIn,
    EntryOut,
    PayoutIn,
    ReverseIn,
)
from partage.services import ledger, units

# The largest page of the journal: a page of a million-entry journal reads its own rows.
MAX_PAGE = 10_000

router = APIRouter(
    prefix="/orgs/{slug}/ledger", tags=["ledger"], route_class=ApiRoute, responses=ERROR_RESPONSES
)


@router.get("/journal", summary="The entries, in order: all, or a page of them")
def journal(
    actor: OrgActor,
    uow: Units,
    account: Annotated[
        Text | None, Query(max_length=200, description="only entries touching accounts so named")
    ] = None,
    after: Annotated[
        int, Query(ge=0, le=2**62, description="only entries numbered after this one")
    ] = 0,
    limit: Annotated[
        int | None,
        Query(ge=1, le=MAX_PAGE, description="at most this many entries (a page)"),
    ] = None,
) -> list[EntryOut]:
    currency = actor.organization.currency
    with uow(readonly=True) as u:
        # Postings in the organization's own units (CREDIT, HOUR) are counted in those units.
        own = {x.code: x.currency for x in units.units(u, actor=actor)}
        found = ledger.journal(u, actor=actor, account=account, after=after, limit=limit)
        return [EntryOut.of(e, currency, own) for e in found]


@router.get("/balances", summary="Each account's balance")
def balances(actor: OrgActor, uow: Units) -> list[BalanceOut]:
    with uow(readonly=True) as u:
        return [BalanceOut.of(b) for b in ledger.balances(u, actor=actor)]


@router.get("/check", summary="Verify balance, numbering and hash chain of the whole journal")
def check(actor: OrgActor, uow: Units) -> CheckOut:
    with uow(readonly=True) as u:
        return CheckOut.of(ledger.check(u, actor=actor))


@router.post("/deposits", status_code=201, summary="Record money coming in (admin)")
def deposit(body: DepositIn, actor: OrgActor, uow: Units, now: Now) -> EntryOut:
    currency = body.checked_currency(actor.organization.currency)
    amount = minor_units(body.amount, currency, field="amount")
    with uow() as u:
        recorded = ledger.deposit(
            u,
            actor=actor,
            amount=amount,
            memo=body.memo,
            fund=body.fund,
            occurred_at=body.occurred_at,
            now=now,
        )
    return EntryOut.of(recorded, currency)


@router.post("/payouts", status_code=201, summary="Mark an amount owed to a member as paid (admin)")
def payout(body: PayoutIn, actor: OrgActor, uow: Units, now: Now) -> EntryOut:
    currency = body.checked_currency(actor.organization.currency)
    amount = minor_units(body.amount, currency, field="amount")
    with uow() as u:
        recorded = ledger.pay_member(
            u,
            actor=actor,
            member_id=body.member,
            amount=amount,
            reference=body.reference,
            now=now,
        )
    return EntryOut.of(recorded, currency)


@router.post("/entries/{seq}/reverse", status_code=201, summary="Reverse an entry (admin)")
def reverse(seq: PathId, body: ReverseIn, actor: OrgActor, uow: Units, now: Now) -> EntryOut:
    """Post the exact opposite of entry ``seq``; the original stays in the journal."""
    with uow() as u:
        recorded = ledger.reverse_entry(u, actor=actor, seq=seq, reason=body.reason, now=now)
    return EntryOut.of(recorded, actor.organization.currency)
