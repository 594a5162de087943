"""Votes on a proposal: who may vote, with what choice or scores, in which college, and
whether a vote may be changed.

Guarantees: a vote is refused after closing, from a non-member of the proposal's body or an
observer, on an advice proposal, and with a choice its method does not take (``consent``:
agree or abstain, and agree only once the voter's own objection is withdrawn; ``vote`` and
``college_vote``: agree, abstain, disagree, and block where the body allows it; ``score``:
whole scores from 0 to 5 for at least one of the options). A college vote counts the
member in their college. An open vote may be changed until closing, never recast the same;
a secret vote is final and keeps who took part, never who chose what. Every vote is
appended to the decision log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from partage.core.community import Member
from partage.core.errors import InvalidInput
from partage.core.governance.proposals import (
    ProposalRecord,
)
from partage.core.governance.tally import (
    CHOICES,
    CONSENT_CHOICES,
)
from partage.core.roles import require_participant
from partage.services.context import Actor, UnitOfWork
from partage.services.governance_views import (
    ProposalView,
    find_body,
    find_proposal,
    member_map,
    require_in_body,
    require_open,
    reread,
)


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
    p = find_proposal(uow, actor, proposal_id, lock=True)
    members = member_map(uow, org_id)
    require_in_body(actor, find_body(uow, actor, p.body_id), members, "vote on its proposals")
    require_open(uow, actor, p, now, "vote")
    me = actor.member.id
    if p.method == "advice":
        raise InvalidInput(
            "vote.advice",
            "an advice proposal takes advice, not votes: give your advice",
            field="choice",
        )
    clean_scores = _check_scores(p, scores) if p.method == "score" else None
    if p.method != "score":
        if scores is not None:
            raise InvalidInput(
                "vote.choice_expected",
                "only a score proposal takes scores: give agree, abstain or disagree",
                "scores",
            )
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
    return reread(uow, actor, p.id, now)


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
