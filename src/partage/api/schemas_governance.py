"""Bodies for governance: circles, proposals, votes, objections, amendments, advice, decisions.

Outputs mirror the service's views field by field (read with ``from_attributes``), so what
the API says of a proposal is what the CLI and the pages say. Shares (result, turnout,
quorum) travel as decimal text, never as floats.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from partage.api.schemas import Body, Id, Text

MAX_OPEN_HOURS = 366 * 24


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CircleIn(Body):
    name: Text = Field(max_length=200, examples=["Cercle finances"])
    members: list[Id] = Field(default_factory=list, max_length=500, description="member ids")
    allows_blocks: bool = Field(False, description="whether a vote there may block")


class ProposalIn(Body):
    body: Id | None = Field(None, description="the body's number; the general assembly if left out")
    title: Text = Field(max_length=200, examples=["Ouvrir nos comptes au public"])
    text: Text = Field(max_length=20_000)
    method: Text = Field(
        "consent",
        max_length=20,
        description="consent, advice, vote, college_vote or score",
        examples=["consent"],
    )
    closes_at: AwareDatetime | None = Field(
        None, description="the closing time, with its time zone; or give closes_in_hours"
    )
    closes_in_hours: int | None = Field(
        None, ge=1, le=MAX_OPEN_HOURS, strict=True, description="hours from now until closing"
    )
    threshold: Text | None = Field(
        None, max_length=20, description="majority, two_thirds or unanimity (votes only)"
    )
    quorum: Text | None = Field(None, max_length=20, description='a share, e.g. "0.5"')
    quorum_per_college: bool = False
    secret: bool = Field(False, description="a secret ballot keeps only counts (votes only)")
    options: list[Text] = Field(default_factory=list, max_length=20, description="score only")
    action: dict[str, Any] | None = Field(
        None,
        description='applied when it passes, e.g. {"kind": "set_public_page", "public": true}'
        " (docs/governance.md lists the kinds)",
    )
    decider: Id | None = Field(None, description="advice: who decides (the author if left out)")


class VoteIn(Body):
    choice: Text | None = Field(
        None, max_length=20, description="agree, abstain, disagree or block (not for a score)"
    )
    scores: dict[Text, int] | None = Field(
        None, max_length=20, description="a score: each option's score from 0 to 5"
    )


class ObjectionIn(Body):
    reason: Text = Field(max_length=4000)


class AmendmentIn(Body):
    text: Text = Field(max_length=20_000, description="the proposal's new text")
    note: Text = Field("", max_length=4000, description="what changed and why")


class CommentIn(Body):
    text: Text = Field(max_length=4000)


class AdviceIn(Body):
    text: Text = Field(max_length=4000)


class DecisionIn(Body):
    adopt: bool = Field(description="adopt the proposal (its action is applied) or not")
    text: Text = Field(max_length=4000, description="the decision, in the decider's words")


class BodyOut(Out):
    id: int
    kind: str = Field(description="assembly, admins or circle")
    name: str
    allows_blocks: bool
    member_ids: list[int]
    created_at: datetime | None


class RoleOut(Out):
    id: int
    name: str
    domain: str
    body_id: int | None
    holder_id: int
    holder_name: str
    since: datetime
    term_ends_at: datetime | None
    ended_at: datetime | None
    ended_reason: str | None = Field(description="term, decision, or null while it runs")
    active: bool
    proposal_id: int | None = Field(description="the proposal that filled it")


class VoteOut(Out):
    voter_id: int
    voter_name: str
    choice: str | None
    scores: dict[str, int] | None
    cast_at: datetime


class CollegeCountOut(Out):
    college: str
    agree: int
    disagree: int
    abstain: int
    block: int


class ObjectionOut(Out):
    id: int
    objector_id: int
    objector_name: str
    reason: str
    raised_at: datetime
    resolved_at: datetime | None
    resolution: str | None = Field(description="withdrawn or amended once resolved")
    standing: bool


class AdviceOut(Out):
    id: int
    member_id: int
    member_name: str
    text: str
    given_at: datetime


class ActionOut(Out):
    kind: str
    params: dict[str, Any]
    summary: str


class OutcomeOut(Out):
    outcome: str = Field(description="passed, rejected, no_quorum or blocked")
    result: str
    turnout: str
    chosen: str | None
    tied: list[str]
    decision_text: str
    decided_at: datetime
    closed_by: int | None
    action_status: str | None = Field(description="applied, failed, or null")
    action_detail: str
    tally: dict[str, Any]


class ContributionPowerIn(Body):
    cap: Text | None = Field(
        description="a vote weighs at most this many base votes (≥ 1); null turns it off",
        max_length=20,
        examples=["3"],
    )
    hours_per_step: Text = Field(
        "10", max_length=20, description="the recorded hours that add one base vote"
    )
    basis: Literal["hours", "distribution"] | None = Field(
        None,
        description="what contribution is measured in: recorded hours, or a recorded "
        "distribution's payouts (the default when distribution_id is given)",
    )
    distribution_id: Id | None = Field(
        None,
        description="basis 'distribution': the distribution whose payouts weigh the votes; "
        "a member paid its average payout weighs 2",
    )


class ContributionPowerOut(Out):
    """Within a college a vote weighs min(1 + hours / hours_per_step, cap), or on the basis
    'distribution' min(1 + payout / average payout of the distribution, cap)."""

    on: bool
    cap: str | None
    hours_per_step: str | None
    basis: str | None = None
    distribution_id: int | None = None


class PowerOut(Out):
    cap: str
    hours_per_step: str
    basis: str = "hours"
    distribution_id: int | None = None


class ProposalOut(Out):
    id: int
    body_id: int
    author_id: int
    title: str
    text: str
    method: str
    threshold: str | None
    quorum: str | None
    quorum_per_college: bool
    secret: bool
    blocks_allowed: bool
    options: list[str]
    opened_at: datetime
    closes_at: datetime
    decider_id: int | None
    action: ActionOut | None
    contribution_power: PowerOut | None = Field(
        None, description="as set when it opened (open votes and college votes)"
    )


class LogEntryOut(Out):
    id: int
    at: datetime
    kind: str
    proposal_id: int | None
    member_id: int | None
    member_name: str | None
    text: str
    data: dict[str, Any]


class ProposalViewOut(Out):
    """A proposal as the reader may see it now: ``status`` is open, due or closed."""

    proposal: ProposalOut
    body: BodyOut
    author_name: str
    decider_name: str | None
    status: str
    votes: list[VoteOut] = Field(description="empty for a secret vote")
    counts: list[CollegeCountOut] = Field(description="a secret vote's counts, once closed")
    voters: int
    voted: bool
    my_choice: str | None
    can_vote: bool
    objections: list[ObjectionOut]
    advice: list[AdviceOut]
    outcome: OutcomeOut | None
    events: list[LogEntryOut]
