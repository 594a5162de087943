"""A member's statement: who they are in the collective and the value that went through them.

What they took, waived and redirected over every closed round, what the collective owes
them and has not paid yet, its debts to them, the payouts they received, their claims in
every round (with the closing report's explanation once a round is closed) and the
contributions they recorded. Every member of the organization may read every statement:
contributive budgets work in the open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response

from partage.core import chart
from partage.core.claims import ClaimRecord, ClaimStatus
from partage.core.errors import NotFound
from partage.core.ledger import RecordedEntry
from partage.services import contributions, ledger, organizations, rounds
from partage.services.context import Actor, UnitOfWork
from partage.web import forms
from partage.web.distributions import model_name, paid_to
from partage.web.i18n import Formatter
from partage.web.labels import redirect_label
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import WebRoute, gettext, lang_of, render, uow_factory
from partage.web.report import ReportLine, closing_report, known_claims
from partage.web.value_flows import statement_section

router = APIRouter(route_class=WebRoute)


@dataclass(frozen=True, slots=True)
class GivenLine:
    """A member's totals for the members list: value taken, given up and still owed."""

    taken: int
    waived: int
    redirected: int
    owed: int


def given_by_member(uow: UnitOfWork, actor: Actor) -> dict[int, GivenLine]:
    owed = {
        b.member_id: b.amount.minor
        for b in ledger.balances(uow, actor=actor)
        if b.account.startswith("member:") and b.member_id is not None
    }
    found = {}
    for view in organizations.members(uow, actor=actor):
        mid = view.member.id
        given = rounds.given_by(uow, actor=actor, member_id=mid)
        found[mid] = GivenLine(given.taken, given.waived, given.redirected, owed.get(mid, 0))
    return found


@dataclass(frozen=True, slots=True)
class StatementClaim:
    record: ClaimRecord
    status: ClaimStatus
    round_id: int
    round_name: str
    round_open: bool
    mission: str | None
    line: ReportLine | None


@dataclass(frozen=True, slots=True)
class Payout:
    seq: int
    entry: RecordedEntry
    amount: int
    reference: str


def statement_context(
    request: Request, uow: UnitOfWork, actor: Actor, member_id: int
) -> dict[str, Any]:
    now = request.app.state.clock()
    frame = org_frame(uow, actor, section="members")
    names: dict[int, str] = frame["names"]
    member = organizations.member_of(uow, actor=actor, member_id=member_id)
    view = next(
        (v for v in organizations.members(uow, actor=actor) if v.member.id == member.id), None
    )
    if view is None:  # pragma: no cover - member_of found the member already
        raise NotFound("member.not_found", f"no member #{member_id}", field="member")
    account = chart.member_account(member.id)
    _ = gettext(request)
    fmt = Formatter(lang_of(request))
    claims = []
    # Only the rounds this member declared in are read, newest first.
    declared_in = {r.round_id for r in rounds.claims_of(uow, actor=actor, member_id=member.id)}
    every = sorted(rounds.rounds(uow, actor=actor), key=lambda r: r.id, reverse=True)
    for round_ in (r for r in every if r.id in declared_in):
        round_view = rounds.view_round(uow, actor=actor, round_id=round_.id, now=now)
        mine = [r for r in round_view.claims if r.claim.member_id == member.id]
        if not mine:
            continue
        missions = {m.id: m.name for m in round_view.missions}
        lines: dict[int, ReportLine] = {}
        if round_view.report:
            report = closing_report(
                round_view.report,
                names=names,
                missions=missions,
                claims=known_claims(uow, actor, round_view, now),
                gettext=_,
                fmt=fmt,
                currency=actor.organization.currency,
            )
            lines = {line.claim_id: line for line in report["lines"]}
        for record in mine:
            mission_id = record.claim.mission_id
            claims.append(
                StatementClaim(
                    record=record,
                    status=round_view.statuses[record.id],
                    round_id=round_.id,
                    round_name=round_.name,
                    round_open=round_.is_open,
                    mission=missions.get(mission_id) if mission_id is not None else None,
                    line=lines.get(record.id),
                )
            )
    payouts = []
    for recorded in ledger.journal(uow, actor=actor, account=account):
        if recorded.entry.cause != f"payout:{member.id}":
            continue
        amount = sum(p.amount for p in recorded.entry.postings if p.account == account)
        payouts.append(
            Payout(
                recorded.seq, recorded, abs(amount), recorded.entry.memo.removeprefix("paid out: ")
            )
        )
    given = rounds.given_by(uow, actor=actor, member_id=member.id)
    return {
        **frame,
        "member": member,
        "view": view,
        "given": given,
        "owed": ledger.balance_of(uow, actor=actor, account=account).minor,
        "paid": sum(p.amount for p in payouts),
        "payouts": list(reversed(payouts)),
        "claims": claims,
        "contributions": contributions.find(uow, actor=actor, member_id=member.id),
        "distributions": [
            (d, model_name(d, request), amount) for d, amount in paid_to(uow, actor, member.id)
        ],
        "redirect_label": lambda target: redirect_label(target, names, _),
        **statement_section(request, uow, actor, member.id),
    }


@router.get("/o/{slug}/members/{member_id}")
def statement_page(request: Request, slug: str, member_id: str) -> Response:
    mid = forms.path_id(member_id, what="member")
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context = statement_context(request, uow, actor, mid)
    return render(request, "member.html", context)
