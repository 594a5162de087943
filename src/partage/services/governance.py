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

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from partage.core.claims import clean_text
from partage.core.community import LegalForm, Member, check_name
from partage.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from partage.core.governance import actions as action_rules
from partage.core.governance import proposals as rules
from partage.core.governance.proposals import (
    ProposalRecord,
    RoleRecord,
)
from partage.core.governance.tally import (
    CHOICES,
    plain_decimal,
)
from partage.core.governance.weighted import check_power
from partage.core.roles import Role, require_admin, require_participant
from partage.services import governance_actions, governance_power
from partage.services import governance_closing as closing
from partage.services.context import Actor, UnitOfWork
from partage.services.governance_views import (
    VOTING,
    ActionView,
    AdviceView,
    Body,
    CollegeCount,
    ContributionPower,
    DecisionLogEntry,
    ObjectionView,
    OutcomeView,
    Proposal,
    ProposalView,
    RoleView,
    VoteView,
    body_view,
    ensure_bodies,
    find_body,
    find_proposal,
    log_view,
    member_map,
    member_name,
    proposal_view,
    require_in_body,
    require_open,
    reread,
    stored_bodies,
)
from partage.services.governance_votes import vote

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
    "comment",
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

# -- bodies and roles -----------------------------------------------------------------------


def bodies(uow: UnitOfWork, *, actor: Actor) -> list[Body]:
    """The organization's bodies: the assembly, the admins, then its circles by number."""
    members = member_map(uow, actor.org_id)
    return [body_view(b, members) for b in stored_bodies(uow, actor.org_id)]


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
    ensure_bodies(uow, actor, now)
    taken = {b.name.lower() for b in uow.governance.bodies(actor.org_id)}
    if clean.lower() in taken:
        raise Conflict("body.duplicate", f"a body named '{clean}' exists", field="name")
    members = member_map(uow, actor.org_id)
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
    return body_view(find_body(uow, actor, body_id), members)


def _role_view(role: RoleRecord, members: Mapping[int, Member], now: datetime) -> RoleView:
    return RoleView(
        id=role.id,
        name=role.name,
        domain=role.domain,
        body_id=role.body_id,
        holder_id=role.holder_id,
        holder_name=member_name(members, role.holder_id) or "",
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
    members = member_map(uow, actor.org_id)
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
    ``{"kind": "end_role", "role_id"}``;
    ``{"kind": "set_contribution_power", "cap" ("off" to turn it off), "hours_per_step"?}``;
    ``{"kind": "set_round_envelope", "round_id", "envelope" (minor units)}``;
    ``{"kind": "set_round_window", "round_id", "window_hours"}``.
    A commission rate is refused, naming what exists.
    """
    require_participant(actor.role)
    org_id = actor.org_id
    body = find_body(uow, actor, body_id)
    members = member_map(uow, org_id)
    body_ids = require_in_body(actor, body, members, "open a proposal there")
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
    if checked.method == "college_vote":
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
                    params={"body": body.name, "college": college.name},
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
    ensure_bodies(uow, actor, now)
    cap, step = uow.governance.settings(org_id)
    # Power from contribution weighs named votes only: a secret ballot has no voter to weigh.
    power = (
        (cap, step or Decimal(10))
        if cap is not None and checked.method in VOTING and not checked.secret
        else None
    )
    _, power_distribution = uow.governance.power_basis(org_id)
    proposal_id = uow.governance.add_proposal(
        org_id,
        body_id=body.id,
        author_id=actor.member.id,
        title=clean_title,
        text=clean_body,
        rules=checked,
        blocks_allowed=body.allows_blocks and checked.method in VOTING,
        weights=weights,
        opened_at=now,
        closes_at=closes_at,
        decider_id=decider if checked.method == "advice" else None,
        action=action_rules.as_mapping(checked_action) if checked_action else None,
        power=power,
        power_distribution_id=power_distribution if power is not None else None,
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
    return reread(uow, actor, proposal_id, now)


def proposals(
    uow: UnitOfWork, *, actor: Actor, now: datetime, status: str | None = None
) -> list[ProposalView]:
    """The organization's proposals, newest first; ``status`` filters (open, due, closed)."""
    if status is not None and status not in ("open", "due", "closed"):
        raise InvalidInput(
            "proposal.bad_status", "status is one of open, due, closed", field="status"
        )
    members = member_map(uow, actor.org_id)
    views = [
        proposal_view(uow, actor, p, now, members=members, with_events=False)
        for p in uow.governance.proposals(actor.org_id)
    ]
    return [v for v in views if status is None or v.status == status]


def view_proposal(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int, now: datetime
) -> ProposalView:
    """One proposal with its votes (or counts), objections, advice, outcome and log."""
    return proposal_view(uow, actor, find_proposal(uow, actor, proposal_id), now)


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
    return reread(uow, actor, p.id, now)


def _consent(
    uow: UnitOfWork, actor: Actor, proposal_id: int, now: datetime, doing: str
) -> ProposalRecord:
    require_participant(actor.role)
    p = find_proposal(uow, actor, proposal_id, lock=True)
    require_in_body(actor, find_body(uow, actor, p.body_id), member_map(uow, actor.org_id), doing)
    require_open(uow, actor, p, now, doing)
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
    return reread(uow, actor, p.id, now)


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
    return reread(uow, actor, p.id, now)


def comment(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int, text: str, now: datetime
) -> ProposalView:
    """A member (not an observer) adds to the discussion of a proposal, open or closed: how
    objections are talked through before they are withdrawn or answered by an amendment."""
    require_participant(actor.role)
    p = find_proposal(uow, actor, proposal_id)
    said = clean_text(text, field="comment")
    uow.governance.log(
        actor.org_id,
        kind="comment",
        at=now,
        proposal_id=p.id,
        member_id=actor.member.id,
        text=f"{actor.member.name}: {said}",
        data={"text": said},
    )
    uow.commit()
    return reread(uow, actor, p.id, now)


def give_advice(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int, text: str, now: datetime
) -> ProposalView:
    """Anyone in the organization but an observer gives advice on an open advice proposal."""
    require_participant(actor.role)
    p = find_proposal(uow, actor, proposal_id, lock=True)
    if p.method != "advice":
        raise InvalidInput(
            "advice.not_advice",
            f"only an advice proposal takes advice; this one is decided by {p.method}",
            field="proposal",
        )
    require_open(uow, actor, p, now, "give advice")
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
    return reread(uow, actor, p.id, now)


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
    p = find_proposal(uow, actor, proposal_id, lock=True)
    if p.method != "advice":
        raise InvalidInput(
            "decision.not_advice",
            f"only an advice proposal is decided by one person; this one is counted ({p.method})",
            field="proposal",
        )
    if uow.governance.outcome(actor.org_id, p.id) is not None:
        raise Conflict("proposal.closed", f"proposal #{p.id} is already decided", "proposal")
    if p.decider_id != actor.member.id:
        members = member_map(uow, actor.org_id)
        raise Forbidden(
            "decision.not_decider",
            f"only {member_name(members, p.decider_id)} decides this proposal",
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
    members = member_map(uow, actor.org_id)
    eligible = sum(1 for m in members.values() if m.role is not Role.OBSERVER)
    turnout = Fraction(advisers, eligible) if eligible else Fraction(0)
    outcome = "passed" if adopt else "rejected"
    closing.record(
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
    return reread(uow, actor, p.id, now)


# -- closing --------------------------------------------------------------------------------


def close_proposal(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int, now: datetime
) -> ProposalView:
    """Count a vote, college vote, consent or score after its closing time (any member, not
    an observer): the outcome is recorded append-only and a passing action applied."""
    require_participant(actor.role)
    p = find_proposal(uow, actor, proposal_id, lock=True)
    closing.close(uow, actor, p, now)
    uow.commit()
    return reread(uow, actor, p.id, now)


def close_due(uow: UnitOfWork, *, actor: Actor, now: datetime) -> list[int]:
    """Close every proposal whose closing time passed (advice ones wait for their decider);
    returns their numbers. Entry points call it before listing, or a scheduler does."""
    require_participant(actor.role)
    closed: list[int] = []
    for p in closing.due(uow, actor.org_id, now):
        locked = find_proposal(uow, actor, p.id, lock=True)
        if uow.governance.outcome(actor.org_id, p.id) is None:
            closing.close(uow, actor, locked, now)
            closed.append(p.id)
    uow.commit()
    return closed


# -- power from contribution ----------------------------------------------------------------


def contribution_power(uow: UnitOfWork, *, actor: Actor) -> ContributionPower | None:
    """The organization's power from contribution, or None when votes count one per member."""
    cap, step = uow.governance.settings(actor.org_id)
    if cap is None:
        return None
    basis, distribution_id = uow.governance.power_basis(actor.org_id)
    return ContributionPower(
        plain_decimal(cap),
        plain_decimal(step or Decimal(10)),
        basis=basis,
        distribution_id=distribution_id,
    )


def set_contribution_power(
    uow: UnitOfWork,
    *,
    actor: Actor,
    cap: str | None,
    now: datetime,
    hours_per_step: str = "10",
    basis: str | None = None,
    distribution_id: int | None = None,
) -> ContributionPower | None:
    """An admin turns power from contribution on (a cap ≥ 1, and what one base weight is: a
    number of hours, or the average payout of a recorded distribution) or off (``cap`` None).
    ``basis`` is 'hours' or 'distribution' (by default 'distribution' when ``distribution_id``
    is given). Proposals opened afterwards use it; running ones keep theirs."""
    require_admin(actor.role)
    data: dict[str, object]
    if cap is None:
        uow.governance.set_settings(
            actor.org_id, cap=None, hours_per_step=None, by=actor.member.id, now=now
        )
        text = "power from contribution turned off: one member, one vote within a college"
        data = {"cap": None, "hours_per_step": None}
    else:
        multiple = _decimal(cap, "cap")
        step = _decimal(hours_per_step, "hours_per_step")
        check_power(multiple, step)
        chosen = governance_power.check_basis(basis, distribution_id)
        if distribution_id is not None:
            governance_power.check_distribution(uow, actor, distribution_id)
        uow.governance.set_settings(
            actor.org_id,
            cap=multiple,
            hours_per_step=step,
            by=actor.member.id,
            now=now,
            basis=chosen,
            distribution_id=distribution_id,
        )
        data = {"cap": cap, "hours_per_step": hours_per_step}
        if distribution_id is not None:
            data["distribution_id"] = distribution_id
            text = (
                f"power from contribution: within a college a vote weighs 1 + payout / average "
                f"payout of distribution #{distribution_id}, at most {plain_decimal(multiple)}"
            )
        else:
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
        data=data,
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
        find_proposal(uow, actor, proposal_id)
    members = member_map(uow, actor.org_id)
    return list(log_view(uow, actor, members, proposal_id=proposal_id))


def public_decisions(uow: UnitOfWork, *, actor: Actor) -> list[ProposalView]:
    """Closed proposals and their outcomes, for the public page (read as the public reader:
    no vote of anyone is shown, only counts and outcomes)."""
    if not actor.organization.public_page:
        raise NotFound("organization.not_found", "no such organization", field="organization")
    members = member_map(uow, actor.org_id)
    outcomes = uow.governance.outcomes(actor.org_id)
    return [
        proposal_view(uow, actor, p, p.closes_at, members=members, with_events=False, public=True)
        for p in uow.governance.proposals(actor.org_id)
        if p.id in outcomes
    ]
