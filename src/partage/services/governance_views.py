"""What governance entry points show, read from storage: bodies, proposals with their votes
(or secret counts), objections, advice, outcomes and the decision log; and the small rules
every use case shares (who sits in a body, whether a proposal is still open).

Reading never writes: until an organization's first governance step its two standing bodies
are shown as they will be made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from partage.core.community import Member
from partage.core.errors import Forbidden, InvalidInput, NotFound
from partage.core.governance import actions as action_rules
from partage.core.governance import proposals as rules
from partage.core.governance.proposals import (
    ADMINS,
    ASSEMBLY,
    BodyRecord,
    OutcomeRecord,
    ProposalRecord,
)
from partage.core.governance.tally import (
    plain_decimal,
)
from partage.core.roles import Role, require_participant
from partage.services.context import Actor, UnitOfWork

# -- what entry points show -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Body:
    """A decision body. ``kind`` is ``assembly``, ``admins`` or ``circle``.

    ``member_ids`` are those who may open proposals and vote there now: for the assembly every
    member who is not an observer, for the admins the admins, for a circle its named members.
    """

    id: int
    kind: str
    name: str
    allows_blocks: bool
    member_ids: tuple[int, ...]
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class RoleView:
    """A role with a holder, a domain and a term; ``active`` is read against ``now``.

    ``ended_reason`` is ``term`` (the term ran out), ``decision`` (ended by a proposal) or
    None while it runs.
    """

    id: int
    name: str
    domain: str
    body_id: int | None
    holder_id: int
    holder_name: str
    since: datetime
    term_ends_at: datetime | None
    ended_at: datetime | None
    ended_reason: str | None
    active: bool
    proposal_id: int | None


@dataclass(frozen=True, slots=True)
class VoteView:
    """An open vote: who chose what (``choice`` for a vote, ``scores`` for a score)."""

    voter_id: int
    voter_name: str
    choice: str | None
    scores: dict[str, int] | None
    cast_at: datetime


@dataclass(frozen=True, slots=True)
class CollegeCount:
    """A secret vote's counts in one college (``college`` is "" when the body has none)."""

    college: str
    agree: int
    disagree: int
    abstain: int
    block: int


@dataclass(frozen=True, slots=True)
class ObjectionView:
    """A consent objection; ``resolution`` is ``withdrawn`` or ``amended`` once resolved."""

    id: int
    objector_id: int
    objector_name: str
    reason: str
    raised_at: datetime
    resolved_at: datetime | None
    resolution: str | None

    @property
    def standing(self) -> bool:
        return self.resolved_at is None


@dataclass(frozen=True, slots=True)
class AdviceView:
    id: int
    member_id: int
    member_name: str
    text: str
    given_at: datetime


@dataclass(frozen=True, slots=True)
class ActionView:
    """What a proposal does when it passes: ``kind`` and its parameters, and a sentence."""

    kind: str
    params: dict[str, object]
    summary: str


@dataclass(frozen=True, slots=True)
class OutcomeView:
    """How a proposal ended, as recorded (append-only) at closing.

    ``outcome`` is ``passed``, ``rejected``, ``no_quorum`` or ``blocked``; a score ends
    ``passed`` when one option is ``chosen`` and ``rejected`` on a tie or no score (``chosen``
    and ``tied`` say which). ``result`` and ``turnout`` are decimals in [0, 1] (text).
    ``action_status`` is ``applied``, ``failed`` (``action_detail`` says why) or None when
    the proposal carried no action or did not pass. ``tally`` is the count as a document.
    """

    outcome: str
    result: str
    turnout: str
    chosen: str | None
    tied: tuple[str, ...]
    decision_text: str
    decided_at: datetime
    closed_by: int | None
    action_status: str | None
    action_detail: str
    tally: dict[str, object]


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposal as opened (and amended). ``window`` is a consent's objection window."""

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
    options: tuple[str, ...]
    opened_at: datetime
    closes_at: datetime
    window: timedelta | None
    decider_id: int | None
    action: ActionView | None
    # Power from contribution as set when it opened (open votes and college votes only).
    contribution_power: ContributionPower | None = None


@dataclass(frozen=True, slots=True)
class ContributionPower:
    """Within a college a member's vote weighs ``min(1 + hours / hours_per_step, cap)``, from
    the hours their contributions recorded before the proposal opened; or, on the basis
    ``distribution``, ``min(1 + payout / average payout, cap)`` from the payouts of distribution
    ``distribution_id``. Decimals as text."""

    cap: str
    hours_per_step: str
    basis: str = "hours"
    distribution_id: int | None = None


@dataclass(frozen=True, slots=True)
class ProposalView:
    """A proposal with what was said and cast on it, as ``actor`` may see it at ``now``.

    ``status``: ``open`` (votes, objections or advice taken), ``due`` (the closing time
    passed, the count not yet recorded — anyone may close it; an advice proposal waits for
    its decider) or ``closed`` (``outcome`` is set). ``votes`` is empty for a secret vote,
    whose ``counts`` are shown once closed; ``voters`` is how many took part.
    """

    proposal: Proposal
    body: Body
    author_name: str
    decider_name: str | None
    status: str
    votes: tuple[VoteView, ...]
    counts: tuple[CollegeCount, ...]
    voters: int
    voted: bool
    my_choice: str | None
    objections: tuple[ObjectionView, ...]
    advice: tuple[AdviceView, ...]
    outcome: OutcomeView | None
    can_vote: bool = False
    events: tuple[DecisionLogEntry, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class DecisionLogEntry:
    """One step of the decision log, in order.

    ``kind``: proposal_opened, vote_cast, vote_changed, secret_vote_cast, objection_raised,
    objection_withdrawn, proposal_amended, advice_given, proposal_closed, action_applied,
    action_failed, circle_created, role_filled, role_ended, comment, contribution_power_set.
    ``text`` says it in English;
    ``data`` carries the details an entry point may show in its own words.
    """

    id: int
    at: datetime
    kind: str
    proposal_id: int | None
    member_id: int | None
    member_name: str | None
    text: str
    data: dict[str, object]


# -- reading what is stored -----------------------------------------------------------------

# Until an organization's first governance step, its two standing bodies are shown as they
# will be made (the counter gives them these numbers first).
DEFAULT_BODIES = (
    BodyRecord(1, "assembly", ASSEMBLY, False, None),
    BodyRecord(2, "admins", ADMINS, True, None),
)
VOTING = ("vote", "college_vote")


def stored_bodies(uow: UnitOfWork, org_id: int) -> list[BodyRecord]:
    return uow.governance.bodies(org_id) or list(DEFAULT_BODIES)


def ensure_bodies(uow: UnitOfWork, actor: Actor, now: datetime) -> None:
    """The assembly and the admins exist from an organization's first governance step."""
    if uow.governance.bodies(actor.org_id):
        return
    for body in DEFAULT_BODIES:
        uow.governance.add_body(
            actor.org_id,
            kind=body.kind,
            name=body.name,
            allows_blocks=body.allows_blocks,
            member_ids=(),
            by=None,
            now=now,
        )


def member_map(uow: UnitOfWork, org_id: int) -> dict[int, Member]:
    return {m.id: m for m in uow.community.members(org_id)}


def body_member_ids(body: BodyRecord, members: Mapping[int, Member]) -> tuple[int, ...]:
    """Who acts in ``body`` now: observers (and removed members, who are observers) never."""
    if body.kind == "assembly":
        return tuple(i for i, m in members.items() if m.role is not Role.OBSERVER)
    if body.kind == "admins":
        return tuple(i for i, m in members.items() if m.role is Role.ADMIN)
    return tuple(
        i for i in body.member_ids if i in members and members[i].role is not Role.OBSERVER
    )


def body_view(body: BodyRecord, members: Mapping[int, Member]) -> Body:
    return Body(
        id=body.id,
        kind=body.kind,
        name=body.name,
        allows_blocks=body.allows_blocks,
        member_ids=body_member_ids(body, members),
        created_at=body.created_at,
    )


def find_body(uow: UnitOfWork, actor: Actor, body_id: int) -> BodyRecord:
    found = next((b for b in stored_bodies(uow, actor.org_id) if b.id == body_id), None)
    if found is None:
        raise NotFound("body.not_found", f"no decision body #{body_id}", field="body")
    return found


def find_proposal(
    uow: UnitOfWork, actor: Actor, proposal_id: int, *, lock: bool = False
) -> ProposalRecord:
    found = uow.governance.proposal(actor.org_id, proposal_id, lock=lock)
    if found is None:
        raise NotFound("proposal.not_found", f"no proposal #{proposal_id}", field="proposal")
    return found


def require_in_body(
    actor: Actor, body: BodyRecord, members: Mapping[int, Member], doing: str
) -> tuple[int, ...]:
    require_participant(actor.role)
    ids = body_member_ids(body, members)
    if actor.member.id not in ids:
        raise Forbidden(
            "body.not_member",
            f"only members of the body '{body.name}' can {doing}",
            field="body",
        )
    return ids


def require_open(
    uow: UnitOfWork, actor: Actor, proposal: ProposalRecord, now: datetime, doing: str
) -> None:
    if uow.governance.outcome(actor.org_id, proposal.id) is not None or now >= proposal.closes_at:
        raise InvalidInput(
            "proposal.closed",
            f"proposal #{proposal.id} closed at {proposal.closes_at:%Y-%m-%d %H:%M} UTC: "
            f"it is too late to {doing}",
            field="proposal",
        )


def member_name(members: Mapping[int, Member], member_id: int | None) -> str | None:
    if member_id is None:
        return None
    member = members.get(member_id)
    return member.name if member else f"#{member_id}"


def _action_view(raw: Mapping[str, object] | None) -> ActionView | None:
    if raw is None:
        return None
    action = action_rules.parse(raw)
    return ActionView(action.kind, dict(action.params), action_rules.summary(action))


def _proposal_value(p: ProposalRecord) -> Proposal:
    return Proposal(
        id=p.id,
        body_id=p.body_id,
        author_id=p.author_id,
        title=p.title,
        text=p.text,
        method=p.method,
        threshold=p.threshold,
        quorum=plain_decimal(p.quorum) if p.quorum is not None else None,
        quorum_per_college=p.quorum_per_college,
        secret=p.secret,
        blocks_allowed=p.blocks_allowed,
        options=p.options,
        opened_at=p.opened_at,
        closes_at=p.closes_at,
        window=p.window,
        decider_id=p.decider_id,
        action=_action_view(p.action),
        contribution_power=ContributionPower(
            plain_decimal(p.power[0]),
            plain_decimal(p.power[1]),
            basis="hours" if p.power_distribution_id is None else "distribution",
            distribution_id=p.power_distribution_id,
        )
        if p.power
        else None,
    )


def _outcome_view(o: OutcomeRecord) -> OutcomeView:
    return OutcomeView(
        outcome=o.outcome,
        result=o.result,
        turnout=o.turnout,
        chosen=o.chosen,
        tied=o.tied,
        decision_text=o.decision_text,
        decided_at=o.decided_at,
        closed_by=o.closed_by,
        action_status=o.action_status,
        action_detail=o.action_detail,
        tally=o.tally,
    )


def log_view(
    uow: UnitOfWork, actor: Actor, members: Mapping[int, Member], *, proposal_id: int | None
) -> tuple[DecisionLogEntry, ...]:
    return tuple(
        DecisionLogEntry(
            id=e.id,
            at=e.at,
            kind=e.kind,
            proposal_id=e.proposal_id,
            member_id=e.member_id,
            member_name=member_name(members, e.member_id),
            text=e.text,
            data=e.data,
        )
        for e in uow.governance.entries(actor.org_id, proposal_id=proposal_id)
    )


def proposal_view(
    uow: UnitOfWork,
    actor: Actor,
    p: ProposalRecord,
    now: datetime,
    *,
    members: Mapping[int, Member] | None = None,
    with_events: bool = True,
    public: bool = False,
) -> ProposalView:
    org_id = actor.org_id
    members = members if members is not None else member_map(uow, org_id)
    body = find_body(uow, actor, p.body_id)
    outcome = uow.governance.outcome(org_id, p.id)
    status = rules.status(p, closed=outcome is not None, now=now)
    votes: tuple[VoteView, ...] = ()
    counts: tuple[CollegeCount, ...] = ()
    my_choice: str | None = None
    if p.secret:
        voted_ids = uow.governance.participants(org_id, p.id)
        # The counts are shown once the vote is closed: a running count would tell those who
        # watch it change what each voter chose.
        if outcome is not None:
            counts = tuple(
                CollegeCount(
                    college=name,
                    agree=c.get("agree", 0),
                    disagree=c.get("disagree", 0),
                    abstain=c.get("abstain", 0),
                    block=c.get("block", 0),
                )
                for name, c in sorted(uow.governance.counts(org_id, p.id).items())
            )
    else:
        records = uow.governance.votes(org_id, p.id)
        voted_ids = {v.voter_id for v in records}
        if not public:
            votes = tuple(
                VoteView(
                    voter_id=v.voter_id,
                    voter_name=member_name(members, v.voter_id) or "",
                    choice=v.choice,
                    scores=v.scores,
                    cast_at=v.cast_at,
                )
                for v in records
            )
        mine = next((v for v in records if v.voter_id == actor.member.id), None)
        my_choice = mine.choice if mine else None
    body_ids = body_member_ids(body, members)
    return ProposalView(
        proposal=_proposal_value(p),
        body=body_view(body, members),
        author_name=member_name(members, p.author_id) or "",
        decider_name=member_name(members, p.decider_id),
        status=status,
        votes=votes,
        counts=counts,
        voters=len(voted_ids),
        voted=actor.member.id in voted_ids,
        my_choice=my_choice,
        objections=tuple(
            ObjectionView(
                id=o.id,
                objector_id=o.objector_id,
                objector_name=member_name(members, o.objector_id) or "",
                reason=o.reason,
                raised_at=o.raised_at,
                resolved_at=o.resolved_at,
                resolution=o.resolution,
            )
            for o in uow.governance.objections(org_id, p.id)
        ),
        advice=tuple(
            AdviceView(
                id=a.id,
                member_id=a.member_id,
                member_name=member_name(members, a.member_id) or "",
                text=a.text,
                given_at=a.given_at,
            )
            for a in uow.governance.advice(org_id, p.id)
        ),
        outcome=_outcome_view(outcome) if outcome else None,
        can_vote=status == "open"
        and p.method != "advice"
        and actor.role is not Role.OBSERVER
        and actor.member.id in body_ids
        and not (p.secret and actor.member.id in voted_ids),
        events=log_view(uow, actor, members, proposal_id=p.id)
        if with_events and not public
        else (),
    )


def reread(uow: UnitOfWork, actor: Actor, proposal_id: int, now: datetime) -> ProposalView:
    return proposal_view(uow, actor, find_proposal(uow, actor, proposal_id), now)
