"""Round pages: a round with its gauge, claims and closing report; opening and closing one.

A failed form re-renders the same page with the message next to the field and the status
the error's kind calls for; the service has written nothing in that case.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from partage.core.claims import ClaimRecord, ClaimStatus
from partage.core.closing import MissionSpec, Policy, UnspentRule
from partage.core.errors import DomainError, InvalidInput
from partage.core.roles import require_admin
from partage.core.rounds import Rate, Round, parse_policy, parse_unspent
from partage.services import contributions, rounds
from partage.services.context import Actor, UnitOfWork
from partage.web import forms
from partage.web.actions import act_on_form, codes
from partage.web.gauge import gauge, round_gauge
from partage.web.i18n import N_, Formatter
from partage.web.labels import claim_row, redirect_label
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import (
    WebRoute,
    gettext,
    lang_of,
    render_form_page,
    uow_factory,
)
from partage.web.report import closing_report, known_claims

router = APIRouter(route_class=WebRoute)

MISSION_ROWS = 3
RATE_ROWS = 3
RATE_UNITS = ("hour", "day", "task")


def round_context(request: Request, uow: UnitOfWork, actor: Actor, round_id: int) -> dict[str, Any]:
    now = request.app.state.clock()
    view = rounds.view_round(uow, actor=actor, round_id=round_id, now=now)
    frame = org_frame(uow, actor, section="rounds")
    names: dict[int, str] = frame["names"]
    missions = {m.id: m.name for m in view.missions}
    rows = [
        claim_row(r, view.statuses[r.id], names=names, missions=missions, now=now)
        for r in view.claims
    ]
    objected_by_pot: dict[int | None, int] = defaultdict(int)
    for row in rows:
        if row.status is ClaimStatus.UNDER_OBJECTION and row.record.claim.consumes_envelope:
            pot = row.record.claim.mission_id if row.record.claim.mission_id in missions else None
            objected_by_pot[pot] += row.record.claim.amount
    mission_gauges = [
        (
            totals.mission,
            gauge(
                envelope=totals.capacity,
                declared=totals.declared,
                accepted=totals.accepted,
                objected=objected_by_pot[totals.mission.id if totals.mission else None],
            ),
        )
        for totals in view.per_mission
    ]
    mine = (
        contributions.find(uow, actor=actor, member_id=actor.member.id)
        if view.round.is_open
        else []
    )
    _ = gettext(request)
    return {
        **frame,
        "view": view,
        "round": view.round,
        "rows": rows,
        "gauge": round_gauge(view),
        # The general pot alone is the whole envelope when there are no missions.
        "mission_gauges": mission_gauges if view.missions else [],
        "my_contributions": mine[:30],
        "report": (
            closing_report(
                view.report,
                names=names,
                missions=missions,
                claims=known_claims(uow, actor, view, now),
                gettext=_,
                fmt=Formatter(lang_of(request)),
                currency=actor.organization.currency,
            )
            if view.report
            else None
        ),
        "redirect_label": lambda target: redirect_label(target, names, _),
        "others": [(mid, name) for mid, name in names.items() if mid != actor.member.id],
    }


def show_round(
    request: Request,
    slug: str,
    round_id: int,
    *,
    error: DomainError | None = None,
    form: str = "",
    values: FormData | None = None,
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        context = round_context(request, uow, actor, round_id)
    is_open = context["round"].is_open
    return render_form_page(
        request,
        "round.html",
        context,
        error=error,
        form=form,
        values=values,
        offered={
            "declare": is_open and context["can_act"],
            "close": is_open and context["is_admin"],
        },
    )


@router.get("/o/{slug}/rounds/new")
def new_round_form(request: Request, slug: str) -> Response:
    return show_new_round(request, slug)


def show_new_round(
    request: Request,
    slug: str,
    *,
    error: DomainError | None = None,
    values: FormData | None = None,
) -> Response:
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        require_admin(actor.role)
        frame = org_frame(uow, actor, section="rounds")
    context: dict[str, Any] = {
        **frame,
        "mission_rows": _rows(
            values, ("mission_name", "mission_steward", "mission_envelope"), MISSION_ROWS
        ),
        "rate_rows": _rows(values, ("rate_activity", "rate_amount", "rate_unit"), RATE_ROWS),
        "rate_units": RATE_UNITS,
        "policies": [p.value for p in Policy],
    }
    return render_form_page(
        request, "round_new.html", context, error=error, form="open", values=values
    )


def _rows(values: FormData | None, names: tuple[str, ...], count: int) -> list[list[str]]:
    """The repeated rows of the form, refilled with what was typed when it is shown again."""
    columns = [forms.texts(values, name) if values is not None else [] for name in names]
    height = max([count, *(len(c) for c in columns)])
    return [[c[i] if i < len(c) else "" for c in columns] for i in range(height)]


def _filled_rows(
    form: FormData, names: tuple[str, str, str], *, code: str, message: str, field: str
) -> Iterator[tuple[str, str, str]]:
    """The repeated rows of the form that are filled in: a row whose first two boxes are
    empty is skipped, one with only one of them filled is refused."""
    rows = zip(*(forms.texts(form, name) for name in names), strict=False)
    for first, second, third in rows:
        if not first.strip() and not second.strip():
            continue  # an empty row of the form
        if not first.strip() or not second.strip():
            raise InvalidInput(code, message, field=field)
        yield first, second, third


def _missions(form: FormData, actor: Actor) -> tuple[MissionSpec, ...]:
    currency = actor.organization.currency
    rows = _filled_rows(
        form,
        ("mission_name", "mission_envelope", "mission_steward"),
        code="mission.incomplete",
        message="a mission needs a name and an envelope",
        field="missions",
    )
    return tuple(
        MissionSpec(
            name=name,
            envelope=forms.amount(envelope, currency, field="missions"),
            steward_id=forms.optional_id(steward, field="missions"),
        )
        for name, envelope, steward in rows
    )


def _rates(form: FormData, actor: Actor) -> tuple[Rate, ...]:
    currency = actor.organization.currency
    rows = _filled_rows(
        form,
        ("rate_activity", "rate_amount", "rate_unit"),
        code="rate.incomplete",
        message="a rate needs an activity and an amount",
        field="rates",
    )
    return tuple(
        Rate(
            activity=activity.strip(),
            amount=forms.amount(amount, currency, field="rates"),
            unit=unit if unit in RATE_UNITS else "hour",
        )
        for activity, amount, unit in rows
    )


@router.post("/o/{slug}/rounds/new")
async def open_round(request: Request, slug: str) -> Response:
    def open_one(uow: UnitOfWork, actor: Actor, form: FormData) -> Round:
        currency = actor.organization.currency
        days = forms.whole_number(
            forms.text(form, "window_days"),
            field="window",
            low=1,
            high=366,
            code="round.bad_window",
        )
        return rounds.open_round(
            uow,
            actor=actor,
            name=forms.text(form, "name"),
            envelope=forms.amount(forms.text(form, "envelope"), currency, field="envelope"),
            window=timedelta(days=days),
            policy=parse_policy(forms.text(form, "policy", Policy.PRO_RATA.value)),
            unspent_rule=parse_unspent(forms.text(form, "unspent", UnspentRule.ROLLOVER.value)),
            now=request.app.state.clock(),
            missions=_missions(form, actor),
            rates=_rates(form, actor),
        )

    return await act_on_form(
        request,
        slug,
        open_one,
        again=lambda error, form: show_new_round(request, slug, error=error, values=form),
        done=N_("The round is open: members can now declare their claims."),
        then=lambda created: f"/o/{slug}/rounds/{created.id}",
        gone=lambda error: error.kind == "not_found",
    )


@router.get("/o/{slug}/rounds/{round_id}")
def round_page(request: Request, slug: str, round_id: str) -> Response:
    return show_round(request, slug, forms.path_id(round_id, what="round"))


ROUND_GONE = codes("organization.not_found", "round.not_found")


@router.post("/o/{slug}/rounds/{round_id}/claims")
async def declare(request: Request, slug: str, round_id: str) -> Response:
    rid = forms.path_id(round_id, what="round")

    def declare_one(uow: UnitOfWork, actor: Actor, form: FormData) -> ClaimRecord:
        chosen, target = forms.disposition(form)
        return rounds.declare_claim(
            uow,
            actor=actor,
            round_id=rid,
            amount=forms.amount(forms.text(form, "amount"), actor.organization.currency),
            justification=forms.text(form, "justification"),
            now=request.app.state.clock(),
            mission_id=forms.optional_id(forms.text(form, "mission"), field="mission"),
            hours=forms.text(form, "hours").strip() or None,
            contribution_ids=tuple(
                forms.required_id(v, field="contributions")
                for v in forms.texts(form, "contribution")
            ),
            disposition=chosen,
            redirect_to=target,
        )

    return await act_on_form(
        request,
        slug,
        declare_one,
        again=lambda error, form: show_round(
            request, slug, rid, error=error, form="declare", values=form
        ),
        done=N_("Your claim is declared. Others may object until its window ends."),
        then=lambda record: f"/o/{slug}/claims/{record.id}",
        gone=ROUND_GONE,
    )


@router.post("/o/{slug}/rounds/{round_id}/close")
async def close_round(request: Request, slug: str, round_id: str) -> Response:
    rid = forms.path_id(round_id, what="round")

    def close(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return rounds.close(uow, actor=actor, round_id=rid, now=request.app.state.clock())

    return await act_on_form(
        request,
        slug,
        close,
        again=lambda error, form: show_round(request, slug, rid, error=error, form="close"),
        done=N_("The round is closed. Here is what each member gets."),
        then=f"/o/{slug}/rounds/{rid}#report",
        gone=ROUND_GONE,
    )
