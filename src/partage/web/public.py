"""The public page of an organization that chose to show its books, read without sign-in.

The reader is the services' public reader (``services.public.public_reader``): an observer
who is no member, who may read everything a public page shows and act on nothing, and who
sees no member's email. An organization that did not turn its page on is a 404, exactly like
one that does not exist.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from partage.services import governance, ledger, rounds
from partage.services.context import Actor, UnitOfWork
from partage.services.public import public_reader
from partage.web import governance_text as governance_pages
from partage.web.gauge import round_gauge
from partage.web.i18n import Formatter
from partage.web.labels import RESOLUTION_TEXT, STATUS_TEXT, claim_row, redirect_label
from partage.web.membership import member_names
from partage.web.orgs import money_overview
from partage.web.rendering import WebRoute, gettext, lang_of, render, uow_factory
from partage.web.report import ReportLine, closing_report
from partage.web.value_flows import public_flows

router = APIRouter(route_class=WebRoute)


def public_context(request: Request, uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    now = request.app.state.clock()
    names = member_names(uow, actor)
    _ = gettext(request)
    shown = []
    for round_ in sorted(rounds.rounds(uow, actor=actor), key=lambda r: r.id, reverse=True):
        view = rounds.view_round(uow, actor=actor, round_id=round_.id, now=now)
        missions = {m.id: m.name for m in view.missions}
        rows = [
            claim_row(r, view.statuses[r.id], names=names, missions=missions, now=now)
            for r in view.claims
        ]
        explained: dict[int, ReportLine] = {}
        if view.report:
            report = closing_report(
                view.report,
                names=names,
                missions=missions,
                claims=view.claims,
                gettext=_,
                fmt=Formatter(lang_of(request)),
                currency=actor.organization.currency,
            )
            explained = {line.claim_id: line for line in report["lines"]}
        shown.append(
            (
                view,
                round_gauge(view),
                rows,
                explained,
            )
        )
    payouts = ledger.payouts(uow, actor=actor)
    return {
        "org": actor.organization,
        "currency": actor.organization.currency,
        "names": names,
        "rounds": shown,
        "money": money_overview(uow, actor),
        "payouts": list(reversed(payouts)),
        "status_text": STATUS_TEXT,
        "resolution_text": RESOLUTION_TEXT,
        "redirect_label": lambda target: redirect_label(target, names, _),
        "check": ledger.journal_page(uow, actor=actor, shown=0).check,
        "payout_member": payout_member,
        # Decisions and their outcomes, never who voted what: the public reader sees counts.
        "decisions": governance.public_decisions(uow, actor=actor),
        "method_name": governance_pages.METHOD_NAME,
        "outcome_name": governance_pages.OUTCOME_NAME,
        "why": lambda view: governance_pages.why(view, request),
        "action_text": lambda action: governance_pages.action_text(
            action, names, request, actor.organization.currency
        ),
        **public_flows(request, uow, actor),
    }


@router.get("/p/{slug}")
def public_page(request: Request, slug: str) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = public_reader(uow, slug.strip().lower())
        context = public_context(request, uow, actor)
    return render(request, "public.html", context)


def payout_member(cause: str) -> int | None:
    _kind, _sep, rest = cause.partition(":")
    return int(rest) if rest.isdigit() else None
