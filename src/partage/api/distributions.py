"""Distributions: preview and compare allocation models on the organization's contributions,
then post one (admin). Models are JSON objects as in docs/simulate.md."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from partage.api.context import Now, OrgActor, PathId, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.api.schemas import AmountBody, AmountText, Text, minor_units
from partage.core.distribution import Distribution
from partage.services import distributions

router = APIRouter(
    prefix="/orgs/{slug}/distributions",
    tags=["distributions"],
    route_class=ApiRoute,
    responses=ERROR_RESPONSES,
)

MODEL_EXAMPLE = {"type": "rate_grid", "rates": {"Animation": "30.00"}}


class Period(AmountBody):
    budget: AmountText
    since: date | None = Field(None, description="first day of the contributions read")
    until: date | None = Field(None, description="last day of the contributions read")
    activity: Text | None = Field(None, max_length=100, description="only this activity")
    scores: dict[str, list[Text]] | None = Field(
        None,
        description="grain: member number → scores per interval, oldest first, as decimal text",
        examples=[{"3": ["20", "30"], "4": ["10", "20"]}],
    )
    cred: bool = Field(
        False,
        description="grain: use each member's cred per week from the organization's "
        "contribution graph (between since and until) as the scores",
    )


class PreviewIn(Period):
    models: list[dict[str, Any]] = Field(
        min_length=1, max_length=10, examples=[[MODEL_EXAMPLE, {"type": "proportional"}]]
    )
    language: Literal["en", "fr"] = Field("en", description="the explanations' language")


class RunIn(Period):
    model: dict[str, Any] = Field(examples=[MODEL_EXAMPLE])
    fund: Text = Field("commons", max_length=100, description="'commons' or 'project:<name>'")


class PreviewOut(BaseModel):
    contributions: int = Field(description="how many contributions the models read")
    names: dict[str, str] = Field(description="member number → name")
    results: list[dict[str, Any]] = Field(description="one result per model, as in simulate")


class DistributionOut(BaseModel):
    id: int
    model: str
    params: dict[str, Any]
    source: dict[str, Any]
    fund: str
    entry_seq: int | None
    created_at: datetime
    created_by: int
    result: dict[str, Any]

    @classmethod
    def of(cls, found: Distribution) -> DistributionOut:
        return cls(
            id=found.id,
            model=found.model,
            params=found.params,
            source=found.source,
            fund=found.fund,
            entry_seq=found.entry_seq,
            created_at=found.created_at,
            created_by=found.created_by,
            result=found.result,
        )


@router.post("/preview", summary="What each model would give, side by side (writes nothing)")
def preview(body: PreviewIn, actor: OrgActor, uow: Units) -> PreviewOut:
    currency = body.checked_currency(actor.organization.currency)
    with uow(readonly=True) as u:
        seen = distributions.preview(
            u,
            actor=actor,
            models=body.models,
            data=distributions.source(
                body.since, body.until, body.activity, body.scores, cred=body.cred
            ),
            budget=minor_units(body.budget, currency, field="budget"),
            language=body.language,
        )
    return PreviewOut(
        contributions=seen.contributions, names=dict(seen.names), results=list(seen.results)
    )


@router.post("", status_code=201, summary="Post a distribution to the ledger (admin)")
def run(body: RunIn, actor: OrgActor, uow: Units, now: Now) -> DistributionOut:
    currency = body.checked_currency(actor.organization.currency)
    with uow() as u:
        done = distributions.run(
            u,
            actor=actor,
            model=body.model,
            data=distributions.source(
                body.since, body.until, body.activity, body.scores, cred=body.cred
            ),
            budget=minor_units(body.budget, currency, field="budget"),
            fund=body.fund,
            now=now,
        )
    return DistributionOut.of(done)


@router.get("", summary="The distributions run so far")
def listed(actor: OrgActor, uow: Units) -> list[DistributionOut]:
    with uow(readonly=True) as u:
        return [DistributionOut.of(d) for d in distributions.distributions(u, actor=actor)]


@router.get("/{distribution_id}", summary="One distribution, each member's amount and why")
def one(distribution_id: PathId, actor: OrgActor, uow: Units) -> DistributionOut:
    with uow(readonly=True) as u:
        return DistributionOut.of(
            distributions.distribution(u, actor=actor, distribution_id=distribution_id)
        )
