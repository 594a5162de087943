"""A closed round's report in the reader's words: what each claim got, and why.

The report is the JSON the services stored at closing (``RoundView.report``). Each claim
carries a ``reason`` (``full``, ``scaled``, ``partly_served``, ``envelope_exhausted``,
``waived``) and the ``pots`` list gives each pot's capacity, what was requested from it and
what it granted; this module turns them into one sentence per claim — « Réduite au prorata :
l’enveloppe de 5 000 € couvrait 62,5 % des 8 000 € demandés » — and says where a redirected
claim's money went. Reports stored before reasons existed are shown without the sentence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from partage.core import chart
from partage.core.claims import ClaimRecord
from partage.core.currency import Currency
from partage.core.errors import NotFound
from partage.services import rounds
from partage.services.context import Actor, UnitOfWork
from partage.services.rounds import RoundView
from partage.web.i18n import Formatter

Gettext = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One claim of the closing report."""

    claim_id: int
    member_id: int
    member: str
    mission: str | None
    requested: int
    granted: int
    new_debt: int
    disposition: str
    reason: str
    explanation: str
    destination: str


@dataclass(frozen=True, slots=True)
class SettledDebt:
    debt_id: int
    member_id: int
    member: str
    outstanding: int
    paid: int


@dataclass(frozen=True, slots=True)
class CarriedClaim:
    claim_id: int
    member_id: int | None
    member: str
    amount: int | None


class Explainer:
    """The sentences of one report, for one reader's language."""

    def __init__(
        self,
        *,
        pots: Mapping[int | None, Mapping[str, Any]],
        missions: Mapping[int, str],
        names: Mapping[int, str],
        gettext: Gettext,
        fmt: Formatter,
        currency: Currency,
    ) -> None:
        self.pots = pots
        self.missions = missions
        self.names = names
        self._ = gettext
        self.fmt = fmt
        self.currency = currency

    def money(self, minor: int) -> str:
        return self.fmt.money(minor, self.currency)

    def pot_key(self, mission_id: int | None) -> int | None:
        # A claim whose mission is not one of the round's was served by the general pot.
        return mission_id if mission_id in self.missions else None

    def pot_name(self, key: int | None, capacity: int) -> str:
        _ = self._
        amount = self.money(capacity)
        if key is not None:
            return _("the {amount} envelope of mission “{mission}”").format(
                amount=amount, mission=self.missions[key]
            )
        if self.missions:
            return _("the {amount} general pot").format(amount=amount)
        return _("the {amount} envelope").format(amount=amount)

    def explain(self, claim: Mapping[str, Any]) -> str:
        _ = self._
        reason = str(claim.get("reason") or "")
        key = self.pot_key(claim.get("mission_id"))
        pot = self.pots.get(key, {})
        capacity, asked = int(pot.get("capacity", 0)), int(pot.get("requested", 0))
        requested, granted = int(claim["requested"]), int(claim["granted"])
        name = self.pot_name(key, capacity)
        if reason == "full":
            text = _("Granted in full.")
        elif reason == "scaled":
            text = _("Scaled pro rata: {pot} covered {percent} of the {requested} claimed.").format(
                pot=name, percent=self.fmt.percent(capacity, asked), requested=self.money(asked)
            )
        elif reason == "partly_served":
            text = _(
                "Served in order of acceptance: {pot} ran out during this claim, "
                "which got {granted} of {requested}."
            ).format(pot=name, granted=self.money(granted), requested=self.money(requested))
        elif reason == "envelope_exhausted":
            text = _(
                "Nothing granted: its turn, in order of acceptance, came when {pot} was empty."
            ).format(pot=name)
        elif reason == "waived":
            text = _("Waived: nothing was taken, the amount stayed in the envelope.")
        else:
            return ""
        debt = int(claim.get("new_debt", 0))
        if debt:
            text += " " + _(
                "The remaining {amount} is a debt of the collective, settled first "
                "at a later closing."
            ).format(amount=self.money(debt))
        return text

    def destination(self, claim: Mapping[str, Any]) -> str:
        """Where a redirected claim's money went; empty for a claim taken or waived."""
        _ = self._
        target = claim.get("redirect_to")
        granted = int(claim["granted"])
        if claim.get("disposition") != "redirect" or not target or not granted:
            return ""
        amount = self.money(granted)
        if target == chart.COMMONS:
            return _("Redirected: {amount} went to the commons fund.").format(amount=amount)
        if str(target).startswith("fund:project:"):
            return _("Redirected: {amount} went to project “{project}”.").format(
                amount=amount, project=str(target).removeprefix("fund:project:")
            )
        member_id = chart.member_of_account(str(target))
        who = self.names.get(member_id, f"#{member_id}") if member_id is not None else target
        return _("Redirected: {amount} went to {name}.").format(amount=amount, name=who)


def known_claims(
    uow: UnitOfWork, actor: Actor, view: RoundView, now: datetime
) -> tuple[ClaimRecord, ...]:
    """The round's claims, with those it carried out: once the next round adopts them they
    are that round's, but the report still names who made them and for how much."""
    shown = {r.id for r in view.claims}
    listed = (view.report or {}).get("carried", [])
    ids = [int(c) for c in listed if int(c) not in shown] if isinstance(listed, list) else []
    adopted = []
    for claim_id in ids:
        try:
            adopted.append(rounds.view_claim(uow, actor=actor, claim_id=claim_id, now=now).record)
        except NotFound:
            continue
    return (*view.claims, *adopted)


def closing_report(
    report: Mapping[str, Any],
    *,
    names: Mapping[int, str],
    missions: Mapping[int, str],
    claims: tuple[ClaimRecord, ...],
    gettext: Gettext,
    fmt: Formatter,
    currency: Currency,
) -> dict[str, Any]:
    """The stored closing report, explained claim by claim and summed for reading."""
    pots = {
        (int(p["mission_id"]) if p.get("mission_id") is not None else None): p
        for p in report.get("pots", [])
    }
    explainer = Explainer(
        pots=pots, missions=missions, names=names, gettext=gettext, fmt=fmt, currency=currency
    )
    lines = []
    for claim in report.get("claims", []):
        member_id = int(claim["member_id"])
        mission_id = claim.get("mission_id")
        lines.append(
            ReportLine(
                claim_id=int(claim["claim_id"]),
                member_id=member_id,
                member=names.get(member_id, f"#{member_id}"),
                mission=missions.get(mission_id) if mission_id is not None else None,
                requested=int(claim["requested"]),
                granted=int(claim["granted"]),
                new_debt=int(claim.get("new_debt", 0)),
                disposition=str(claim.get("disposition", "take")),
                reason=str(claim.get("reason") or ""),
                explanation=explainer.explain(claim),
                destination=explainer.destination(claim),
            )
        )
    debts = [
        SettledDebt(
            int(d["debt_id"]),
            int(d["member_id"]),
            names.get(int(d["member_id"]), f"#{d['member_id']}"),
            int(d["outstanding"]),
            int(d["paid"]),
        )
        for d in report.get("debts", [])
    ]
    by_id = {r.id: r for r in claims}
    carried = []
    for raw in report.get("carried", []):
        record = by_id.get(int(raw))
        author = record.claim.member_id if record else None
        carried.append(
            CarriedClaim(
                int(raw),
                author,
                names.get(author, f"#{author}") if author is not None else "",
                record.claim.amount if record else None,
            )
        )
    per_member: dict[int, dict[str, int]] = defaultdict(
        lambda: {"requested": 0, "taken": 0, "waived": 0, "redirected": 0, "debt": 0}
    )
    for line in lines:
        totals = per_member[line.member_id]
        totals["requested"] += line.requested
        totals["debt"] += line.new_debt
        if line.disposition == "waive":
            totals["waived"] += line.requested
        elif line.disposition == "redirect":
            totals["redirected"] += line.granted
        else:
            totals["taken"] += line.granted
    return {
        "lines": lines,
        "debts": [d for d in debts if d.paid or d.outstanding],
        "carried": carried,
        "members": sorted(
            ((mid, names.get(mid, f"#{mid}"), totals) for mid, totals in per_member.items()),
            key=lambda item: item[1].lower(),
        ),
        "policy": report.get("policy", ""),
        "envelope": int(report.get("envelope", 0)),
        "unspent": int(report.get("unspent", 0)),
        "unspent_to": report.get("unspent_to", "return"),
        "granted": sum(line.granted for line in lines),
        "taken": sum(t["taken"] for t in per_member.values()),
        "waived": sum(t["waived"] for t in per_member.values()),
        "redirected": sum(t["redirected"] for t in per_member.values()),
        "settled": sum(d.paid for d in debts),
        "new_debts": sum(line.new_debt for line in lines),
    }
