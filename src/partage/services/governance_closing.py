"""Closing a proposal: count it with the core tally (or score, or the weighted tally when
power from contribution is on), record the outcome append-only, and apply a passing action in
the same transaction — or record why it no longer applies. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from fractions import Fraction

from partage.core.community import Member
from partage.core.errors import Conflict, InvalidInput
from partage.core.governance import actions as action_rules
from partage.core.governance.document import as_json, decimal_text, score_json
from partage.core.governance.proposals import (
    OutcomeRecord,
    ProposalRecord,
)
from partage.core.governance.score import Ballot, score
from partage.core.governance.tally import (
    CHOICES,
    College,
    Counts,
    Objection,
    Rules,
    Tally,
    Vote,
    tally,
)
from partage.core.governance.weighted import weighted_tally
from partage.services import governance_actions, governance_power
from partage.services.context import Actor, UnitOfWork
from partage.services.governance_views import (
    body_member_ids,
    find_body,
    member_map,
)


def due(uow: UnitOfWork, org_id: int, now: datetime) -> list[ProposalRecord]:
    """The proposals past their closing time and not yet counted, oldest first (advice
    proposals are decided by their decider, never by time)."""
    outcomes = uow.governance.outcomes(org_id)
    return [
        p
        for p in sorted(uow.governance.proposals(org_id), key=lambda p: p.id)
        if p.id not in outcomes and p.method != "advice" and now >= p.closes_at
    ]


def close(
    uow: UnitOfWork, actor: Actor, p: ProposalRecord, now: datetime, *, by_time: bool = False
) -> None:
    """Count ``p`` and record its outcome. ``by_time``: the scheduler closes it, not a member
    (``actor`` then only says in which organization; nobody is named as the closer)."""
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
    members = member_map(uow, actor.org_id)
    body_ids = body_member_ids(find_body(uow, actor, p.body_id), members)
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
        record(
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
            by_time=by_time,
        )
        return
    done = count(uow, actor, p, members, body_ids)
    record(
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
        by_time=by_time,
    )


def count(
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
            # A college that lost members since the vote opened still counts what they cast
            # (a secret count cannot be taken back); one emptied without a vote counts nobody.
            cast = Counts(**{k: c.get(k, 0) for k in CHOICES})
            colleges.append(
                College(name, size=max(len(ids), cast.voters), weight=weight, counts=cast)
            )
        elif ids:
            colleges.append(College(name, members=tuple(str(i) for i in ids), weight=weight))
        else:
            # Emptied since the vote opened: nobody to count, in the quorum or elsewhere.
            colleges.append(College(name, size=0, weight=weight, counts=Counts()))
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
        return weighted_tally(
            counted,
            colleges,
            votes,
            governance_power.weights(uow, actor, p, (v.voter for v in votes)),
        )
    return tally(counted, colleges, votes, named if p.method == "consent" else ())


def record(
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
    by_time: bool = False,
) -> None:
    """Record the outcome, then apply a passing action in the same transaction (or record
    why it no longer applies), and log both."""
    org_id = actor.org_id
    closer = None if by_time else actor.member.id
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
            closed_by=closer,
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
        member_id=closer,
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
