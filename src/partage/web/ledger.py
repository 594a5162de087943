"""The books: the journal with its postings, balances per account, the integrity check, and
the admin's forms to record money coming in (a deposit) and going out (a payout)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from partage.core.errors import DomainError
from partage.services import ledger, rounds
from partage.services.context import Actor, UnitOfWork
from partage.web import forms
from partage.web.i18n import N_
from partage.web.labels import account_label, entry_title
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import (
    WebRoute,
    flash,
    form_error,
    gettext,
    redirect,
    render,
    status_of,
    uow_factory,
)

router = APIRouter(route_class=WebRoute)
SHOWN_ENTRIES = 200


def ledger_context(request: Request, uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    frame = org_frame(uow, actor, section="ledger")
    names: dict[int, str] = frame["names"]
    round_names = {r.id: r.name for r in rounds.rounds(uow, actor=actor)}
    _ = gettext(request)
    journal = ledger.journal(uow, actor=actor)
    owed = [
        (b.member_id, b.amount.minor)
        for b in ledger.balances(uow, actor=actor)
        if b.account.startswith("member:") and b.member_id is not None and b.amount.minor > 0
    ]
    return {
        **frame,
        # Newest first: the latest movements are what a reader looks for.
        "entries": list(reversed(journal))[:SHOWN_ENTRIES],
        "entry_count": len(journal),
        "balances": [b for b in ledger.balances(uow, actor=actor) if b.amount.minor],
        "check": ledger.check(uow, actor=actor),
        "account": lambda account: account_label(account, names, round_names, _),
        "title": lambda rec: entry_title(rec.entry.cause, rec.entry.memo, names, round_names, _),
        "owed": owed,
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
    if error is not None:
        context["error"] = form_error(request, form, error)
        context["values"] = values or {}
    return render(request, "ledger.html", context, status=status_of(error) if error else 200)


@router.get("/o/{slug}/ledger")
def ledger_page(request: Request, slug: str) -> Response:
    return show_ledger(request, slug)


@router.post("/o/{slug}/ledger/deposit")
async def deposit(request: Request, slug: str) -> Response:
    form = await forms.posted(request)

    def act() -> Response:
        try:
            with uow_factory(request)() as uow:
                actor = actor_of(request, uow, slug)
                ledger.deposit(
                    uow,
                    actor=actor,
                    amount=forms.amount(forms.text(form, "amount"), actor.organization.currency),
                    memo=forms.text(form, "memo"),
                    fund=forms.text(form, "fund").strip() or "commons",
                    now=request.app.state.clock(),
                )
        except DomainError as error:
            if error.code == "organization.not_found":
                raise
            return show_ledger(request, slug, error=error, form="deposit", values=form)
        flash(request, N_("The deposit is recorded."))
        return redirect(f"/o/{slug}/ledger")

    return await run_in_threadpool(act)


@router.post("/o/{slug}/ledger/payout")
async def payout(request: Request, slug: str) -> Response:
    form = await forms.posted(request)

    def act() -> Response:
        try:
            with uow_factory(request)() as uow:
                actor = actor_of(request, uow, slug)
                ledger.pay_member(
                    uow,
                    actor=actor,
                    member_id=forms.required_id(forms.text(form, "member"), field="member"),
                    amount=forms.amount(forms.text(form, "amount"), actor.organization.currency),
                    reference=forms.text(form, "reference"),
                    now=request.app.state.clock(),
                )
        except DomainError as error:
            if error.code == "organization.not_found":
                raise
            return show_ledger(request, slug, error=error, form="payout", values=form)
        flash(request, N_("The payout is recorded."))
        return redirect(f"/o/{slug}/ledger")

    return await run_in_threadpool(act)
