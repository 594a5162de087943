"""The books: the journal with its postings, balances per account, the integrity check, and
the admin's forms to record money coming in (a deposit) and going out (a payout)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from partage.core.errors import DomainError
from partage.services import ledger, rounds, units
from partage.services.context import Actor, UnitOfWork
from partage.web import forms
from partage.web.actions import act_on_form
from partage.web.i18n import N_
from partage.web.labels import account_label, entry_title
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import WebRoute, gettext, render_form_page, uow_factory

router = APIRouter(route_class=WebRoute)
SHOWN_ENTRIES = 200


def ledger_context(request: Request, uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    frame = org_frame(uow, actor, section="ledger")
    names: dict[int, str] = frame["names"]
    round_names = {r.id: r.name for r in rounds.rounds(uow, actor=actor)}
    _ = gettext(request)
    page = ledger.journal_page(uow, actor=actor, shown=SHOWN_ENTRIES)
    # One pass over the postings for both tables (a million entries hold six million).
    balances = ledger.balances(uow, actor=actor)
    owed = [
        (b.member_id, b.amount.minor)
        for b in balances
        if b.account.startswith("member:") and b.member_id is not None and b.amount.minor > 0
    ]
    return {
        **frame,
        # Newest first: the latest movements are what a reader looks for.
        "entries": list(reversed(page.newest)),
        "entry_count": page.size,
        "balances": [b for b in balances if b.amount.minor],
        "check": page.check,
        "account": lambda account: account_label(account, names, round_names, _),
        "title": lambda rec: entry_title(rec.entry.cause, rec.entry.memo, names, round_names, _),
        "owed": owed,
        # Postings in the organization's own units (CREDIT, HOUR) are counted in those units.
        "currency_of": {u.code: u.currency for u in units.units(uow, actor=actor)},
    }


def show_ledger(
    request: Request,
    slug: str,
    *,
    error: DomainError | None = None,
    form: str = "",
    values: FormData | None = None,
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context = ledger_context(request, uow, actor)
    return render_form_page(request, "ledger.html", context, error=error, form=form, values=values)


@router.get("/o/{slug}/ledger")
def ledger_page(request: Request, slug: str) -> Response:
    return show_ledger(request, slug)


@router.post("/o/{slug}/ledger/deposit")
async def deposit(request: Request, slug: str) -> Response:
    def record(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return ledger.deposit(
            uow,
            actor=actor,
            amount=forms.amount(forms.text(form, "amount"), actor.organization.currency),
            memo=forms.text(form, "memo"),
            fund=forms.text(form, "fund").strip() or "commons",
            now=request.app.state.clock(),
        )

    return await act_on_form(
        request,
        slug,
        record,
        again=lambda error, form: show_ledger(
            request, slug, error=error, form="deposit", values=form
        ),
        done=N_("The deposit is recorded."),
        then=f"/o/{slug}/ledger",
    )


@router.post("/o/{slug}/ledger/payout")
async def payout(request: Request, slug: str) -> Response:
    def pay(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return ledger.pay_member(
            uow,
            actor=actor,
            member_id=forms.required_id(forms.text(form, "member"), field="member"),
            amount=forms.amount(forms.text(form, "amount"), actor.organization.currency),
            reference=forms.text(form, "reference"),
            now=request.app.state.clock(),
        )

    return await act_on_form(
        request,
        slug,
        pay,
        again=lambda error, form: show_ledger(
            request, slug, error=error, form="payout", values=form
        ),
        done=N_("The payout is recorded."),
        then=f"/o/{slug}/ledger",
    )
