"""Contributions: the list with its filters, the record form and the CSV import.

A CSV import is all or nothing; when some rows are refused, the page lists each one with
its line number and the rule it breaks, and nothing is recorded.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from partage.core.errors import DomainError, InvalidInput
from partage.services import contributions
from partage.services.context import Actor, UnitOfWork
from partage.services.contributions import CSV_COLUMNS, ImportReport
from partage.web import forms
from partage.web.actions import act_on_form
from partage.web.i18n import N_, message_for
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import WebRoute, flash, gettext, redirect, render_form_page, uow_factory

router = APIRouter(route_class=WebRoute)
SHOWN = 200


def show_contributions(
    request: Request,
    slug: str,
    *,
    error: DomainError | None = None,
    form: str = "",
    values: FormData | None = None,
    report: ImportReport | None = None,
    status: int | None = None,
) -> Response:
    query = request.query_params
    filters = {
        "member": query.get("member", ""),
        "activity": query.get("activity", ""),
        "since": query.get("since", ""),
        "until": query.get("until", ""),
    }
    filter_error: DomainError | None = None
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        frame = org_frame(uow, actor, section="contributions")
        try:
            found = contributions.find(
                uow,
                actor=actor,
                member_id=forms.optional_id(filters["member"], field="member"),
                activity=filters["activity"].strip() or None,
                since=filters["since"].strip() or None,
                until=filters["until"].strip() or None,
            )
        except InvalidInput as refused:
            found, filter_error = [], refused
    context: dict[str, Any] = {
        **frame,
        "contributions": found[:SHOWN],
        "total": len(found),
        "filters": filters,
        "columns": ",".join(CSV_COLUMNS),
        "report": report,
        # Each refused row in the reader's words, by its code; the service's text otherwise.
        "row_message": lambda row: message_for(row.code, row.message, gettext(request)),
        "today": request.app.state.clock().date().isoformat(),
    }
    if filter_error is not None and error is None:
        error, form = filter_error, "filter"
    return render_form_page(
        request, "contributions.html", context, error=error, form=form, values=values, status=status
    )


@router.get("/o/{slug}/contributions")
def contributions_page(request: Request, slug: str) -> Response:
    return show_contributions(request, slug)


@router.post("/o/{slug}/contributions")
async def record(request: Request, slug: str) -> Response:
    def record_one(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return contributions.record(
            uow,
            actor=actor,
            activity=forms.text(form, "activity"),
            occurred_on=forms.text(form, "date"),
            hours=forms.text(form, "hours").strip() or None,
            quantity=forms.text(form, "quantity").strip() or None,
            description=forms.text(form, "description"),
            link=forms.text(form, "link").strip() or None,
            member_id=forms.optional_id(forms.text(form, "member"), field="member"),
            now=request.app.state.clock(),
        )

    return await act_on_form(
        request,
        slug,
        record_one,
        again=lambda error, form: show_contributions(
            request, slug, error=error, form="record", values=form
        ),
        done=N_("The contribution is recorded."),
        then=f"/o/{slug}/contributions",
    )


@router.post("/o/{slug}/contributions/import")
async def import_csv(request: Request, slug: str) -> Response:
    form = await forms.posted(request)
    upload = forms.upload(form, "file")
    data = await upload.read() if upload is not None else b""
    await form.close()  # the upload is spooled to a temporary file

    def act() -> Response:
        try:
            if not data:
                raise InvalidInput("import.no_file", "choose a CSV file", field="file")
            with uow_factory(request)() as uow:
                actor = actor_of(request, uow, slug)
                report = contributions.import_csv(
                    uow, actor=actor, data=data, now=request.app.state.clock()
                )
        except DomainError as error:
            if error.code == "organization.not_found":
                raise
            return show_contributions(request, slug, error=error, form="import")
        if not report.ok:
            return show_contributions(request, slug, report=report, status=400)
        flash(request, N_("The file is imported."))
        return redirect(f"/o/{slug}/contributions")

    return await run_in_threadpool(act)
