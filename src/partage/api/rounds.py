"""Contributive budget rounds: open one, look into it, declare a claim in it, close it."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from partage.api.context import Now, OrgActor, PathId, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas import minor_units
from partage.api.schemas_claims import ClaimDetailOut, ClaimIn
from partage.api.schemas_closing import ClosingOut, closing_out
from partage.api.schemas_rounds import RoundChangeIn, RoundIn, RoundOut, RoundSummaryOut
from partage.core.closing import MissionSpec
from partage.core.rounds import Rate
from partage.services import rounds

router = APIRouter(
    prefix="/orgs/{slug}/rounds", tags=["rounds"], route_class=ApiRoute, responses=ERROR_RESPONSES
)


@router.get("", summary="The rounds, newest first as the service lists them")
def list_rounds(actor: OrgActor, uow: Units) -> list[RoundSummaryOut]:
    currency = actor.organization.currency
    with uow(readonly=True) as u:
        return [RoundSummaryOut.of(r, currency) for r in rounds.rounds(u, actor=actor)]


@router.post("", status_code=201, summary="Open a round (admin)")
def open_round(body: RoundIn, actor: OrgActor, uow: Units, now: Now) -> RoundOut:
    """Set an envelope aside from the commons fund, with its missions and its rate grid."""
    currency = body.checked_currency(actor.organization.currency)
    missions = tuple(
        MissionSpec(
            name=m.name,
            envelope=minor_units(
                m.envelope, currency, field=f"missions.{i}.envelope", allow_zero=True
            ),
            steward_id=m.steward,
        )
        for i, m in enumerate(body.missions)
    )
    rates = tuple(
        Rate(
            activity=r.activity,
            amount=minor_units(r.amount, currency, field=f"rates.{i}.amount"),
            unit=r.unit,
        )
        for i, r in enumerate(body.rates)
    )
    envelope = minor_units(body.envelope, currency, field="envelope")
    with uow() as u:
        created = rounds.open_round(
            u,
            actor=actor,
            name=body.name,
            envelope=envelope,
            window=timedelta(hours=body.window_hours),
            policy=body.policy,
            unspent_rule=body.unspent,
            missions=missions,
            rates=rates,
            now=now,
        )
        view = rounds.view_round(u, actor=actor, round_id=created.id, now=now)
    return RoundOut.of_view(view, currency)


@router.get("/{round_id}", summary="A round with its totals, missions and claims")
def get_round(round_id: PathId, actor: OrgActor, uow: Units, now: Now) -> RoundOut:
    with uow(readonly=True) as u:
        view = rounds.view_round(u, actor=actor, round_id=round_id, now=now)
    return RoundOut.of_view(view, actor.organization.currency)


@router.patch("/{round_id}", summary="Change an open round's envelope or window (admin)")
def change_round(
    round_id: PathId, body: RoundChangeIn, actor: OrgActor, uow: Units, now: Now
) -> RoundOut:
    """A larger envelope is drawn from the commons fund, a smaller one returns the difference
    to it; a new window applies to claims declared from now on. Both change together or not
    at all."""
    currency = body.checked_currency(actor.organization.currency)
    envelope = (
        None
        if body.envelope is None
        else minor_units(body.envelope, currency, field="envelope", allow_zero=True)
    )
    window = None if body.window_hours is None else timedelta(hours=body.window_hours)
    with uow() as u:
        rounds.change_round(
            u, actor=actor, round_id=round_id, envelope=envelope, window=window, now=now
        )
        view = rounds.view_round(u, actor=actor, round_id=round_id, now=now)
    return RoundOut.of_view(view, currency)


@router.post("/{round_id}/close", summary="Close the round and pay accepted claims (admin)")
def close_round(round_id: PathId, actor: OrgActor, uow: Units, now: Now) -> ClosingOut:
    """Grant accepted claims per the round's policy, settle debts, carry the rest over."""
    with uow() as u:
        rounds.close(u, actor=actor, round_id=round_id, now=now)
        view = rounds.view_round(u, actor=actor, round_id=round_id, now=now)
    # The report stored at closing is the one GET /rounds/{id} shows: one source for both.
    assert view.report is not None
    return closing_out(round_id, view.report, actor.organization.currency)


@router.post("/{round_id}/claims", status_code=201, summary="Declare a claim in an open round")
def declare_claim(
    round_id: PathId, body: ClaimIn, actor: OrgActor, uow: Units, now: Now
) -> ClaimDetailOut:
    currency = body.checked_currency(actor.organization.currency)
    amount = minor_units(body.amount, currency, field="amount")
    with uow() as u:
        record = rounds.declare_claim(
            u,
            actor=actor,
            round_id=round_id,
            amount=amount,
            justification=body.justification,
            mission_id=body.mission,
            hours=body.hours,
            contribution_ids=tuple(body.contributions),
            disposition=body.disposition,
            redirect_to=body.redirect_to,
            now=now,
        )
        detail = rounds.view_claim(u, actor=actor, claim_id=record.id, now=now)
    return ClaimDetailOut.of_detail(detail, currency)
