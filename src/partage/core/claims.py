"""A claim in a contributive round and the consent process around it.

A member declares the amount they take. During the claim's objection window any other
member may object with a reason; the claimant and others discuss. An objection is resolved
when its author withdraws it, when the claimant amends the amount (which resolves every
standing objection and restarts the window) or when the claimant withdraws the claim.

Invariant: a claim is *accepted* exactly when its window has passed and no objection stands;
its acceptance time is the later of the window's end and the last objection's resolution.
Every function here returns a new claim; nothing is changed in place, so a sequence of
events can be replayed and compared.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from partage.core.errors import Forbidden, InvalidInput
from partage.core.money import check_minor

MAX_TEXT = 5000


class Disposition(StrEnum):
    """What the claimant does with the amount: take it, waive it, or redirect it."""

    TAKE = "take"
    WAIVE = "waive"
    REDIRECT = "redirect"


class ClaimStatus(StrEnum):
    IN_WINDOW = "in_window"
    UNDER_OBJECTION = "under_objection"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"


class Resolution(StrEnum):
    WITHDRAWN = "withdrawn"
    AMENDED = "amended"
    CLAIM_WITHDRAWN = "claim_withdrawn"


@dataclass(frozen=True, slots=True)
class Objection:
    id: int
    objector_id: int
    reason: str
    raised_at: datetime
    resolved_at: datetime | None = None
    resolution: Resolution | None = None

    @property
    def standing(self) -> bool:
        return self.resolved_at is None


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    member_id: int
    amount: int
    declared_at: datetime
    window_ends_at: datetime
    mission_id: int | None = None
    objections: tuple[Objection, ...] = ()
    withdrawn_at: datetime | None = None
    disposition: Disposition = Disposition.TAKE
    redirect_to: str | None = None

    def status(self, now: datetime) -> ClaimStatus:
        if self.withdrawn_at is not None:
            return ClaimStatus.WITHDRAWN
        if any(o.standing for o in self.objections):
            return ClaimStatus.UNDER_OBJECTION
        if now < self.window_ends_at:
            return ClaimStatus.IN_WINDOW
        return ClaimStatus.ACCEPTED

    def accepted_at(self, now: datetime) -> datetime | None:
        if self.status(now) is not ClaimStatus.ACCEPTED:
            return None
        resolved = [o.resolved_at for o in self.objections if o.resolved_at is not None]
        return max([self.window_ends_at, *resolved])

    @property
    def consumes_envelope(self) -> bool:
        """A waived claim takes nothing; a taken or redirected one is paid from the envelope."""
        return self.disposition is not Disposition.WAIVE


def clean_text(value: str, *, field: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = value.strip()
    refuse_control_characters(text, field=field)
    if required and not text:
        raise InvalidInput(f"{field}.required", f"{field} must not be empty", field=field)
    if len(text) > limit:
        raise InvalidInput(
            f"{field}.too_long", f"{field} is longer than {limit} characters", field=field
        )
    return text


# Below 32 but tab, line feed and carriage return; and DEL. A regular expression, because
# a bulk import checks millions of fields.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refuse_control_characters(text: str, *, field: str) -> None:
    """NUL and other control characters (tabs and line breaks aside) never reach the books."""
    if _CONTROL.search(text):
        raise InvalidInput(
            f"{field}.control_character", f"{field} contains a control character", field=field
        )


def check_window(window: timedelta) -> timedelta:
    if window <= timedelta(0):
        raise InvalidInput(
            "round.bad_window", "the objection window must be longer than zero", "window"
        )
    if window > timedelta(days=366):
        raise InvalidInput("round.bad_window", "the objection window is at most a year", "window")
    return window


def declare(
    *,
    claim_id: int,
    member_id: int,
    amount: int,
    now: datetime,
    window: timedelta,
    mission_id: int | None = None,
    disposition: Disposition = Disposition.TAKE,
    redirect_to: str | None = None,
) -> Claim:
    check_minor(amount, field="amount")
    check_window(window)
    if disposition is Disposition.REDIRECT and not redirect_to:
        raise InvalidInput(
            "claim.redirect_target", "a redirected claim names where it goes", "redirect_to"
        )
    return Claim(
        id=claim_id,
        member_id=member_id,
        amount=amount,
        declared_at=now,
        window_ends_at=now + window,
        mission_id=mission_id,
        disposition=disposition,
        redirect_to=redirect_to if disposition is Disposition.REDIRECT else None,
    )


def _require_live(claim: Claim) -> None:
    if claim.withdrawn_at is not None:
        raise InvalidInput("claim.withdrawn", "this claim was withdrawn", field="claim")


def object_to(
    claim: Claim, *, objection_id: int, objector_id: int, reason: str, now: datetime
) -> Claim:
    _require_live(claim)
    if objector_id == claim.member_id:
        raise InvalidInput(
            "objection.own_claim", "a member cannot object to their own claim", field="claim"
        )
    if now >= claim.window_ends_at:
        raise InvalidInput(
            "objection.window_closed",
            "the objection window of this claim has passed",
            field="claim",
        )
    if any(o.standing and o.objector_id == objector_id for o in claim.objections):
        raise InvalidInput(
            "objection.duplicate", "you already have a standing objection to this claim", "claim"
        )
    objection = Objection(
        id=objection_id,
        objector_id=objector_id,
        reason=clean_text(reason, field="reason"),
        raised_at=now,
    )
    return replace(claim, objections=(*claim.objections, objection))


def withdraw_objection(claim: Claim, *, objection_id: int, by: int, now: datetime) -> Claim:
    _require_live(claim)
    target = next((o for o in claim.objections if o.id == objection_id), None)
    if target is None:
        raise InvalidInput("objection.unknown", "no such objection on this claim", "objection")
    if target.objector_id != by:
        raise Forbidden("objection.not_objector", "only its author can withdraw an objection")
    if not target.standing:
        raise InvalidInput("objection.resolved", "this objection is already resolved", "objection")
    return _resolve(claim, lambda o: o.id == objection_id, now, Resolution.WITHDRAWN)


def amend(claim: Claim, *, amount: int, by: int, now: datetime, window: timedelta) -> Claim:
    """The claimant changes the amount: standing objections are resolved, the window restarts."""
    _require_live(claim)
    if by != claim.member_id:
        raise Forbidden("claim.not_claimant", "only the claimant can amend a claim")
    check_minor(amount, field="amount")
    if claim.status(now) is ClaimStatus.ACCEPTED:
        raise InvalidInput(
            "claim.accepted", "an accepted claim can no longer be amended", field="claim"
        )
    resolved = _resolve(claim, lambda o: True, now, Resolution.AMENDED)
    return replace(resolved, amount=amount, window_ends_at=now + check_window(window))


def withdraw(claim: Claim, *, by: int, now: datetime) -> Claim:
    _require_live(claim)
    if by != claim.member_id:
        raise Forbidden("claim.not_claimant", "only the claimant can withdraw a claim")
    resolved = _resolve(claim, lambda o: True, now, Resolution.CLAIM_WITHDRAWN)
    return replace(resolved, withdrawn_at=now)


def dispose(claim: Claim, *, by: int, disposition: Disposition, redirect_to: str | None) -> Claim:
    """Take, waive, or redirect the claim's amount; the claimant's choice alone."""
    _require_live(claim)
    if by != claim.member_id:
        raise Forbidden("claim.not_claimant", "only the claimant decides what to do with a claim")
    if disposition is Disposition.REDIRECT and not redirect_to:
        raise InvalidInput(
            "claim.redirect_target", "a redirected claim names where it goes", "redirect_to"
        )
    target = redirect_to if disposition is Disposition.REDIRECT else None
    return replace(claim, disposition=disposition, redirect_to=target)


def _resolve(
    claim: Claim, which: Callable[[Objection], bool], now: datetime, how: Resolution
) -> Claim:
    objections = tuple(
        replace(o, resolved_at=now, resolution=how) if o.standing and which(o) else o
        for o in claim.objections
    )
    return replace(claim, objections=objections)


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """A claim with what the collective sees around it: its round, text and outcome."""

    claim: Claim
    round_id: int
    origin_round_id: int
    justification: str
    hours: Decimal | None
    granted: int | None
    carried: bool
    contribution_ids: tuple[int, ...] = ()

    @property
    def id(self) -> int:
        return self.claim.id


@dataclass(frozen=True, slots=True)
class ClaimEvent:
    """One step of a claim's thread, kept append-only."""

    id: int
    claim_id: int
    kind: str
    member_id: int | None
    at: datetime
    body: str
    amount: int | None
