"""The governance pages: proposals, one proposal and its process, bodies and roles, the log.

Every text a reader sees is said in the reader's language (:mod:`governance_text`): the
service's English sentences (an action's summary, a log entry's text) are never shown as
they are. The proposal form is read into its action by :mod:`governance_forms`.

Reading a proposal or the list of proposals first closes those whose closing time has passed
(for a reader who may act): the outcome is fixed by what stood at the closing time, so who
reads first changes nothing, and nobody has to press a button for a decision to take effect.
Only the forms a reader may use are shown, but the service checks every action.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from partage.core.errors import DomainError
from partage.core.roles import Role
from partage.services import distributions, governance, organizations, rounds
from partage.services.context import Actor, UnitOfWork
from partage.services.governance import ProposalView
from partage.web import forms
from partage.web.actions import act_on_form, codes
from partage.web.governance_forms import proposal_action, share
from partage.web.governance_text import (
    ACTION_CHOICES,
    BODY_KIND,
    BODY_WHO,
    CHOICE_NAME,
    CONSENT_CHOICE_NAME,
    METHOD_NAME,
    METHODS,
    OUTCOME_NAME,
    RESOLUTION_NAME,
    ROLE_ENDED,
    STATUS_NAME,
    THRESHOLD_TEXT,
    action_text,
    body_name,
    explained,
    log_line,
    log_who,
    why,
)
from partage.web.i18n import N_, Formatter
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import (
    WebRoute,
    lang_of,
    render_form_page,
    uow_factory,
)

router = APIRouter(route_class=WebRoute)


def _now(request: Request) -> Any:
    return request.app.state.clock()


def close_due(request: Request, slug: str) -> None:
    """Record the outcome of every proposal whose closing time passed (see the docstring)."""
    with uow_factory(request)() as uow:
        actor = actor_of(request, uow, slug)
        if actor.role is Role.OBSERVER:
            return
        try:
            governance.close_due(uow, actor=actor, now=_now(request))
        except DomainError:
            # A refusal here is no reader's business: the page still shows "closing time passed".
            return


def _frame(request: Request, uow: UnitOfWork, actor: Actor, tab: str) -> dict[str, Any]:
    frame = org_frame(uow, actor, section="decisions")
    names: dict[int, str] = frame["names"]
    currency = actor.organization.currency
    round_names = {r.id: r.name for r in rounds.rounds(uow, actor=actor)}
    return {
        **frame,
        "tab": tab,
        "method_name": METHOD_NAME,
        "status_name": STATUS_NAME,
        "outcome_name": OUTCOME_NAME,
        "choice_name": CHOICE_NAME,
        "body_kind": BODY_KIND,
        "body_who": BODY_WHO,
        "role_ended": ROLE_ENDED,
        "resolution_name": RESOLUTION_NAME,
        "action_text": lambda action: action_text(action, names, request, currency, round_names),
        "why": lambda view: why(view, request),
        "log_line": lambda entry: log_line(entry, request, names, currency, round_names),
        "log_who": log_who,
        "body_name": lambda body: body_name(body, request),
    }


# -- the list of proposals and the form that opens one --------------------------------------


def show_proposals(
    request: Request,
    slug: str,
    *,
    error: DomainError | None = None,
    values: FormData | None = None,
) -> Response:
    now = _now(request)
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        found = governance.proposals(uow, actor=actor, now=now)
        bodies = governance.bodies(uow, actor=actor)
        roles = governance.roles(uow, actor=actor, now=now, active_only=True)
        colleges = organizations.colleges(uow, actor=actor)
        open_rounds = [r for r in rounds.rounds(uow, actor=actor) if r.is_open]
        recorded = distributions.distributions(uow, actor=actor)
        context = _frame(request, uow, actor, "proposals")
    me = actor.member.id
    mine = [b for b in bodies if me in b.member_ids]
    context.update(
        {
            "open_ones": [v for v in found if v.status != "closed"],
            "closed_ones": [v for v in found if v.status == "closed"],
            "my_bodies": mine,
            "methods": METHODS,
            "thresholds": THRESHOLD_TEXT,
            "action_choices": ACTION_CHOICES,
            "roles": roles,
            "colleges": colleges,
            "open_rounds": open_rounds,
            "power_distributions": recorded,
            "can_open": context["can_act"] and bool(mine),
        }
    )
    return render_form_page(
        request,
        "proposals.html",
        context,
        error=error,
        form="open",
        values=values,
        offered={"open": context["can_open"]},
    )


@router.get("/o/{slug}/proposals")
async def proposals_page(request: Request, slug: str) -> Response:
    await run_in_threadpool(close_due, request, slug)
    return await run_in_threadpool(show_proposals, request, slug)


@router.post("/o/{slug}/proposals")
async def open_proposal(request: Request, slug: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, form: FormData) -> ProposalView:
        now = _now(request)
        days = forms.whole_number(
            forms.text(form, "days", "7"),
            field="days",
            low=1,
            high=366,
            code="proposal.bad_closing",
        )
        method = forms.text(form, "method", "consent").strip()
        options = tuple(
            line.strip() for line in forms.text(form, "options").splitlines() if line.strip()
        )
        return governance.open_proposal(
            uow,
            actor=actor,
            body_id=forms.required_id(forms.text(form, "body"), field="body"),
            title=forms.text(form, "title"),
            text=forms.text(form, "text"),
            method=method,
            closes_at=now + timedelta(days=days),
            now=now,
            threshold=(forms.text(form, "threshold").strip() or None)
            if method in ("vote", "college_vote")
            else None,
            quorum=share(forms.text(form, "quorum"), field="quorum")
            if method in ("vote", "college_vote")
            else None,
            secret=forms.checkbox(form, "secret") and method in ("vote", "college_vote"),
            options=options if method == "score" else (),
            action=proposal_action(form, actor),
            decider_id=forms.optional_id(forms.text(form, "decider"), field="decider")
            if method == "advice"
            else None,
        )

    return await act_on_form(
        request,
        slug,
        action,
        again=lambda error, form: show_proposals(request, slug, error=error, values=form),
        done=N_("Your proposal is open."),
        then=lambda view: f"/o/{slug}/proposals/{view.proposal.id}",
    )


# -- one proposal ---------------------------------------------------------------------------


def show_proposal(
    request: Request,
    slug: str,
    proposal_id: int,
    *,
    error: DomainError | None = None,
    form: str = "",
    values: FormData | None = None,
) -> Response:
    now = _now(request)
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        view = governance.view_proposal(uow, actor=actor, proposal_id=proposal_id, now=now)
        context = _frame(request, uow, actor, "proposals")
    p = view.proposal
    me = actor.member.id
    is_open = view.status == "open"
    in_body = me in view.body.member_ids and context["can_act"]
    choices = ["agree", "abstain", "disagree"] + (["block"] if p.blocks_allowed else [])
    if p.method == "consent":
        choices = ["agree", "abstain"]
    my_standing = [o for o in view.objections if o.standing and o.objector_id == me]
    my_scores = next((v.scores for v in view.votes if v.voter_id == me and v.scores), None) or {}
    tally = view.outcome.tally if view.outcome else {}
    colleges = tally.get("colleges") if isinstance(tally, dict) else None
    context.update(
        {
            "view": view,
            "p": p,
            "explained": explained(view, request),
            "time_left": p.closes_at - now if now < p.closes_at else None,
            "choices": choices,
            "choice_labels": CONSENT_CHOICE_NAME if p.method == "consent" else CHOICE_NAME,
            "can_vote": view.can_vote
            and is_open
            and p.method in ("vote", "college_vote", "score", "consent")
            # The author of a consent proposal consents by proposing it.
            and not (p.method == "consent" and p.author_id == me)
            and not my_standing,
            "my_scores": my_scores,
            "can_object": is_open
            and in_body
            and p.method == "consent"
            and p.author_id != me
            and not my_standing,
            "my_standing": my_standing,
            "can_amend": is_open and p.method == "consent" and p.author_id == me,
            "can_advise": is_open and p.method == "advice" and context["can_act"],
            "can_decide": view.status == "due"
            and p.method == "advice"
            and (p.decider_id or p.author_id) == me,
            "can_close": view.status == "due" and p.method != "advice" and context["can_act"],
            "can_comment": context["can_act"],
            "college_rows": colleges if isinstance(colleges, dict) else {},
            "share": lambda text: (
                Formatter(lang_of(request)).share(Decimal(str(text)))
                if text not in (None, "")
                else "—"
            ),
        }
    )
    return render_form_page(
        request,
        "proposal.html",
        context,
        error=error,
        form=form,
        values=values,
        offered={
            "vote": context["can_vote"],
            "object": context["can_object"],
            "withdraw_objection": bool(my_standing),
            "amend": context["can_amend"],
            "advise": context["can_advise"],
            "decide": context["can_decide"],
            "close": context["can_close"],
            "comment": context["can_comment"],
        },
    )


@router.get("/o/{slug}/proposals/{proposal_id}")
async def proposal_page(request: Request, slug: str, proposal_id: str) -> Response:
    pid = forms.path_id(proposal_id, what="proposal")
    await run_in_threadpool(close_due, request, slug)
    return await run_in_threadpool(show_proposal, request, slug, pid)


Act = Callable[[UnitOfWork, Actor, int, FormData], object]


async def _act(
    request: Request, slug: str, proposal_id: str, form_name: str, done: str, action: Act
) -> Response:
    pid = forms.path_id(proposal_id, what="proposal")
    return await act_on_form(
        request,
        slug,
        lambda uow, actor, form: action(uow, actor, pid, form),
        again=lambda error, form: show_proposal(
            request, slug, pid, error=error, form=form_name, values=form
        ),
        done=done,
        then=f"/o/{slug}/proposals/{pid}",
        gone=codes("organization.not_found", "proposal.not_found"),
    )


@router.post("/o/{slug}/proposals/{proposal_id}/vote")
async def vote(request: Request, slug: str, proposal_id: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, pid: int, form: FormData) -> object:
        now = _now(request)
        view = governance.view_proposal(uow, actor=actor, proposal_id=pid, now=now)
        if view.proposal.method == "score":
            scores = {
                option: forms.whole_number(
                    forms.text(form, f"score_{i}"),
                    field=f"score_{i}",
                    low=0,
                    high=5,
                    code="vote.score_range",
                )
                for i, option in enumerate(view.proposal.options)
            }
            return governance.vote(uow, actor=actor, proposal_id=pid, now=now, scores=scores)
        return governance.vote(
            uow, actor=actor, proposal_id=pid, now=now, choice=forms.text(form, "choice")
        )

    return await _act(request, slug, proposal_id, "vote", N_("Your vote is recorded."), action)


@router.post("/o/{slug}/proposals/{proposal_id}/object")
async def object_to(request: Request, slug: str, proposal_id: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, pid: int, form: FormData) -> object:
        return governance.raise_objection(
            uow, actor=actor, proposal_id=pid, reason=forms.text(form, "reason"), now=_now(request)
        )

    done = N_("Your objection is recorded: the proposal will not pass while it stands.")
    return await _act(request, slug, proposal_id, "object", done, action)


@router.post("/o/{slug}/proposals/{proposal_id}/objections/withdraw")
async def withdraw_objection(request: Request, slug: str, proposal_id: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, pid: int, form: FormData) -> object:
        return governance.withdraw_objection(
            uow,
            actor=actor,
            proposal_id=pid,
            objection_id=forms.required_id(forms.text(form, "objection"), field="objection"),
            now=_now(request),
        )

    done = N_("Your objection is withdrawn.")
    return await _act(request, slug, proposal_id, "withdraw_objection", done, action)


@router.post("/o/{slug}/proposals/{proposal_id}/amend")
async def amend(request: Request, slug: str, proposal_id: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, pid: int, form: FormData) -> object:
        return governance.amend_proposal(
            uow,
            actor=actor,
            proposal_id=pid,
            text=forms.text(form, "text"),
            note=forms.text(form, "note"),
            now=_now(request),
        )

    done = N_("Your proposal is amended: standing objections are resolved and the window restarts.")
    return await _act(request, slug, proposal_id, "amend", done, action)


@router.post("/o/{slug}/proposals/{proposal_id}/comment")
async def comment(request: Request, slug: str, proposal_id: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, pid: int, form: FormData) -> object:
        return governance.comment(
            uow, actor=actor, proposal_id=pid, text=forms.text(form, "comment"), now=_now(request)
        )

    return await _act(request, slug, proposal_id, "comment", N_("Your comment is added."), action)


@router.post("/o/{slug}/proposals/{proposal_id}/advise")
async def advise(request: Request, slug: str, proposal_id: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, pid: int, form: FormData) -> object:
        return governance.give_advice(
            uow, actor=actor, proposal_id=pid, text=forms.text(form, "advice"), now=_now(request)
        )

    return await _act(request, slug, proposal_id, "advise", N_("Your advice is recorded."), action)


@router.post("/o/{slug}/proposals/{proposal_id}/decide")
async def decide(request: Request, slug: str, proposal_id: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, pid: int, form: FormData) -> object:
        return governance.decide(
            uow,
            actor=actor,
            proposal_id=pid,
            adopt=forms.text(form, "adopt") == "yes",
            text=forms.text(form, "decision"),
            now=_now(request),
        )

    return await _act(
        request, slug, proposal_id, "decide", N_("Your decision is recorded."), action
    )


@router.post("/o/{slug}/proposals/{proposal_id}/close")
async def close(request: Request, slug: str, proposal_id: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, pid: int, form: FormData) -> object:
        return governance.close_proposal(uow, actor=actor, proposal_id=pid, now=_now(request))

    done = N_("The proposal is counted.")
    return await _act(request, slug, proposal_id, "close", done, action)


# -- bodies and roles; the decision log -----------------------------------------------------


def show_governance(
    request: Request,
    slug: str,
    *,
    error: DomainError | None = None,
    values: FormData | None = None,
    form: str = "circle",
) -> Response:
    now = _now(request)
    with uow_factory(request)(readonly=True) as uow:
        actor = actor_of(request, uow, slug)
        bodies = governance.bodies(uow, actor=actor)
        roles = governance.roles(uow, actor=actor, now=now)
        members = organizations.members(uow, actor=actor)
        power = governance.contribution_power(uow, actor=actor)
        recorded = distributions.distributions(uow, actor=actor)
        context = _frame(request, uow, actor, "governance")
    context.update(
        {
            "power": power,
            # The distributions whose payouts may weigh the votes instead of hours.
            "power_distributions": recorded,
            "bodies": bodies,
            "active_roles": [r for r in roles if r.active],
            "past_roles": [r for r in roles if not r.active],
            # Observers cannot sit in a circle: they are not offered.
            "candidates": [
                (v.member.id, v.member.name) for v in members if v.member.role is not Role.OBSERVER
            ],
        }
    )
    return render_form_page(
        request,
        "governance.html",
        context,
        error=error,
        form=form,
        values=values,
        offered={"circle": context["is_admin"], "power": context["is_admin"]},
    )


@router.get("/o/{slug}/governance")
async def governance_page(request: Request, slug: str) -> Response:
    # A role given by a proposal that is due shows as soon as this page is read.
    await run_in_threadpool(close_due, request, slug)
    return await run_in_threadpool(show_governance, request, slug)


@router.post("/o/{slug}/governance/circles")
async def create_circle(request: Request, slug: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        return governance.create_circle(
            uow,
            actor=actor,
            name=forms.text(form, "name"),
            member_ids=tuple(
                forms.required_id(v, field="members") for v in forms.texts(form, "members")
            ),
            now=_now(request),
            allows_blocks=forms.checkbox(form, "allows_blocks"),
        )

    return await act_on_form(
        request,
        slug,
        action,
        again=lambda error, form: show_governance(request, slug, error=error, values=form),
        done=N_("The circle is created."),
        then=f"/o/{slug}/governance",
    )


@router.post("/o/{slug}/governance/power")
async def set_power(request: Request, slug: str) -> Response:
    def action(uow: UnitOfWork, actor: Actor, form: FormData) -> object:
        on = forms.text(form, "power") == "on"
        basis = forms.text(form, "basis", "hours")
        return governance.set_contribution_power(
            uow,
            actor=actor,
            cap=forms.text(form, "cap").strip().replace(",", ".") if on else None,
            hours_per_step=forms.text(form, "hours_per_step", "10").strip().replace(",", "."),
            basis=basis,
            distribution_id=forms.optional_id(
                forms.text(form, "distribution_id"), field="distribution_id"
            )
            if basis == "distribution"
            else None,
            now=_now(request),
        )

    return await act_on_form(
        request,
        slug,
        action,
        again=lambda error, form: show_governance(
            request, slug, error=error, values=form, form="power"
        ),
        done=N_("The power from contribution is saved."),
        then=f"/o/{slug}/governance",
    )


@router.get("/o/{slug}/decisions")
async def decisions_page(request: Request, slug: str) -> Response:
    await run_in_threadpool(close_due, request, slug)

    def page() -> Response:
        with uow_factory(request)(readonly=True) as uow:
            actor = actor_of(request, uow, slug)
            entries = governance.decision_log(uow, actor=actor)
            titles = {
                v.proposal.id: v.proposal.title
                for v in governance.proposals(uow, actor=actor, now=_now(request))
            }
            context = _frame(request, uow, actor, "decisions")
        context.update({"entries": list(reversed(entries)), "titles": titles})
        return render_form_page(request, "decisions.html", context)

    return await run_in_threadpool(page)
