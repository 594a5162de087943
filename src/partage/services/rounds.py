"""Contributive budget rounds: open, declare, object, discuss, amend, waive, redirect, close.

Each function is one use case in one unit of work. A round row is locked while it is changed
or closed, so that concurrent closes post once and claims never slip into a closed round.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from partage.core import chart
from partage.core import claims as consent
from partage.core.claims import ClaimEvent, ClaimRecord, ClaimStatus, Disposition
from partage.core.closing import (
    Closing,
    MissionSpec,
    Policy,
    UnspentRule,
    check_missions,
    close_round,
)
from partage.core.community import check_name, parse_decimal
from partage.core.errors import Conflict, InvalidInput, NotFound
from partage.core.ledger import Entry, entry
from partage.core.money import Money, as_params, check_minor
from partage.core.roles import require_admin, require_participant
from partage.core.rounds import Mission, Rate, Round, require_open
from partage.services.context import Actor, UnitOfWork
from partage.services.ledger import balance_of

__all__ = ["MissionSpec"]


def _round(uow: UnitOfWork, actor: Actor, round_id: int, *, lock: bool = False) -> Round:
    found = uow.rounds.get(actor.org_id, round_id, lock=lock)
    if found is None:
        raise NotFound("round.not_found", f"no round #{round_id}", field="round")
    return found


def _claim(uow: UnitOfWork, actor: Actor, claim_id: int) -> ClaimRecord:
    found = uow.rounds.claim(actor.org_id, claim_id)
    if found is None:
        raise NotFound("claim.not_found", f"no claim #{claim_id}", field="claim")
    return found


def open_round(
    uow: UnitOfWork,
    *,
    actor: Actor,
    name: str,
    envelope: int,
    window: timedelta,
    policy: Policy,
    unspent_rule: UnspentRule,
    now: datetime,
    missions: tuple[MissionSpec, ...] = (),
    rates: tuple[Rate, ...] = (),
) -> Round:
    """Set an envelope aside from the commons fund (plus what earlier rounds rolled over)."""
    require_admin(actor.role)
    clean = check_name(name)
    check_minor(envelope, field="envelope")
    consent.check_window(window)
    check_missions(envelope, {i: m.envelope for i, m in enumerate(missions)})
    for spec in missions:
        check_name(spec.name, field="mission")
        if (
            spec.steward_id is not None
            and uow.community.member(actor.org_id, spec.steward_id) is None
        ):
            raise InvalidInput(
                "mission.unknown_steward", f"no member #{spec.steward_id}", "steward"
            )
    for rate in rates:
        check_name(rate.activity, field="activity")
        check_minor(rate.amount, field="rate")
    currency = actor.organization.currency
    available = balance_of(uow, actor=actor, account=chart.COMMONS)
    if available.minor < envelope:
        raise InvalidInput(
            "round.insufficient_fund",
            f"the commons fund holds {available}; record the money coming in (a deposit) "
            f"before setting aside an envelope of {Money(envelope, currency)}",
            field="envelope",
            params={
                **as_params("available", available),
                **as_params("needed", Money(envelope, currency)),
            },
        )
    rolled_in = max(balance_of(uow, actor=actor, account=chart.ROLLOVER).minor, 0)
    created = uow.rounds.add_round(
        actor.org_id,
        name=clean,
        envelope=envelope,
        rolled_in=rolled_in,
        window=window,
        policy=policy,
        unspent_rule=unspent_rule,
        rates=rates,
        by=actor.member.id,
        now=now,
    )
    for spec in missions:
        uow.rounds.add_mission(
            actor.org_id,
            round_id=created.id,
            name=check_name(spec.name, field="mission"),
            steward_id=spec.steward_id,
            envelope=spec.envelope,
        )
    code = currency.code
    account = chart.round_account(created.id)
    uow.ledger.append(
        actor.org_id,
        entry(
            occurred_at=now,
            cause=f"round:{created.id}:opening",
            memo=f"envelope of '{clean}'",
            postings=[
                (chart.COMMONS, envelope, code),
                (chart.ROLLOVER, rolled_in, code),
                (account, -(envelope + rolled_in), code),
            ],
        ),
        now=now,
    )
    for claim_id in uow.rounds.adopt_carried(actor.org_id, created.id):
        uow.rounds.add_event(
            actor.org_id,
            claim_id=claim_id,
            kind="carried_in",
            member_id=None,
            at=now,
            body=clean,
        )
    uow.commit()
    return created


def check_envelope(
    uow: UnitOfWork,
    *,
    actor: Actor,
    round_id: int,
    envelope: int,
    now: datetime,
    field: str = "envelope",
    lock: bool = False,
) -> Round:
    """The open round whose envelope may become ``envelope``, or ``InvalidInput`` saying why not.

    An increase is drawn from the commons fund, so the fund must hold the difference. A
    decrease returns money to the fund, but never below what the missions' pots set aside nor
    below the claims already accepted: consent was given to those amounts, and lowering the
    envelope under them would take back what the collective agreed to pay.
    """
    check_minor(envelope, field=field)
    round_ = _round(uow, actor, round_id, lock=lock)
    if not round_.is_open:
        raise InvalidInput(
            "round.closed",
            f"the round '{round_.name}' is closed",
            field="round",
            params={"round": round_.name},
        )
    currency = actor.organization.currency
    difference = envelope - round_.envelope
    if difference > 0:
        available = balance_of(uow, actor=actor, account=chart.COMMONS)
        if available.minor < difference:
            raise InvalidInput(
                "round.insufficient_fund",
                f"the commons fund holds {available}, less than the {Money(difference, currency)} "
                f"the new envelope would add",
                field=field,
                params={
                    **as_params("available", available),
                    **as_params("needed", Money(difference, currency)),
                },
            )
    elif difference < 0:
        missions = sum(m.envelope for m in uow.rounds.missions(actor.org_id, round_id))
        if envelope < missions:
            raise InvalidInput(
                "round.below_missions",
                f"the missions of '{round_.name}' set aside {Money(missions, currency)}; the "
                f"envelope cannot go below it",
                field=field,
                params={"round": round_.name, **as_params("amount", Money(missions, currency))},
            )
        accepted = sum(
            r.claim.amount
            for r in uow.rounds.claims_of_round(actor.org_id, round_id)
            if r.claim.consumes_envelope and r.claim.status(now) is ClaimStatus.ACCEPTED
        )
        if envelope + round_.rolled_in < accepted:
            raise InvalidInput(
                "round.below_accepted",
                f"claims accepted in '{round_.name}' add up to {Money(accepted, currency)}; "
                f"the envelope cannot go below what was consented to",
                field=field,
                params={"round": round_.name, **as_params("amount", Money(accepted, currency))},
            )
    return round_


def change_round(
    uow: UnitOfWork,
    *,
    actor: Actor,
    round_id: int,
    now: datetime,
    envelope: int | None = None,
    window: timedelta | None = None,
) -> Round:
    """Change an open round's envelope, its objection window, or both, in one transaction.

    The envelope is the part drawn from the commons fund (what rolled over stays): one
    balanced entry moves the difference between the fund and the round, either way. The new
    window applies to claims declared or amended from now on; a claim already declared keeps
    the deadline it was given, so that neither its claimant nor those who might object find
    the date moved under them.
    """
    require_admin(actor.role)
    if envelope is None and window is None:
        raise InvalidInput(
            "round.nothing_to_change", "give a new envelope, a new window, or both", "envelope"
        )
    round_ = _round(uow, actor, round_id, lock=True)
    if envelope is not None:
        round_ = check_envelope(
            uow, actor=actor, round_id=round_id, envelope=envelope, now=now, lock=True
        )
    if window is not None:
        round_ = check_window_change(uow, actor=actor, round_id=round_id, window=window)
    difference = 0 if envelope is None else envelope - round_.envelope
    if (difference or window is not None) and not uow.rounds.change_open_round(
        actor.org_id, round_id, envelope=envelope if difference else None, window=window
    ):
        raise Conflict("round.closed", f"the round '{round_.name}' is closed", "round")
    if difference:
        currency = actor.organization.currency
        uow.ledger.append(
            actor.org_id,
            entry(
                occurred_at=now,
                cause=f"round:{round_id}:envelope",
                memo=f"envelope of '{round_.name}' from {Money(round_.envelope, currency)} "
                f"to {Money(round_.envelope + difference, currency)}",
                postings=[
                    (chart.COMMONS, difference, currency.code),
                    (chart.round_account(round_id), -difference, currency.code),
                ],
            ),
            now=now,
        )
    uow.commit()
    return _round(uow, actor, round_id)


def set_envelope(
    uow: UnitOfWork, *, actor: Actor, round_id: int, envelope: int, now: datetime
) -> Round:
    """Change an open round's envelope (see :func:`change_round`)."""
    return change_round(uow, actor=actor, round_id=round_id, envelope=envelope, now=now)


def check_window_change(
    uow: UnitOfWork, *, actor: Actor, round_id: int, window: timedelta, lock: bool = False
) -> Round:
    """The open round whose objection window may become ``window``, or ``InvalidInput``."""
    consent.check_window(window)
    round_ = _round(uow, actor, round_id, lock=lock)
    if not round_.is_open:
        raise InvalidInput(
            "round.closed",
            f"the round '{round_.name}' is closed",
            field="round",
            params={"round": round_.name},
        )
    return round_


def set_window(
    uow: UnitOfWork, *, actor: Actor, round_id: int, window: timedelta, now: datetime
) -> Round:
    """Change an open round's objection window (see :func:`change_round`)."""
    return change_round(uow, actor=actor, round_id=round_id, window=window, now=now)


def declare_claim(
    uow: UnitOfWork,
    *,
    actor: Actor,
    round_id: int,
    amount: int,
    justification: str,
    now: datetime,
    mission_id: int | None = None,
    hours: str | Decimal | None = None,
    contribution_ids: tuple[int, ...] = (),
    disposition: Disposition = Disposition.TAKE,
    redirect_to: str | None = None,
) -> ClaimRecord:
    require_participant(actor.role)
    round_ = _round(uow, actor, round_id, lock=True)
    require_open(round_)
    text = consent.clean_text(justification, field="justification")
    if mission_id is not None and mission_id not in {
        m.id for m in uow.rounds.missions(actor.org_id, round_id)
    }:
        raise InvalidInput(
            "claim.unknown_mission", f"no mission #{mission_id} in this round", "mission"
        )
    worked = (
        None
        if hours in (None, "")
        else parse_decimal(hours or "0", field="hours", places=2, maximum=Decimal(100_000))
    )
    for cid in contribution_ids:
        found = uow.contributions.get(actor.org_id, cid)
        if found is None or found.member_id != actor.member.id:
            raise InvalidInput(
                "claim.unknown_contribution",
                f"contribution #{cid} is not one of yours",
                "contributions",
            )
    target = _redirect_target(uow, actor, disposition, redirect_to)
    claim = consent.declare(
        claim_id=uow.community.next_id(actor.org_id, "claim"),
        member_id=actor.member.id,
        amount=amount,
        now=now,
        window=round_.window,
        mission_id=mission_id,
        disposition=disposition,
        redirect_to=target,
    )
    uow.rounds.add_claim(
        actor.org_id,
        claim=claim,
        round_id=round_id,
        justification=text,
        hours=worked,
        contribution_ids=tuple(sorted(set(contribution_ids))),
    )
    uow.rounds.add_event(
        actor.org_id,
        claim_id=claim.id,
        kind="declared",
        member_id=actor.member.id,
        at=now,
        body=text,
        amount=amount,
    )
    if disposition is not Disposition.TAKE:
        uow.rounds.add_event(
            actor.org_id,
            claim_id=claim.id,
            kind=disposition.value,
            member_id=actor.member.id,
            at=now,
            body=target or "",
        )
    uow.commit()
    return _claim(uow, actor, claim.id)


def _redirect_target(
    uow: UnitOfWork, actor: Actor, disposition: Disposition, redirect_to: str | None
) -> str | None:
    if disposition is not Disposition.REDIRECT:
        return None
    if not redirect_to:
        raise InvalidInput(
            "claim.redirect_target", "a redirected claim names where it goes", "redirect_to"
        )
    account = chart.parse_redirect(redirect_to)
    member_id = chart.member_of_account(account)
    if member_id is not None:
        if uow.community.member(actor.org_id, member_id) is None:
            raise InvalidInput("redirect.unknown_member", f"no member #{member_id}", "redirect_to")
        if member_id == actor.member.id:
            raise InvalidInput("redirect.self", "redirecting to oneself is taking", "redirect_to")
    return account


def _change(
    uow: UnitOfWork, actor: Actor, claim_id: int, *, require_member: bool = True
) -> tuple[ClaimRecord, Round]:
    if require_member:
        require_participant(actor.role)
    record = _claim(uow, actor, claim_id)
    round_ = _round(uow, actor, record.round_id, lock=True)
    require_open(round_)
    return _claim(uow, actor, claim_id), round_


def object_to_claim(
    uow: UnitOfWork, *, actor: Actor, claim_id: int, reason: str, now: datetime
) -> ClaimRecord:
    record, _ = _change(uow, actor, claim_id)
    objection_id = uow.community.next_id(actor.org_id, "objection")
    updated = consent.object_to(
        record.claim, objection_id=objection_id, objector_id=actor.member.id, reason=reason, now=now
    )
    uow.rounds.save_claim(actor.org_id, updated)
    uow.rounds.add_event(
        actor.org_id,
        claim_id=claim_id,
        kind="objected",
        member_id=actor.member.id,
        at=now,
        body=updated.objections[-1].reason,
    )
    uow.commit()
    return _claim(uow, actor, claim_id)


def withdraw_objection(
    uow: UnitOfWork, *, actor: Actor, claim_id: int, objection_id: int, now: datetime
) -> ClaimRecord:
    record, _ = _change(uow, actor, claim_id)
    updated = consent.withdraw_objection(
        record.claim, objection_id=objection_id, by=actor.member.id, now=now
    )
    uow.rounds.save_claim(actor.org_id, updated)
    uow.rounds.add_event(
        actor.org_id,
        claim_id=claim_id,
        kind="objection_withdrawn",
        member_id=actor.member.id,
        at=now,
        body=str(objection_id),
    )
    uow.commit()
    return _claim(uow, actor, claim_id)


def comment(
    uow: UnitOfWork, *, actor: Actor, claim_id: int, body: str, now: datetime
) -> ClaimEvent:
    require_participant(actor.role)
    _claim(uow, actor, claim_id)
    text = consent.clean_text(body, field="comment")
    event_id = uow.rounds.add_event(
        actor.org_id,
        claim_id=claim_id,
        kind="comment",
        member_id=actor.member.id,
        at=now,
        body=text,
    )
    uow.commit()
    return ClaimEvent(event_id, claim_id, "comment", actor.member.id, now, text, None)


def amend_claim(
    uow: UnitOfWork, *, actor: Actor, claim_id: int, amount: int, note: str, now: datetime
) -> ClaimRecord:
    record, round_ = _change(uow, actor, claim_id)
    updated = consent.amend(
        record.claim, amount=amount, by=actor.member.id, now=now, window=round_.window
    )
    uow.rounds.save_claim(actor.org_id, updated)
    uow.rounds.add_event(
        actor.org_id,
        claim_id=claim_id,
        kind="amended",
        member_id=actor.member.id,
        at=now,
        body=consent.clean_text(note, field="note", required=False),
        amount=amount,
    )
    uow.commit()
    return _claim(uow, actor, claim_id)


def withdraw_claim(uow: UnitOfWork, *, actor: Actor, claim_id: int, now: datetime) -> ClaimRecord:
    record, _ = _change(uow, actor, claim_id)
    updated = consent.withdraw(record.claim, by=actor.member.id, now=now)
    uow.rounds.save_claim(actor.org_id, updated)
    uow.rounds.add_event(
        actor.org_id, claim_id=claim_id, kind="withdrawn", member_id=actor.member.id, at=now
    )
    uow.commit()
    return _claim(uow, actor, claim_id)


def dispose_claim(
    uow: UnitOfWork,
    *,
    actor: Actor,
    claim_id: int,
    disposition: Disposition,
    now: datetime,
    redirect_to: str | None = None,
) -> ClaimRecord:
    """Take, waive (take nothing) or redirect a claim to the commons, a project or a member."""
    record, _ = _change(uow, actor, claim_id)
    target = _redirect_target(uow, actor, disposition, redirect_to)
    updated = consent.dispose(
        record.claim, by=actor.member.id, disposition=disposition, redirect_to=target
    )
    uow.rounds.save_claim(actor.org_id, updated)
    uow.rounds.add_event(
        actor.org_id,
        claim_id=claim_id,
        kind=disposition.value,
        member_id=actor.member.id,
        at=now,
        body=target or "",
    )
    uow.commit()
    return _claim(uow, actor, claim_id)


def close(uow: UnitOfWork, *, actor: Actor, round_id: int, now: datetime) -> Closing:
    """Close the round: post what each accepted claim gets, carry the rest, settle debts."""
    require_admin(actor.role)
    round_ = _round(uow, actor, round_id, lock=True)
    if not round_.is_open:
        raise Conflict("round.closed", f"the round '{round_.name}' is already closed", "round")
    missions = uow.rounds.missions(actor.org_id, round_id)
    records = uow.rounds.claims_of_round(actor.org_id, round_id)
    debts = uow.rounds.outstanding_debts(actor.org_id)
    closing = close_round(
        envelope=round_.total_envelope,
        missions={m.id: m.envelope for m in missions},
        claims=[r.claim for r in records],
        debts=debts,
        policy=round_.policy,
        now=now,
    )
    if not uow.rounds.mark_closed(
        actor.org_id, round_id, by=actor.member.id, now=now, report=_report_json(closing, round_)
    ):
        raise Conflict("round.closed", f"the round '{round_.name}' is already closed", "round")
    posting = _closing_entry(actor, round_, closing, now)
    if posting is not None:
        uow.ledger.append(actor.org_id, posting, now=now)
    for outcome in closing.claims:
        uow.rounds.settle_claim(
            actor.org_id, outcome.claim_id, round_id=round_id, granted=outcome.granted
        )
        if outcome.new_debt:
            uow.rounds.add_debt(
                actor.org_id,
                member_id=outcome.member_id,
                claim_id=outcome.claim_id,
                round_id=round_id,
                amount=outcome.new_debt,
                now=now,
            )
    for debt in closing.debts:
        if debt.paid:
            uow.rounds.reduce_debt(actor.org_id, debt.debt_id, debt.paid)
    uow.rounds.carry_claims(actor.org_id, closing.carried_claim_ids)
    for claim_id in closing.carried_claim_ids:
        uow.rounds.add_event(
            actor.org_id,
            claim_id=claim_id,
            kind="carried_out",
            member_id=None,
            at=now,
            body=round_.name,
        )
    uow.commit()
    return closing


def _closing_entry(actor: Actor, round_: Round, closing: Closing, now: datetime) -> Entry | None:
    code = actor.organization.currency.code
    source = chart.round_account(round_.id)
    lines: list[tuple[str, int, str]] = []
    for outcome in closing.claims:
        if outcome.granted:
            target = outcome.redirect_to or chart.member_account(outcome.member_id)
            lines += [(source, outcome.granted, code), (target, -outcome.granted, code)]
        if outcome.new_debt:
            lines += [
                (chart.DEFICIT, outcome.new_debt, code),
                (chart.debt_account(outcome.member_id), -outcome.new_debt, code),
            ]
    for debt in closing.debts:
        if debt.paid:
            lines += [
                (source, debt.paid, code),
                (chart.member_account(debt.member_id), -debt.paid, code),
                (chart.debt_account(debt.member_id), debt.paid, code),
                (chart.DEFICIT, -debt.paid, code),
            ]
    if closing.unspent:
        sink = chart.ROLLOVER if round_.unspent_rule is UnspentRule.ROLLOVER else chart.COMMONS
        lines += [(source, closing.unspent, code), (sink, -closing.unspent, code)]
    # One line per account reads like a closing statement: the envelope debited once, each
    # member, fund and debt credited once.
    merged: dict[str, int] = {}
    for account, amount, _ in lines:
        merged[account] = merged.get(account, 0) + amount
    lines = [(account, amount, code) for account, amount in merged.items() if amount]
    if not lines:
        return None
    return entry(
        occurred_at=now,
        cause=f"round:{round_.id}:closing",
        memo=f"closing of '{round_.name}' ({closing.policy.value})",
        postings=lines,
    )


def _report_json(closing: Closing, round_: Round) -> str:
    return json.dumps(
        {
            "policy": closing.policy.value,
            "envelope": closing.envelope,
            "unspent": closing.unspent,
            "unspent_to": round_.unspent_rule.value,
            "claims": [
                {
                    "claim_id": c.claim_id,
                    "member_id": c.member_id,
                    "mission_id": c.mission_id,
                    "requested": c.requested,
                    "granted": c.granted,
                    "new_debt": c.new_debt,
                    "disposition": c.disposition.value,
                    "redirect_to": c.redirect_to,
                    "accepted_at": c.accepted_at.isoformat(),
                    "reason": c.reason,
                }
                for c in closing.claims
            ],
            "debts": [
                {
                    "debt_id": d.debt_id,
                    "member_id": d.member_id,
                    "outstanding": d.outstanding,
                    "paid": d.paid,
                }
                for d in closing.debts
            ],
            "carried": list(closing.carried_claim_ids),
            "pots": [
                {
                    "mission_id": p.mission_id,
                    "capacity": p.capacity,
                    "requested": p.requested,
                    "granted": p.granted,
                }
                for p in closing.pots
            ],
        },
        sort_keys=True,
    )


# -- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MissionTotals:
    mission: Mission | None
    capacity: int
    declared: int
    accepted: int


@dataclass(frozen=True, slots=True)
class RoundView:
    round: Round
    missions: tuple[Mission, ...]
    claims: tuple[ClaimRecord, ...]
    statuses: dict[int, ClaimStatus]
    declared: int
    accepted: int
    under_objection: int
    waived: int
    redirected: int
    per_mission: tuple[MissionTotals, ...]
    report: dict[str, object] | None

    @property
    def envelope(self) -> int:
        return self.round.total_envelope


def rounds(uow: UnitOfWork, *, actor: Actor) -> list[Round]:
    return uow.rounds.all(actor.org_id)


def view_round(uow: UnitOfWork, *, actor: Actor, round_id: int, now: datetime) -> RoundView:
    round_ = _round(uow, actor, round_id)
    missions = tuple(uow.rounds.missions(actor.org_id, round_id))
    records = uow.rounds.claims_of_round(actor.org_id, round_id)
    if not round_.is_open:
        # Claims carried out of a closed round are still shown where they were declared.
        records += [
            r
            for r in uow.rounds.carried_claims(actor.org_id)
            if r.round_id == round_id and r not in records
        ]
    statuses = {r.id: r.claim.status(now) for r in records}
    live = [r for r in records if statuses[r.id] is not ClaimStatus.WITHDRAWN]

    def paying(r: ClaimRecord) -> int:
        return r.claim.amount if r.claim.consumes_envelope else 0

    per_mission = []
    general = round_.total_envelope - sum(m.envelope for m in missions)
    mission_ids = {m.id for m in missions}
    for mission in (None, *missions):
        mid = None if mission is None else mission.id
        mine = [
            r
            for r in live
            if (r.claim.mission_id if r.claim.mission_id in mission_ids else None) == mid
        ]
        per_mission.append(
            MissionTotals(
                mission,
                general if mission is None else mission.envelope,
                sum(paying(r) for r in mine),
                sum(paying(r) for r in mine if statuses[r.id] is ClaimStatus.ACCEPTED),
            )
        )
    report_text = uow.rounds.closing_report(actor.org_id, round_id)
    return RoundView(
        round=round_,
        missions=missions,
        claims=tuple(records),
        statuses=statuses,
        declared=sum(paying(r) for r in live),
        accepted=sum(paying(r) for r in live if statuses[r.id] is ClaimStatus.ACCEPTED),
        under_objection=sum(
            paying(r) for r in live if statuses[r.id] is ClaimStatus.UNDER_OBJECTION
        ),
        waived=sum(r.claim.amount for r in live if r.claim.disposition is Disposition.WAIVE),
        redirected=sum(r.claim.amount for r in live if r.claim.disposition is Disposition.REDIRECT),
        per_mission=tuple(per_mission),
        report=json.loads(report_text) if report_text else None,
    )


@dataclass(frozen=True, slots=True)
class ClaimDetail:
    record: ClaimRecord
    status: ClaimStatus
    round: Round
    events: tuple[ClaimEvent, ...]


def view_claim(uow: UnitOfWork, *, actor: Actor, claim_id: int, now: datetime) -> ClaimDetail:
    record = _claim(uow, actor, claim_id)
    return ClaimDetail(
        record=record,
        status=record.claim.status(now),
        round=_round(uow, actor, record.round_id),
        events=tuple(uow.rounds.events(actor.org_id, claim_id)),
    )


def claims_of(uow: UnitOfWork, *, actor: Actor, member_id: int) -> list[ClaimRecord]:
    """Every claim a member declared, in every round, oldest first."""
    return uow.rounds.claims_of_member(actor.org_id, member_id)


@dataclass(frozen=True, slots=True)
class Given:
    """What a member took, waived and redirected over every closed round."""

    taken: int
    waived: int
    redirected: int
    debts_outstanding: int


def given_by(uow: UnitOfWork, *, actor: Actor, member_id: int) -> Given:
    taken = waived = redirected = 0
    for record in uow.rounds.claims_of_member(actor.org_id, member_id):
        if record.granted is None:
            continue
        if record.claim.disposition is Disposition.WAIVE:
            waived += record.claim.amount
        elif record.claim.disposition is Disposition.REDIRECT:
            redirected += record.granted
        else:
            taken += record.granted
    debts = sum(
        d.amount for d in uow.rounds.outstanding_debts(actor.org_id) if d.member_id == member_id
    )
    return Given(taken, waived, redirected, debts)
