"""An organization's cred from its own records (CredRank), and the weights it sets per activity.

``GET /api/orgs/{slug}/cred`` scores the organization's contribution graph (any member reads
it); ``GET``/``PUT /api/orgs/{slug}/cred/weights`` read and change the weights (admins
change them). Weights are decimals ≥ 0, sent as text ("1.5") or whole numbers.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from partage.api.context import Now, OrgActor, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.services import org_cred

router = APIRouter(
    prefix="/orgs/{slug}/cred",
    tags=["cred"],
    route_class=ApiRoute,
    responses=ERROR_RESPONSES,
)

Weight = Annotated[
    str | int,
    Field(description='a decimal ≥ 0, as text ("1.5") or a whole number', examples=["1.5"]),
]


class SourceOut(BaseModel):
    ref: str = Field(description='what the cred came from: "contribution:12", "git:<sha>"…')
    label: str
    label_fr: str
    week: date = Field(description="Sunday (UTC) of the week the cred came in")
    cred: float


class MemberCredOut(BaseModel):
    member_id: int
    name: str
    cred: float
    share: float = Field(description="of all the members' cred, from 0 to 1")
    per_week: list[float] = Field(description="aligned with weeks")
    sources: list[SourceOut] = Field(description="largest first; they sum to cred")


class OrgCredOut(BaseModel):
    weeks: list[date] = Field(description="each week's Sunday (UTC), oldest first")
    total: float
    minted: float
    members: list[MemberCredOut] = Field(description="every member, most cred first")

    @classmethod
    def of(cls, found: org_cred.OrgCred) -> OrgCredOut:
        total = found.total or 1.0
        return cls(
            weeks=list(found.weeks),
            total=found.total,
            minted=found.minted,
            members=[
                MemberCredOut(
                    member_id=m.member_id,
                    name=m.name,
                    cred=m.cred,
                    share=m.cred / total,
                    per_week=list(m.per_week),
                    sources=[
                        SourceOut(
                            ref=s.ref, label=s.label, label_fr=s.label_fr, week=s.week, cred=s.cred
                        )
                        for s in m.sources
                    ],
                )
                for m in found.members
            ],
        )


class EdgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    forward: Weight | None = None
    backward: Weight | None = None


class WeightsIn(BaseModel):
    """Any part of the weights; what is left out keeps its value."""

    model_config = ConfigDict(extra="forbid")  # a misspelt weight is refused, not ignored

    activities: dict[str, Weight | None] | None = Field(
        None,
        description="activity → weight; null puts an activity back to the default",
        examples=[{"design": "1.5", "commit": "0.5"}],
    )
    default_activity: Weight | None = None
    claim: Weight | None = None
    gift: Weight | None = None
    edges: dict[str, EdgeIn] | None = Field(
        None, description="authored, touches, builds_on, claimant, cites"
    )
    params: dict[str, Weight] | None = Field(
        None, description="alpha, beta, gamma_forward, gamma_backward: each in [0, 1]"
    )


class EdgeOut(BaseModel):
    forward: str
    backward: str


class WeightsOut(BaseModel):
    activities: dict[str, str] = Field(description="the activities weighed explicitly")
    default_activity: str
    claim: str
    gift: str
    edges: dict[str, EdgeOut]
    params: dict[str, str]
    effective: dict[str, str] = Field(
        description="every recorded or weighed activity with the weight it gets"
    )

    @classmethod
    def of(cls, found: org_cred.CredWeights) -> WeightsOut:
        stored = found.as_json()
        return cls(**stored, effective={name: str(w) for name, w in found.effective().items()})


@router.get("", summary="Each member's cred per week from the organization's records")
def cred_of_org(
    actor: OrgActor,
    uow: Units,
    since: Annotated[date | None, Query(description="first day of the records read")] = None,
    until: Annotated[date | None, Query(description="last day of the records read")] = None,
) -> OrgCredOut:
    with uow(readonly=True) as u:
        found = org_cred.org_cred(u, actor=actor, since=since, until=until)
    return OrgCredOut.of(found)


@router.get("/weights", summary="How the organization weighs its records")
def weights(actor: OrgActor, uow: Units) -> WeightsOut:
    with uow(readonly=True) as u:
        return WeightsOut.of(org_cred.cred_weights(u, actor=actor))


@router.put("/weights", summary="Change some weights (admin)")
def set_weights(body: WeightsIn, actor: OrgActor, uow: Units, now: Now) -> WeightsOut:
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    with uow() as u:
        return WeightsOut.of(org_cred.set_cred_weights(u, actor=actor, weights=changes, now=now))
