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
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from partage.services.context import Actor, UnitOfWork

__all__ = [
    "ActionView",
    "AdviceView",
    "Body",
    "CollegeCount",
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
    "create_circle",
    "decide",
    "decision_log",
    "give_advice",
    "open_proposal",
    "proposals",
    "public_decisions",
    "raise_objection",
    "roles",
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


# -- bodies and roles -----------------------------------------------------------------------


def bodies(uow: UnitOfWork, *, actor: Actor) -> list[Body]:
    """The organization's bodies: the assembly, the admins, then its circles by number."""
    raise NotImplementedError


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
    raise NotImplementedError


def roles(
    uow: UnitOfWork, *, actor: Actor, now: datetime, active_only: bool = False
) -> list[RoleView]:
    """Who holds what and since when; a role whose term ended before ``now`` shows ended."""
    raise NotImplementedError


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
    raise NotImplementedError


def proposals(
    uow: UnitOfWork, *, actor: Actor, now: datetime, status: str | None = None
) -> list[ProposalView]:
    """The organization's proposals, newest first; ``status`` filters (open, due, closed)."""
    raise NotImplementedError


def view_proposal(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int, now: datetime
) -> ProposalView:
    """One proposal with its votes (or counts), objections, advice, outcome and log."""
    raise NotImplementedError


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
    raise NotImplementedError


def raise_objection(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int, reason: str, now: datetime
) -> ProposalView:
    """A member of the body objects to an open consent proposal (one standing per member)."""
    raise NotImplementedError


def withdraw_objection(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int, objection_id: int, now: datetime
) -> ProposalView:
    """The objector withdraws their standing objection."""
    raise NotImplementedError


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
    raise NotImplementedError


def give_advice(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int, text: str, now: datetime
) -> ProposalView:
    """Anyone in the organization but an observer gives advice on an open advice proposal."""
    raise NotImplementedError


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
    raise NotImplementedError


def close_proposal(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int, now: datetime
) -> ProposalView:
    """Count a vote, college vote, consent or score after its closing time (any member, not
    an observer): the outcome is recorded append-only and a passing action applied."""
    raise NotImplementedError


def close_due(uow: UnitOfWork, *, actor: Actor, now: datetime) -> list[int]:
    """Close every proposal whose closing time passed (advice ones wait for their decider);
    returns their numbers. Entry points call it before listing, or a scheduler does."""
    raise NotImplementedError


# -- the record -----------------------------------------------------------------------------


def decision_log(
    uow: UnitOfWork, *, actor: Actor, proposal_id: int | None = None
) -> list[DecisionLogEntry]:
    """The decision log in order, whole or of one proposal."""
    raise NotImplementedError


def public_decisions(uow: UnitOfWork, *, actor: Actor) -> list[ProposalView]:
    """Closed proposals and their outcomes, for the public page (read as the public reader:
    no vote of anyone is shown, only counts and outcomes)."""
    raise NotImplementedError
