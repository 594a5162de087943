"""Governance use cases: bodies, roles, proposals, votes, objections, advice, closing, actions.

Every organization has two bodies from the start — the general assembly (every member who is
not an observer, voting by college) and the admins — and admins may create circles with named
members. A member of a body opens a proposal there, decided by one of five methods:

- ``consent``: passes at closing unless an objection stands; an amendment of the text resolves
  the standing objections and restarts the window;
- ``advice``: members give advice; after the advice window the decider (the author, or a role
  holder they named) decides with a decision text, the advice staying in the record;
- ``vote``: agree / abstain / disagree (/ block where the body allows blocks), threshold, quorum;
- ``college_vote``: the same, each college weighing by the organization's college weights
  (for a SCIC the legal bounds are checked when the proposal is opened);
- ``score``: options scored 0–5, the best mean chosen.

Counting reuses :mod:`partage.core.governance.tally` and :mod:`partage.core.governance.score`.
A secret vote keeps who took part and the counts per college, never who chose what; so a secret
vote is final, and an open vote may be changed until closing.

A proposal may carry an action (:mod:`partage.core.governance.actions`), validated when the
proposal opens and applied in the same transaction as a passing outcome; if it no longer
applies at closing the outcome is kept and the action recorded as failed, with the reason.

Every step is appended to the decision log, which the database keeps append-only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from partage.core.claims import clean_text
from partage.core.community import LegalForm, Member, check_name
from partage.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from partage.core.governance import actions as action_rules
from partage.core.governance import proposals as rules
from partage.core.governance.document import as_json, decimal_text, score_json
from partage.core.governance.proposals import (
    ADMINS,
    ASSEMBLY,
    BodyRecord,
    OutcomeRecord,
    ProposalRecord,
    RoleRecord,
)
from partage.core.governance.score import Ballot, score
from partage.core.governance.tally import (
    CHOICES,
    CONSENT_CHOICES,
    College,
    Counts,
    Objection,
    Rules,
    Tally,
    Vote,
    plain_decimal,
    tally,
)
from partage.core.governance.weighted import check_power, contribution_weight, weighted_tally
from partage.core.roles import Role, require_admin, require_participant
from partage.services import governance_actions
from partage.services.context import Actor, UnitOfWork

__all__ = [
    "ActionView",
    "AdviceView",
    "Body",
    "CollegeCount",
    "ContributionPower",
    "DecisionLogEntry",
    "ObjectionView",
    "OutcomeView",
    "Proposal",
    "ProposalView",
    "RoleView",
    "VoteView",
    "amend_proposal",
    "bodies",
    "close_due",
    "close_proposal",
    "contribution_power",
    "create_circle",
    "decide",
    "decision_log",
    "give_advice",
    "open_proposal",
    "proposals",
    "public_decisions",
    "raise_objection",
    "roles",
    "set_contribution_power",
    "view_proposal",
    "vote",
    "withdraw_objection",
]


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
    the hours their contributions recorded before the proposal opened. Decimals as text."""

    cap: str
    hours_per_step: str


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
    action_failed, circle_created, role_filled, role_ended. ``text`` says it in English;
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
_DEFAULT_BODIES = (
    BodyRecord(1, "assembly", ASSEMBLY, False, None),
    BodyRecord(2, "admins", ADMINS, True, None),
)
_VOTING = ("vote", "college_vote")


def _stored_bodies(uow: UnitOfWork, org_id: int) -> list[BodyRecord]:
    return uow.governance.bodies(org_id) or list(_DEFAULT_BODIES)


def _ensure_bodies(uow: UnitOfWork, actor: Actor, now: datetime) -> None:
    """The assembly and the admins exist from an organization's first governance step."""
    if uow.governance.bodies(actor.org_id):
        return
    for body in _DEFAULT_BODIES:
        uow.governance.add_body(
            actor.org_id,
            kind=body.kind,
            name=body.name,
            allows_blocks=body.allows_blocks,
            member_ids=(),
            by=None,
            now=now,
        )


def _member_map(uow: UnitOfWork, org_id: int) -> dict[int, Member]:
    return {m.id: m for m in uow.community.members(org_id)}


def _body_member_ids(body: BodyRecord, members: Mapping[int, Member]) -> tuple[int, ...]:
    """Who acts in ``body`` now: observers (and removed members, who are observers) never."""
    if body.kind == "assembly":
        return tuple(i for i, m in members.items() if m.role is not Role.OBSERVER)
    if body.kind == "admins":
        return tuple(i for i, m in members.items() if m.role is Role.ADMIN)
    return tuple(
        i for i in body.member_ids if i in members and members[i].role is not Role.OBSERVER
    )


def _body_view(body: BodyRecord, members: Mapping[int, Member]) -> Body:
    return Body(
        id=body.id,
        kind=body.kind,
        name=body.name,
        allows_blocks=body.allows_blocks,
        member_ids=_body_member_ids(body, members),
        created_at=body.created_at,
    )


def _body(uow: UnitOfWork, actor: Actor, body_id: int) -> BodyRecord:
    found = next((b for b in _stored_bodies(uow, actor.org_id) if b.id == body_id), None)
    if found is None:
        raise NotFound("body.not_found", f"no decision body #{body_id}", field="body")
    return found


def _proposal(
    uow: UnitOfWork, actor: Actor, proposal_id: int, *, lock: bool = False
) -> ProposalRecord:
    found = uow.governance.proposal(actor.org_id, proposal_id, lock=lock)
    if found is None:
        raise NotFound("proposal.not_found", f"no proposal #{proposal_id}", field="proposal")
    return found


def _in_body(
    actor: Actor, body: BodyRecord, members: Mapping[int, Member], doing: str
) -> tuple[int, ...]:
    require_participant(actor.role)
    ids = _body_member_ids(body, members)
    if actor.member.id not in ids:
        raise Forbidden(
            "body.not_member",
            f"only members of the body '{body.name}' can {doing}",
            field="body",
        )
    return ids


def _open_for(
    uow: UnitOfWork, actor: Actor, proposal: ProposalRecord, now: datetime, doing: str
) -> None:
    if uow.governance.outcome(actor.org_id, proposal.id) is not None or now >= proposal.closes_at:
        raise InvalidInput(
            "proposal.closed",
            f"proposal #{proposal.id} closed at {proposal.closes_at:%Y-%m-%d %H:%M} UTC: "
            f"it is too late to {doing}",
            field="proposal",
        )


def _name(members: Mapping[int, Member], member_id: int | None) -> str | None:
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
        contribution_power=ContributionPower(plain_decimal(p.power[0]), plain_decimal(p.power[1]))
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


def _log_view(
    uow: UnitOfWork, actor: Actor, members: Mapping[int, Member], *, proposal_id: int | None
) -> tuple[DecisionLogEntry, ...]:
    return tuple(
        DecisionLogEntry(
            id=e.id,
            at=e.at,
            kind=e.kind,
            proposal_id=e.proposal_id,
            member_id=e.member_id,
            member_name=_name(members, e.member_id),
            text=e.text,
            data=e.data,
        )
        for e in uow.governance.entries(actor.org_id, proposal_id=proposal_id)
    )


def _view(
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
    members = members if members is not None else _member_map(uow, org_id)
    body = _body(uow, actor, p.body_id)
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
                    voter_name=_name(members, v.voter_id) or "",
                    choice=v.choice,
                    scores=v.scores,
                    cast_at=v.cast_at,
                )
                for v in records
            )
        mine = next((v for v in records if v.voter_id == actor.member.id), None)
        my_choice = mine.choice if mine else None
    body_ids = _body_member_ids(body, members)
    return ProposalView(
        proposal=_proposal_value(p),
        body=_body_view(body, members),
        author_name=_name(members, p.author_id) or "",
        decider_name=_name(members, p.decider_id),
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
                objector_name=_name(members, o.objector_id) or "",
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
                member_name=_name(members, a.member_id) or "",
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
        events=_log_view(uow, actor, members, proposal_id=p.id)
        if with_events and not public
        else (),
    )


def _reread(uow: UnitOfWork, actor: Actor, proposal_id: int, now: datetime) -> ProposalView:
    return _view(uow, actor, _proposal(uow, actor, proposal_id), now)


# -- bodies and roles -----------------------------------------------------------------------


def bodies(uow: UnitOfWork, *, actor: Actor) -> list[Body]:
    """The organization's bodies: the assembly, the admins, then its circles by number."""
    members = _member_map(uow, actor.org_id)
    return [_body_view(b, members) for b in _stored_bodies(uow, actor.org_id)]


def create_circle(
    uow: UnitOfWork,
    *,
    actor: Actor,
    name: str,
    member_ids: tuple[int, ...],
    now: datetime,
    allows_blocks: bool = False,
) -> Body:
    """An admin creates a circle with named members (no observer); logged."""
    require_admin(actor.role)
    clean = check_name(name, field="name")
    _ensure_bodies(uow, actor, now)
    taken = {b.name.lower() for b in uow.governance.bodies(actor.org_id)}
    if clean.lower() in taken:
        raise Conflict("body.duplicate", f"a body named '{clean}' exists", field="name")
    members = _member_map(uow, actor.org_id)
    chosen = tuple(sorted(set(member_ids)))
    if not chosen:
        raise InvalidInput("body.no_members", "a circle needs at least one member", "members")
    for member_id in chosen:
        member = members.get(member_id)
        if member is None:
            raise InvalidInput("body.unknown_member", f"no member #{member_id}", "members")
        if member.role is Role.OBSERVER:
            raise InvalidInput(
                "body.observer",
                f"{member.name} is an observer and cannot sit in a circle",
                field="members",
            )
    body_id = uow.governance.add_body(
        actor.org_id,
        kind="circle",
        name=clean,
        allows_blocks=allows_blocks,
        member_ids=chosen,
        by=actor.member.id,
        now=now,
    )
    uow.governance.log(
        actor.org_id,
        kind="circle_created",
        at=now,
        member_id=actor.member.id,
        text=f"circle '{clean}' created with " + ", ".join(members[i].name for i in chosen),
        data={"body_id": body_id, "name": clean, "member_ids": list(chosen)},
    )
    uow.commit()
    return _body_view(_body(uow, actor, body_id), members)


def _role_view(role: RoleRecord, members: Mapping[int, Member], now: datetime) -> RoleView:
    return RoleView(
        id=role.id,
        name=role.name,
        domain=role.domain,
        body_id=role.body_id,
        holder_id=role.holder_id,
        holder_name=_name(members, role.holder_id) or "",
        since=role.since,
        term_ends_at=role.term_ends_at,
        ended_at=rules.ended_at(role, now),
        ended_reason=rules.ended_reason(role, now),
        active=rules.role_active(role, now),
        proposal_id=role.proposal_id,
    )


def roles(
    uow: UnitOfWork, *, actor: Actor, now: datetime, active_only: bool = False
) -> list[RoleView]:
    """Who holds what and since when; a role whose term ended before ``now`` shows ended."""
    members = _member_map(uow, actor.org_id)
    views = [_role_view(r, members, now) for r in uow.governance.roles(actor.org_id)]
    return [v for v in views if v.active] if active_only else views


# -- proposals ------------------------------------------------------------------------------


def open_proposal(
    uow: UnitOfWork,
    *,
    actor: Actor,
    body_id: int,
    title: str,
    text: str,
    method: str,
    closes_at: datetime,
    now: datetime,
    threshold: str | None = None,
    quorum: str | None = None,
    quorum_per_college: bool = False,
    secret: bool = False,
    options: tuple[str, ...] = (),
    action: Mapping[str, object] | None = None,
    decider_id: int | None = None,
) -> ProposalView:
    """A member of the body opens a proposal; its rules and action are checked now.

    Refused (nothing written): an observer or a non-member of the body; a closing time not
    in the future; a method, threshold or quorum that does not fit; a secret consent, advice
    or score; a college vote in an organization without colleges, or whose weights break
    the rules (sum 100; SCIC: at least three colleges within 10–50 %); an invalid action.
    For a consent the window is ``closes_at - now``, restarted by each amendment.

    ``action`` is a mapping with a ``kind`` and its fields (see
    :mod:`partage.core.governance.actions`):
    ``{"kind": "set_public_page", "public": true}``;
    ``{"kind": "open_round", "name", "envelope" (minor units), "window_hours",
    "policy"?, "unspent_rule"?}``;
    ``{"kind": "admit_member", "name", "email"?, "college"?, "role"? (member|observer)}``;
    ``{"kind": "remove_member", "member_id"}``;
    ``{"kind": "change_college", "member_id", "college"}``;
    ``{"kind": "set_college_weights", "weights": {college: "40", ...}}``;
    ``{"kind": "fill_role", "name", "domain", "holder_id", "term_days"?}``;
    ``{"kind": "end_role", "role_id"}``.
    A commission rate and a round's envelope or window are refused, naming what exists.
    """
    require_participant(actor.role)
    org_id = actor.org_id
    body = _body(uow, actor, body_id)
    members = _member_map(uow, org_id)
    body_ids = _in_body(actor, body, members, "open a proposal there")
    clean_title = check_name(title, field="title")
    clean_body = clean_text(text, field="text")
    checked = rules.check_rules(
        method=method,
        threshold=threshold,
        quorum=quorum,
        quorum_per_college=quorum_per_college,
        secret=secret,
        options=options,
        closes_at=closes_at,
        now=now,
    )
    weights: dict[str, Decimal] | None = None
    if checked.method == "college_vote" or checked.quorum_per_college:
        colleges = uow.community.colleges(org_id)
        weights = {c.name: c.weight for c in colleges}
        rules.check_weights(
            weights, scic=actor.organization.legal_form is LegalForm.SCIC, field="colleges"
        )
        for college in colleges:
            if not any(members[i].college_id == college.id for i in body_ids):
                raise InvalidInput(
                    "proposal.empty_college",
                    f"nobody in the body '{body.name}' belongs to the college "
                    f"'{college.name}': a college vote needs members in every college",
                    field="colleges",
                )
    if decider_id is not None and checked.method != "advice":
        raise InvalidInput(
            "proposal.decider_not_used",
            "only an advice proposal has a decider",
            field="decider",
        )
    decider = decider_id if decider_id is not None else actor.member.id
    if checked.method == "advice":
        found = members.get(decider)
        if found is None or found.role is Role.OBSERVER:
            raise InvalidInput(
                "proposal.unknown_decider",
                f"no member #{decider} who can decide (observers cannot)",
                field="decider",
            )
    checked_action = None
    if action is not None:
        if checked.method == "score":
            raise InvalidInput(
                "proposal.score_action",
                "a score chooses between options and carries no action; "
                "open a proposal with the chosen option",
                field="action",
            )
        checked_action = governance_actions.check(uow, actor, action, now=now)
    _ensure_bodies(uow, actor, now)
    cap, step = uow.governance.settings(org_id)
    # Power from contribution weighs named votes only: a secret ballot has no voter to weigh.
    power = (
        (cap, step or Decimal(10))
        if cap is not None and checked.method in _VOTING and not checked.secret
        else None
    )
    proposal_id = uow.governance.add_proposal(
        org_id,
        body_id=body.id,
        author_id=actor.member.id,
        title=clean_title,
        text=clean_body,
        rules=checked,
        blocks_allowed=body.allows_blocks and checked.method in _VOTING,
        weights=weights if checked.method == "college_vote" else None,
        opened_at=now,
        closes_at=closes_at,
        decider_id=decider if checked.method == "advice" else None,
        action=action_rules.as_mapping(checked_action) if checked_action else None,
        power=power,
    )
    if checked.secret:
        uow.governance.prepare_counts(
            org_id,
            proposal_id,
            colleges=tuple(weights) if checked.method == "college_vote" and weights else ("",),
            choices=CHOICES,
        )
    uow.governance.log(
        org_id,
        kind="proposal_opened",
        at=now,
        proposal_id=proposal_id,
        member_id=actor.member.id,
        text=f"{actor.member.name} opened '{clean_title}' ({checked.method}) in "
        f"'{body.name}', closing {closes_at:%Y-%m-%d %H:%M} UTC"
        + (f"; if it passes: {action_rules.summary(checked_action)}" if checked_action else ""),
        data={
            "title": clean_title,
            "text": clean_body,
            "method": checked.method,
            "closes_at": closes_at.isoformat(),
            "secret": checked.secret,
            "action": action_rules.as_mapping(checked_action) if checked_action else None,
        },
    )
    uow.commit()
    return _reread(uow, actor, proposal_id, now)


def proposals(
    uow: UnitOfWork, *, actor: Actor, now: datetime, status: str | None = None
) -> list[ProposalView]:
    """The organization's proposals, newest first; ``status`` filters (open, due, closed)."""
    if status is not None and status not in ("open", "due", "closed"):
        raise InvalidInput(
            "proposal.bad_status", "status is one of open, due, closed", field="status"
        )
    members = _member_map(uow, actor.org_id)
    views = [
        _view(uow, actor, p, now, members=members, with_events=False)
        for p in uow.governance.proposals(actor.org_id)
    ]
    return [v for v in views if status is None or v.status == status]


def view_proposal(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int, now: datetime
) -> ProposalView:
    """One proposal with its votes (or counts), objections, advice, outcome and log."""
    return _view(uow, actor, _proposal(uow, actor, proposal_id), now)


def vote(
    uow: UnitOfWork,
    *,
    actor: Actor,
    proposal_id: int,
    now: datetime,
    choice: str | None = None,
    scores: Mapping[str, int] | None = None,
) -> ProposalView:
    """Cast (or change, if open) a vote: ``choice`` for vote/college_vote/consent
    (agree/abstain in a consent), ``scores`` for a score.

    Refused: after closing, by a non-member of the body or an observer, a second secret
    vote, a block where the body allows none, a choice or score that does not fit.
    """
    require_participant(actor.role)
    org_id = actor.org_id
    p = _proposal(uow, actor, proposal_id, lock=True)
    members = _member_map(uow, org_id)
    _in_body(actor, _body(uow, actor, p.body_id), members, "vote on its proposals")
    _open_for(uow, actor, p, now, "vote")
    me = actor.member.id
    if p.method == "advice":
        raise InvalidInput(
            "vote.advice",
            "an advice proposal takes advice, not votes: give your advice",
            field="choice",
        )
    clean_scores = _check_scores(p, scores) if p.method == "score" else None
    if p.method != "score":
        _check_choice(p, choice)
    elif choice is not None:
        raise InvalidInput(
            "vote.scores_expected", "a score proposal takes scores, not a choice", "choice"
        )
    college = ""
    if p.method == "college_vote":
        college = _college_of(uow, actor, members[me], p)
    if p.method == "consent" and choice == "agree":
        standing = [
            o
            for o in uow.governance.objections(org_id, p.id)
            if o.objector_id == me and o.resolved_at is None
        ]
        if standing:
            raise InvalidInput(
                "vote.objection_stands",
                "you stand by an objection to this proposal: withdraw it before consenting",
                field="choice",
            )
    if p.secret:
        assert choice is not None
        if me in uow.governance.participants(org_id, p.id):
            raise InvalidInput(
                "vote.already_cast",
                "you have already voted: a secret vote is final (nothing links you to your "
                "choice, so it cannot be changed)",
                field="choice",
            )
        uow.governance.add_secret_vote(org_id, p.id, member_id=me, college=college, choice=choice)
        uow.governance.log(
            org_id,
            kind="secret_vote_cast",
            at=now,
            proposal_id=p.id,
            member_id=me,
            text=f"{actor.member.name} voted (secret ballot)",
            data={},
        )
    else:
        earlier = next((v for v in uow.governance.votes(org_id, p.id) if v.voter_id == me), None)
        if earlier is not None and earlier.choice == choice and earlier.scores == clean_scores:
            raise InvalidInput(
                "vote.unchanged",
                f"you have already voted {_said(choice, clean_scores)} on this proposal",
                field="choice",
            )
        uow.governance.put_vote(
            org_id, p.id, voter_id=me, choice=choice, scores=clean_scores, now=now
        )
        changed = earlier is not None
        uow.governance.log(
            org_id,
            kind="vote_changed" if changed else "vote_cast",
            at=now,
            proposal_id=p.id,
            member_id=me,
            text=f"{actor.member.name} "
            + ("changed their vote to " if changed else "voted ")
            + _said(choice, clean_scores),
            data={"choice": choice, "scores": clean_scores}
            | ({"previous": earlier.choice, "previous_scores": earlier.scores} if earlier else {}),
        )
    uow.commit()
    return _reread(uow, actor, p.id, now)


def _said(choice: str | None, scores: Mapping[str, int] | None) -> str:
    if scores is not None:
        return ", ".join(f"{o} {s}" for o, s in scores.items())
    return str(choice)


def _check_choice(p: ProposalRecord, choice: str | None) -> None:
    allowed = CONSENT_CHOICES if p.method == "consent" else CHOICES
    if choice is None or choice not in allowed:
        hint = " (to disagree with a consent, object)" if p.method == "consent" else ""
        raise InvalidInput(
            "vote.bad_choice",
            f"the choice {choice!r} is not one of {', '.join(allowed)}{hint}",
            field="choice",
        )
    if choice == "block" and not p.blocks_allowed:
        raise InvalidInput(
            "vote.block_not_allowed",
            "this body does not allow blocks: agree, abstain or disagree",
            field="choice",
        )


def _check_scores(p: ProposalRecord, scores: Mapping[str, int] | None) -> dict[str, int]:
    if not scores:
        raise InvalidInput(
            "vote.scores_missing",
            "score at least one option, from 0 to 5: " + ", ".join(p.options),
            field="scores",
        )
    clean: dict[str, int] = {}
    for option, value in scores.items():
        if option not in p.options:
            raise InvalidInput(
                "vote.unknown_option",
                f"{option!r} is not one of the options: {', '.join(p.options)}",
                field="scores",
            )
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
            raise InvalidInput(
                "vote.score_range",
                f"the score of {option!r} is a whole number from 0 to 5, not {value!r}",
                field="scores",
            )
        clean[option] = value
    return dict(sorted(clean.items()))


def _college_of(uow: UnitOfWork, actor: Actor, member: Member, p: ProposalRecord) -> str:
    names = {c.id: c.name for c in uow.community.colleges(actor.org_id)}
    name = names.get(member.college_id) if member.college_id is not None else None
    if name is None or p.weights is None or name not in p.weights:
        raise InvalidInput(
            "vote.no_college",
            f"{member.name} belongs to no college of this vote; an admin places members in "
            "colleges",
            field="college",
        )
    return name


def raise_objection(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int, reason: str, now: datetime
) -> ProposalView:
    """A member of the body objects to an open consent proposal (one standing per member)."""
    p = _consent(uow, actor, proposal_id, now, "object")
    me = actor.member.id
    if p.author_id == me:
        raise InvalidInput(
            "objection.own_proposal",
            "you cannot object to your own proposal: amend it instead",
            field="proposal",
        )
    if any(
        o.objector_id == me and o.resolved_at is None
        for o in uow.governance.objections(actor.org_id, p.id)
    ):
        raise InvalidInput(
            "objection.standing",
            "you already stand by an objection to this proposal",
            field="reason",
        )
    clean = clean_text(reason, field="reason")
    objection_id = uow.governance.add_objection(
        actor.org_id, p.id, objector_id=me, reason=clean, now=now
    )
    uow.governance.log(
        actor.org_id,
        kind="objection_raised",
        at=now,
        proposal_id=p.id,
        member_id=me,
        text=f"{actor.member.name} objected: {clean}",
        data={"objection_id": objection_id, "reason": clean},
    )
    uow.commit()
    return _reread(uow, actor, p.id, now)


def _consent(
    uow: UnitOfWork, actor: Actor, proposal_id: int, now: datetime, doing: str
) -> ProposalRecord:
    require_participant(actor.role)
    p = _proposal(uow, actor, proposal_id, lock=True)
    _in_body(actor, _body(uow, actor, p.body_id), _member_map(uow, actor.org_id), doing)
    _open_for(uow, actor, p, now, doing)
    if p.method != "consent":
        raise InvalidInput(
            "objection.not_consent",
            f"only a consent proposal takes objections; this one is decided by {p.method}",
            field="proposal",
        )
    return p


def withdraw_objection(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int, objection_id: int, now: datetime
) -> ProposalView:
    """The objector withdraws their standing objection."""
    p = _consent(uow, actor, proposal_id, now, "withdraw an objection")
    found = next(
        (o for o in uow.governance.objections(actor.org_id, p.id) if o.id == objection_id), None
    )
    if found is None:
        raise NotFound(
            "objection.not_found",
            f"no objection #{objection_id} on proposal #{p.id}",
            field="objection",
        )
    if found.objector_id != actor.member.id:
        raise Forbidden(
            "objection.not_yours", "only the objector can withdraw an objection", "objection"
        )
    if found.resolved_at is not None:
        raise InvalidInput(
            "objection.resolved",
            f"objection #{objection_id} was already {found.resolution}",
            field="objection",
        )
    uow.governance.resolve_objections(
        actor.org_id, p.id, resolution="withdrawn", now=now, objection_id=objection_id
    )
    uow.governance.log(
        actor.org_id,
        kind="objection_withdrawn",
        at=now,
        proposal_id=p.id,
        member_id=actor.member.id,
        text=f"{actor.member.name} withdrew their objection",
        data={"objection_id": objection_id},
    )
    uow.commit()
    return _reread(uow, actor, p.id, now)


def amend_proposal(
    uow: UnitOfWork,
    *,
    actor: Actor,
    proposal_id: int,
    text: str,
    now: datetime,
    note: str = "",
) -> ProposalView:
    """The author amends an open consent proposal's text: standing objections are resolved
    (``amended``) and the window restarts from ``now``."""
    p = _consent(uow, actor, proposal_id, now, "amend it")
    if p.author_id != actor.member.id:
        raise Forbidden(
            "proposal.not_author", "only the author can amend a proposal", field="proposal"
        )
    clean = clean_text(text, field="text")
    if clean == p.text:
        raise InvalidInput(
            "proposal.same_text", "the amended text is the same as the current one", "text"
        )
    explained = clean_text(note, field="note", required=False)
    assert p.window is not None
    closes_at = now + p.window
    resolved = [
        o.id for o in uow.governance.objections(actor.org_id, p.id) if o.resolved_at is None
    ]
    uow.governance.resolve_objections(actor.org_id, p.id, resolution="amended", now=now)
    uow.governance.amend(actor.org_id, p.id, text=clean, closes_at=closes_at)
    uow.governance.log(
        actor.org_id,
        kind="proposal_amended",
        at=now,
        proposal_id=p.id,
        member_id=actor.member.id,
        text=f"{actor.member.name} amended the proposal"
        + (f": {explained}" if explained else "")
        + f"; {len(resolved)} objection(s) resolved, the window restarts until "
        f"{closes_at:%Y-%m-%d %H:%M} UTC",
        data={
            "text": clean,
            "previous_text": p.text,
            "note": explained,
            "resolved_objections": resolved,
            "closes_at": closes_at.isoformat(),
        },
    )
    uow.commit()
    return _reread(uow, actor, p.id, now)


def give_advice(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int, text: str, now: datetime
) -> ProposalView:
    """Anyone in the organization but an observer gives advice on an open advice proposal."""
    require_participant(actor.role)
    p = _proposal(uow, actor, proposal_id, lock=True)
    if p.method != "advice":
        raise InvalidInput(
            "advice.not_advice",
            f"only an advice proposal takes advice; this one is decided by {p.method}",
            field="proposal",
        )
    _open_for(uow, actor, p, now, "give advice")
    clean = clean_text(text, field="advice")
    advice_id = uow.governance.add_advice(
        actor.org_id, p.id, member_id=actor.member.id, text=clean, now=now
    )
    uow.governance.log(
        actor.org_id,
        kind="advice_given",
        at=now,
        proposal_id=p.id,
        member_id=actor.member.id,
        text=f"{actor.member.name} advised: {clean}",
        data={"advice_id": advice_id, "text": clean},
    )
    uow.commit()
    return _reread(uow, actor, p.id, now)


def decide(
    uow: UnitOfWork,
    *,
    actor: Actor,
    proposal_id: int,
    adopt: bool,
    text: str,
    now: datetime,
) -> ProposalView:
    """The decider of an advice proposal decides, after the advice window, with a text;
    adopting applies its action like a passing outcome."""
    require_participant(actor.role)
    p = _proposal(uow, actor, proposal_id, lock=True)
    if p.method != "advice":
        raise InvalidInput(
            "decision.not_advice",
            f"only an advice proposal is decided by one person; this one is counted ({p.method})",
            field="proposal",
        )
    if uow.governance.outcome(actor.org_id, p.id) is not None:
        raise Conflict("proposal.closed", f"proposal #{p.id} is already decided", "proposal")
    if p.decider_id != actor.member.id:
        members = _member_map(uow, actor.org_id)
        raise Forbidden(
            "decision.not_decider",
            f"only {_name(members, p.decider_id)} decides this proposal",
            field="proposal",
        )
    if now < p.closes_at:
        raise InvalidInput(
            "decision.too_early",
            f"advice is taken until {p.closes_at:%Y-%m-%d %H:%M} UTC; decide after that",
            field="proposal",
        )
    clean = clean_text(text, field="decision")
    advisers = len({a.member_id for a in uow.governance.advice(actor.org_id, p.id)})
    members = _member_map(uow, actor.org_id)
    eligible = sum(1 for m in members.values() if m.role is not Role.OBSERVER)
    turnout = Fraction(advisers, eligible) if eligible else Fraction(0)
    outcome = "passed" if adopt else "rejected"
    _record(
        uow,
        actor,
        p,
        now,
        outcome=outcome,
        result=Fraction(1 if adopt else 0),
        turnout=turnout,
        chosen=None,
        tied=(),
        decision_text=clean,
        document={"outcome": outcome, "method": "advice", "advisers": advisers},
    )
    uow.commit()
    return _reread(uow, actor, p.id, now)


# -- closing --------------------------------------------------------------------------------


def close_proposal(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int, now: datetime
) -> ProposalView:
    """Count a vote, college vote, consent or score after its closing time (any member, not
    an observer): the outcome is recorded append-only and a passing action applied."""
    require_participant(actor.role)
    p = _proposal(uow, actor, proposal_id, lock=True)
    _close(uow, actor, p, now)
    uow.commit()
    return _reread(uow, actor, p.id, now)


def close_due(uow: UnitOfWork, *, actor: Actor, now: datetime) -> list[int]:
    """Close every proposal whose closing time passed (advice ones wait for their decider);
    returns their numbers. Entry points call it before listing, or a scheduler does."""
    require_participant(actor.role)
    outcomes = uow.governance.outcomes(actor.org_id)
    closed: list[int] = []
    for p in sorted(uow.governance.proposals(actor.org_id), key=lambda p: p.id):
        if p.id in outcomes or p.method == "advice" or now < p.closes_at:
            continue
        locked = _proposal(uow, actor, p.id, lock=True)
        if uow.governance.outcome(actor.org_id, p.id) is None:
            _close(uow, actor, locked, now)
            closed.append(p.id)
    uow.commit()
    return closed


def _close(uow: UnitOfWork, actor: Actor, p: ProposalRecord, now: datetime) -> None:
    if uow.governance.outcome(actor.org_id, p.id) is not None:
        raise Conflict("proposal.closed", f"proposal #{p.id} is already closed", "proposal")
    if p.method == "advice":
        raise InvalidInput(
            "proposal.advice_decides",
            "an advice proposal is not counted: its decider decides",
            field="proposal",
        )
    if now < p.closes_at:
        raise InvalidInput(
            "proposal.not_due",
            f"proposal #{p.id} closes at {p.closes_at:%Y-%m-%d %H:%M} UTC; it can be counted "
            "after that",
            field="proposal",
        )
    members = _member_map(uow, actor.org_id)
    body_ids = _body_member_ids(_body(uow, actor, p.body_id), members)
    if p.method == "score":
        done_score = score(
            Rules("score", quorum=p.quorum),
            [College("", members=tuple(str(i) for i in body_ids))],
            p.options,
            [
                Ballot(str(v.voter_id), v.scores or {})
                for v in uow.governance.votes(actor.org_id, p.id)
                if v.voter_id in body_ids
            ],
        )
        outcome = {"chosen": "passed", "tie": "rejected", "rejected": "rejected"}.get(
            done_score.outcome, done_score.outcome
        )
        _record(
            uow,
            actor,
            p,
            now,
            outcome=outcome,
            result=done_score.result,
            turnout=done_score.turnout,
            chosen=done_score.chosen,
            tied=done_score.tied,
            decision_text="",
            document=score_json(done_score),
        )
        return
    done = _tally(uow, actor, p, members, body_ids)
    _record(
        uow,
        actor,
        p,
        now,
        outcome=done.outcome,
        result=done.result,
        turnout=done.turnout,
        chosen=None,
        tied=(),
        decision_text="",
        document=as_json(done),
    )


def _tally(
    uow: UnitOfWork,
    actor: Actor,
    p: ProposalRecord,
    members: Mapping[int, Member],
    body_ids: Sequence[int],
) -> Tally:
    """Count the proposal with the core tally, over the body's members at closing."""
    org_id = actor.org_id
    counts = uow.governance.counts(org_id, p.id) if p.secret else {}
    groups: dict[str, list[int]]
    if p.method == "college_vote":
        assert p.weights is not None
        names = {c.id: c.name for c in uow.community.colleges(org_id)}
        groups = {name: [] for name in p.weights}
        for i in body_ids:
            home = names.get(members[i].college_id or 0)
            if home in groups:
                groups[home].append(i)
    else:
        groups = {"": list(body_ids)}
    colleges = []
    for name, ids in groups.items():
        weight = p.weights[name] if p.weights is not None else None
        if p.secret:
            c = counts.get(name, {})
            # A college emptied since the vote opened still counts what its members cast.
            cast = Counts(**{k: c.get(k, 0) for k in CHOICES})
            colleges.append(
                College(name, size=max(len(ids), cast.voters, 1), weight=weight, counts=cast)
            )
        elif ids:
            colleges.append(College(name, members=tuple(str(i) for i in ids), weight=weight))
        else:
            colleges.append(College(name, size=1, weight=weight, counts=Counts()))
    in_body = set(body_ids)
    objections = uow.governance.objections(org_id, p.id)
    standing = {o.objector_id for o in objections if o.resolved_at is None} & in_body
    votes = [
        Vote(str(v.voter_id), v.choice or "")
        for v in ([] if p.secret else uow.governance.votes(org_id, p.id))
        # Votes of those who left the body since are not counted; a consent given before
        # objecting gives way to the objection.
        if v.voter_id in in_body and v.voter_id not in standing
    ]
    voted = {int(v.voter) for v in votes}
    took_part = {o.objector_id for o in objections} & in_body
    named = [
        Objection(str(i), standing=i in standing) for i in sorted(took_part - (voted - standing))
    ]
    counted = Rules(
        p.method,  # type: ignore[arg-type]  # vote, college_vote or consent here
        threshold=p.threshold,  # type: ignore[arg-type]  # checked when opened
        quorum=p.quorum,
        quorum_per_college=p.quorum_per_college and p.method == "college_vote",
        blocks=p.blocks_allowed,
    )
    if p.power is not None:
        cap, step = p.power
        hours = uow.governance.hours_recorded(org_id, before=p.opened_at)
        return weighted_tally(
            counted,
            colleges,
            votes,
            {
                v.voter: contribution_weight(
                    hours.get(int(v.voter), Decimal(0)), hours_per_step=step, cap=cap
                )
                for v in votes
            },
        )
    return tally(counted, colleges, votes, named if p.method == "consent" else ())


def _record(
    uow: UnitOfWork,
    actor: Actor,
    p: ProposalRecord,
    now: datetime,
    *,
    outcome: str,
    result: Fraction,
    turnout: Fraction,
    chosen: str | None,
    tied: tuple[str, ...],
    decision_text: str,
    document: dict[str, object],
) -> None:
    """Record the outcome, then apply a passing action in the same transaction (or record
    why it no longer applies), and log both."""
    org_id = actor.org_id
    status: str | None = None
    detail = ""
    made: dict[str, object] = {}
    action = None
    if p.action is not None and outcome == "passed":
        try:
            action = governance_actions.check(uow, actor, p.action, now=now)
        except InvalidInput as refused:
            status, detail = "failed", refused.message
        else:
            status = "applied"
    uow.governance.add_outcome(
        org_id,
        OutcomeRecord(
            proposal_id=p.id,
            outcome=outcome,
            result=decimal_text(result),
            turnout=decimal_text(turnout),
            chosen=chosen,
            tied=tied,
            decision_text=decision_text,
            decided_at=now,
            closed_by=actor.member.id,
            action_status=status,
            action_detail=detail,
            tally=document,
        ),
    )
    said = f"'{p.title}' {outcome}"
    if p.method == "advice":
        said = (
            f"{actor.member.name} decided '{p.title}': "
            + ("adopted" if outcome == "passed" else "not adopted")
            + f" — {decision_text}"
        )
    elif chosen:
        said += f": '{chosen}' chosen"
    elif tied:
        said += ": tie between " + ", ".join(tied)
    else:
        said += f" (result {decimal_text(result)}, turnout {decimal_text(turnout)})"
    uow.governance.log(
        org_id,
        kind="proposal_closed",
        at=now,
        proposal_id=p.id,
        member_id=actor.member.id,
        text=said,
        data={"outcome": outcome, "tally": document, "decision": decision_text},
    )
    if action is not None:
        made = governance_actions.apply(
            uow, actor, action, author_id=p.author_id, proposal_id=p.id, now=now
        )
        uow.governance.log(
            org_id,
            kind="action_applied",
            at=now,
            proposal_id=p.id,
            text=f"applied: {action_rules.summary(action)}",
            data={"action": action_rules.as_mapping(action), **made},
        )
        if action.kind == "fill_role":
            uow.governance.log(
                org_id,
                kind="role_filled",
                at=now,
                proposal_id=p.id,
                member_id=action.get_int("holder_id"),
                text=action_rules.summary(action),
                data=dict(made),
            )
        elif action.kind == "end_role":
            uow.governance.log(
                org_id,
                kind="role_ended",
                at=now,
                proposal_id=p.id,
                text=action_rules.summary(action),
                data={"role_id": action.get_int("role_id")},
            )
    elif status == "failed":
        uow.governance.log(
            org_id,
            kind="action_failed",
            at=now,
            proposal_id=p.id,
            text=f"the action was not applied: {detail}",
            data={"action": p.action, "reason": detail},
        )


# -- power from contribution ----------------------------------------------------------------


def contribution_power(uow: UnitOfWork, *, actor: Actor) -> ContributionPower | None:
    """The organization's power from contribution, or None when votes count one per member."""
    cap, step = uow.governance.settings(actor.org_id)
    if cap is None:
        return None
    return ContributionPower(plain_decimal(cap), plain_decimal(step or Decimal(10)))


def set_contribution_power(
    uow: UnitOfWork,
    *,
    actor: Actor,
    cap: str | None,
    now: datetime,
    hours_per_step: str = "10",
) -> ContributionPower | None:
    """An admin turns power from contribution on (a cap ≥ 1, the hours that add one base
    weight) or off (``cap`` None). Proposals opened afterwards use it; running ones keep theirs."""
    require_admin(actor.role)
    if cap is None:
        uow.governance.set_settings(
            actor.org_id, cap=None, hours_per_step=None, by=actor.member.id, now=now
        )
        text = "power from contribution turned off: one member, one vote within a college"
    else:
        multiple = _decimal(cap, "cap")
        step = _decimal(hours_per_step, "hours_per_step")
        check_power(multiple, step)
        uow.governance.set_settings(
            actor.org_id, cap=multiple, hours_per_step=step, by=actor.member.id, now=now
        )
        text = (
            f"power from contribution: within a college a vote weighs 1 + hours / "
            f"{plain_decimal(step)}, at most {plain_decimal(multiple)}"
        )
    uow.governance.log(
        actor.org_id,
        kind="contribution_power_set",
        at=now,
        member_id=actor.member.id,
        text=text,
        data={"cap": cap, "hours_per_step": hours_per_step if cap is not None else None},
    )
    uow.commit()
    return contribution_power(uow, actor=actor)


def _decimal(value: str, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        number = Decimal("NaN")
    if not number.is_finite():
        raise InvalidInput("power.not_a_number", f"{field} must be a number, not {value!r}", field)
    return number


# -- the record -----------------------------------------------------------------------------


def decision_log(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int | None = None
) -> list[DecisionLogEntry]:
    """The decision log in order, whole or of one proposal."""
    if proposal_id is not None:
        _proposal(uow, actor, proposal_id)
    members = _member_map(uow, actor.org_id)
    return list(_log_view(uow, actor, members, proposal_id=proposal_id))


def public_decisions(uow: UnitOfWork, *, actor: Actor) -> list[ProposalView]:
    """Closed proposals and their outcomes, for the public page (read as the public reader:
    no vote of anyone is shown, only counts and outcomes)."""
    if not actor.organization.public_page:
        raise NotFound("organization.not_found", "no such organization", field="organization")
    members = _member_map(uow, actor.org_id)
    outcomes = uow.governance.outcomes(actor.org_id)
    return [
        _view(uow, actor, p, p.closes_at, members=members, with_events=False, public=True)
        for p in uow.governance.proposals(actor.org_id)
        if p.id in outcomes
    ]
