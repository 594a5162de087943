"""Account names and claim states in the reader's words.

The ledger names accounts tersely (``member:3``, ``fund:project:jardin``); pages show who or
what they stand for, with the raw name beside it for those who check the books.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from partage.core import chart
from partage.core.claims import ClaimRecord, ClaimStatus, Disposition, Resolution
from partage.web.i18n import N_

Gettext = Callable[[str], str]


def account_label(
    account: str, names: Mapping[int, str], rounds: Mapping[int, str], _: Gettext
) -> str:
    kind, _sep, rest = account.partition(":")
    if account == chart.BANK:
        return _("Bank (money held)")
    if account == chart.COMMONS:
        return _("Commons fund")
    if account == chart.ROLLOVER:
        return _("Rolled over to the next round")
    if account == chart.DEFICIT:
        return _("Debts owed beyond envelopes")
    if account.startswith("fund:project:"):
        return _("Project “{name}”").format(name=account.removeprefix("fund:project:"))
    if account == "fund:operations":
        return _("Operations")
    if account == "fund:reserve":
        return _("Impartible reserve")
    if account.startswith("fund:pool:"):
        return _("Contributor pool “{name}”").format(name=account.removeprefix("fund:pool:"))
    if kind == "units" and rest:
        # The issuing account of an own unit: its debit balance is what circulates.
        return _("{code} issued (in circulation)").format(code=rest)
    if kind in ("member", "debt", "round") and rest.isdigit():
        number = int(rest)
        if kind == "round":
            return _("Envelope of “{name}”").format(name=rounds.get(number, f"#{number}"))
        who = names.get(number, f"#{number}")
        if kind == "member":
            return _("Owed to {name}").format(name=who)
        return _("Debt to {name}").format(name=who)
    return account


def redirect_label(target: str | None, names: Mapping[int, str], _: Gettext) -> str:
    if not target:
        return ""
    if target == chart.COMMONS:
        return _("the commons fund")
    if target.startswith("fund:project:"):
        return _("project “{name}”").format(name=target.removeprefix("fund:project:"))
    member_id = chart.member_of_account(target)
    if member_id is not None:
        return names.get(member_id, f"#{member_id}")
    return target


STATUS_TEXT = {
    ClaimStatus.IN_WINDOW: N_("In objection window"),
    ClaimStatus.UNDER_OBJECTION: N_("Under objection"),
    ClaimStatus.ACCEPTED: N_("Accepted"),
    ClaimStatus.WITHDRAWN: N_("Withdrawn"),
}

RESOLUTION_TEXT = {
    None: N_("still open"),
    Resolution.WITHDRAWN: N_("withdrawn by its author"),
    Resolution.AMENDED: N_("resolved by an amendment"),
    Resolution.CLAIM_WITHDRAWN: N_("ended with the claim's withdrawal"),
}

EVENT_TEXT = {
    "declared": N_("declared the claim"),
    "objected": N_("objected"),
    "comment": N_("commented"),
    "amended": N_("amended the claim"),
    "objection_withdrawn": N_("withdrew their objection"),
    "withdrawn": N_("withdrew the claim"),
    "waive": N_("waived the claim"),
    "redirect": N_("redirected the claim"),
    "take": N_("chose to take the amount"),
    "carried_out": N_("Still under discussion when the round closed: carried to the next round"),
    "carried_in": N_("Carried into this round"),
}


def entry_title(
    cause: str, memo: str, names: Mapping[int, str], rounds: Mapping[int, str], _: Gettext
) -> str:
    """An entry's title in the reader's language when partage wrote it; a person's memo as is.

    The services write their memos in English (``closing of 'Printemps' (pro_rata)``); the
    cause says what the entry is, so the title is rebuilt from it.
    """
    kind, _sep, rest = cause.partition(":")
    number, _sep, step = rest.partition(":")
    if kind == "round" and number.isdigit() and step in ("opening", "closing"):
        name = rounds.get(int(number), f"#{number}")
        if step == "opening":
            return _("Envelope set aside for “{name}”").format(name=name)
        return _("Closing of “{name}”").format(name=name)
    if kind == "payout" and number.isdigit():
        reference = memo.removeprefix("paid out: ")
        who = names.get(int(number), f"#{number}")
        return _("Paid out to {name} (ref. {reference})").format(name=who, reference=reference)
    if kind == "distribution" and number.isdigit():
        return _("Distribution #{number}").format(number=number)
    return memo


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """A claim as a table row: who, what, how much, and its state at a glance."""

    record: ClaimRecord
    status: ClaimStatus
    member: str
    mission: str | None
    time_left: timedelta | None
    objections_total: int
    objections_standing: int

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def disposition(self) -> Disposition:
        return self.record.claim.disposition


def claim_row(
    record: ClaimRecord,
    status: ClaimStatus,
    *,
    names: Mapping[int, str],
    missions: Mapping[int, str],
    now: datetime,
) -> ClaimRow:
    claim = record.claim
    left = claim.window_ends_at - now if status is ClaimStatus.IN_WINDOW else None
    return ClaimRow(
        record=record,
        status=status,
        member=names.get(claim.member_id, f"#{claim.member_id}"),
        mission=missions.get(claim.mission_id) if claim.mission_id is not None else None,
        time_left=left,
        objections_total=len(claim.objections),
        objections_standing=sum(1 for o in claim.objections if o.standing),
    )
