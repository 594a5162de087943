"""Split rules and transactions over HTTP.

``POST /transactions`` and ``POST /transactions/{reference}/refunds`` take an optional
``Idempotency-Key`` header: the first request posts and answers 201; the same request again
answers 200 with the same body and ``Idempotent-Replayed: true``, writing nothing; the same
key with another request is a 409 (``idempotency.key_reused``). A client that lost an answer
retries with its key and never posts twice.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response

from partage.api.context import Now, OrgActor, PathId, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas import minor_units
from partage.api.schemas_transactions import (
    RefundIn,
    RulesIn,
    RuleVersionOut,
    TransactionDetailOut,
    TransactionIn,
    TransactionOut,
)
from partage.core.money import parse_minor
from partage.services import transactions as txs
from partage.services.transactions import Recorded, TransactionInput

router = APIRouter(
    prefix="/orgs/{slug}", tags=["transactions"], route_class=ApiRoute, responses=ERROR_RESPONSES
)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="a key of your choosing; a retried request with it never posts twice",
    ),
]
Reference = Annotated[str, Path(max_length=200, description="the transaction's reference")]
REPLAYED = "Idempotent-Replayed"


@router.get("/split-rules", summary="Every version of the split rules, oldest first")
def versions(actor: OrgActor, uow: Units) -> list[RuleVersionOut]:
    with uow(readonly=True) as u:
        return [RuleVersionOut.of(v) for v in txs.rule_versions(u, actor=actor)]


@router.put("/split-rules", status_code=201, summary="Set a new version of the split rules (admin)")
def set_rules(body: RulesIn, actor: OrgActor, uow: Units, now: Now) -> RuleVersionOut:
    """The rules apply from ``effective_from`` (UTC), which comes after the day of the latest
    transaction already split: a change is never retroactive."""
    with uow() as u:
        view = txs.set_rules(
            u,
            actor=actor,
            document=body.rules,
            effective_from=body.effective_from,
            note=body.note,
            now=now,
        )
    return RuleVersionOut.of(view)


@router.get("/split-rules/in-force", summary="The version in force on a day")
def in_force(
    actor: OrgActor,
    uow: Units,
    now: Now,
    on: Annotated[date | None, Query(description="the day (UTC); default today")] = None,
) -> RuleVersionOut:
    with uow(readonly=True) as u:
        return RuleVersionOut.of(txs.rules_in_force(u, actor=actor, day=on or now.date()))


@router.get("/split-rules/{version}", summary="One version of the split rules")
def version(version: PathId, actor: OrgActor, uow: Units) -> RuleVersionOut:
    with uow(readonly=True) as u:
        return RuleVersionOut.of(txs.rule_version(u, actor=actor, version=version))


def _answer(done: Recorded, response: Response, actor: OrgActor) -> TransactionOut:
    if done.replayed:
        response.status_code = 200
        response.headers[REPLAYED] = "true"
    return TransactionOut.of(done.transaction, actor.organization.currency)


@router.post(
    "/transactions",
    status_code=201,
    summary="Record a transaction, split by the rules in force on its day (admin)",
    responses={200: {"model": TransactionOut, "description": "a replay of an Idempotency-Key"}},
)
def record(
    body: TransactionIn,
    actor: OrgActor,
    uow: Units,
    now: Now,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> TransactionOut:
    """A negative amount with ``refund_of`` records a refund of that transaction."""
    currency = actor.organization.currency
    tx = TransactionInput(
        reference=body.reference,
        amount=parse_minor(body.amount, currency.decimals, allow_negative=True),
        currency=body.currency or currency.code,
        status=body.status,
        payee=str(body.payee),
        occurred_at=body.occurred_at,
        kind=body.kind,
        payer=body.payer,
        parties={role: str(who) for role, who in body.parties.items()},
        refund_of=body.refund_of,
    )
    with uow() as u:
        done = txs.record_transaction(
            u, actor=actor, tx=tx, now=now, idempotency_key=idempotency_key
        )
    return _answer(done, response, actor)


@router.get("/transactions", summary="Transactions and refunds, newest first")
def listed(
    actor: OrgActor,
    uow: Units,
    since: Annotated[date | None, Query(description="from this day (UTC), included")] = None,
    until: Annotated[date | None, Query(description="to this day (UTC), included")] = None,
    member: Annotated[
        int | None, Query(ge=1, le=2**63 - 1, description="those paying or naming this member")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> list[TransactionOut]:
    with uow(readonly=True) as u:
        found = txs.transactions(
            u, actor=actor, since=since, until=until, member_id=member, limit=limit, offset=offset
        )
    return [TransactionOut.of(v, actor.organization.currency) for v in found]


@router.get("/transactions/{reference:path}", summary="A transaction's lines, refunds and rules")
def detail(reference: Reference, actor: OrgActor, uow: Units) -> TransactionDetailOut:
    with uow(readonly=True) as u:
        found = txs.transaction(u, actor=actor, reference=reference)
    return TransactionDetailOut.of(found, actor.organization.currency)


@router.post(
    "/transactions/{reference:path}/refunds",
    status_code=201,
    summary="Refund part or all of a transaction (admin)",
    responses={200: {"model": TransactionOut, "description": "a replay of an Idempotency-Key"}},
)
def refund(
    reference: Reference,
    body: RefundIn,
    actor: OrgActor,
    uow: Units,
    now: Now,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> TransactionOut:
    """Each line of the transaction gives back in proportion to what it still holds."""
    currency = actor.organization.currency
    amount = None if body.amount is None else minor_units(body.amount, currency, field="amount")
    with uow() as u:
        done = txs.refund(
            u,
            actor=actor,
            of_reference=reference,
            reference=body.reference,
            amount=amount,
            occurred_at=body.occurred_at,
            now=now,
            idempotency_key=idempotency_key,
        )
    return _answer(done, response, actor)
