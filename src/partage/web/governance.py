"""The governance pages: proposals, one proposal and its process, bodies and roles, the log.

Every text a reader sees is said here in the reader's language: the service's English
sentences (an action's summary, a log entry's text) are never shown as they are; the pages
say the same from the kind and the data of what was recorded.

Reading a proposal or the list of proposals first closes those whose closing time has passed
(for a reader who may act): the outcome is fixed by what stood at the closing time, so who
reads first changes nothing, and nobody has to press a button for a decision to take effect.
Only the forms a reader may use are shown, but the service checks every action.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from partage.core.currency import Currency
from partage.core.errors import DomainError, InvalidInput
from partage.core.roles import Role
from partage.services import distributions, governance, organizations, rounds
from partage.services.context import Actor, UnitOfWork
from partage.services.governance import ActionView, Body, DecisionLogEntry, ProposalView
from partage.web import forms
from partage.web.actions import act_on_form, codes
from partage.web.i18n import N_, Formatter
from partage.web.membership import actor_of, org_frame
from partage.web.rendering import (
    WebRoute,
    gettext,
    lang_of,
    render_form_page,
    uow_factory,
)

router = APIRouter(route_class=WebRoute)

METHODS = ("consent", "advice", "vote", "college_vote", "score")
METHOD_NAME = {
    "consent": N_("Consent"),
    "advice": N_("Advice"),
    "vote": N_("Vote"),
    "college_vote": N_("College vote"),
    "score": N_("Score"),
}
METHOD_EXPLAINED = {
    "consent": N_(
        "It passes at the closing time unless an objection still stands. Whoever objects says "
        "why; the author may amend the text, which resolves the objections and restarts the "
        "window, or the objector may withdraw."
    ),
    "advice": N_(
        "Anyone may give advice until the closing time; then %(decider)s decides, in their own "
        "words. The advice stays in the record."
    ),
    "vote": N_(
        "Each member of the body votes agree, abstain or disagree. It passes when %(threshold)s "
        "of the expressed votes agree; abstentions are not expressed."
    ),
    "college_vote": N_(
        "Each member votes agree, abstain or disagree; each college's share of agree weighs by "
        "the college's weight. It passes when %(threshold)s of the weighted result agrees; "
        "abstentions are not expressed."
    ),
    "score": N_(
        "Each member scores every option from 0 to 5; the option with the best mean score is "
        "chosen. A tie chooses nothing."
    ),
}
THRESHOLD_TEXT = {
    "majority": N_("more than half"),
    "two_thirds": N_("at least two thirds"),
    "unanimity": N_("all"),
}
STATUS_NAME = {"open": N_("Under way"), "due": N_("Closing time passed"), "closed": N_("Decided")}
OUTCOME_NAME = {
    "passed": N_("Passed"),
    "rejected": N_("Rejected"),
    "no_quorum": N_("Quorum not reached"),
    "blocked": N_("Blocked"),
}
CHOICE_NAME = {
    "agree": N_("Agree"),
    "abstain": N_("Abstain"),
    "disagree": N_("Disagree"),
    "block": N_("Block"),
}
CONSENT_CHOICE_NAME = {"agree": N_("I consent"), "abstain": N_("I stand aside")}
BODY_KIND = {
    "assembly": N_("General assembly"),
    "admins": N_("Admins"),
    "circle": N_("Circle"),
}
BODY_WHO = {
    "assembly": N_("Every member who is not an observer, voting by college."),
    "admins": N_("The organization's admins."),
    "circle": N_("Its named members."),
}
RESOLUTION_NAME = {
    None: N_("Standing"),
    "withdrawn": N_("Withdrawn by its author"),
    "amended": N_("Resolved by an amendment"),
}
ROLE_ENDED = {"term": N_("term ended"), "decision": N_("ended by a decision")}
LOG_TEXT = {
    "proposal_opened": N_("opened the proposal"),
    "vote_cast": N_("voted"),
    "vote_changed": N_("changed their vote"),
    "secret_vote_cast": N_("voted (secret ballot)"),
    "objection_raised": N_("objected"),
    "objection_withdrawn": N_("withdrew their objection"),
    "proposal_amended": N_(
        "amended the proposal; the objections are resolved and the window restarts"
    ),
    "advice_given": N_("gave advice"),
    "proposal_closed": N_("The proposal closed"),
    "proposal_decided": N_("decided"),
    "action_applied": N_("The decision took effect"),
    "action_failed": N_("The decision could not take effect"),
    "circle_created": N_("created a circle"),
    "role_filled": N_("A role was filled"),
    "role_ended": N_("A role ended"),
    "contribution_power_set": N_("changed the power from contribution"),
    "comment": N_("commented"),
}
ACTION_CHOICES = {
    "": N_("Nothing: a decision in words only"),
    "public_on": N_("Turn the public page on"),
    "public_off": N_("Turn the public page off"),
    "fill_role": N_("Give a role to a member"),
    "end_role": N_("End a role"),
    "open_round": N_("Open a contributive round"),
    "set_round_envelope": N_("Change the envelope of an open round"),
    "set_round_window": N_("Change the objection window of an open round"),
    "set_commission_rate": N_("Change a commission rate on transactions"),
    "admit_member": N_("Admit a member"),
    "remove_member": N_("Remove a member"),
    "change_college": N_("Move a member to another college"),
    "set_college_weights": N_("Set the college weights"),
    "power_on": N_("Turn power from contribution on"),
    "power_off": N_("Turn power from contribution off"),
}


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


def action_text(
    action: ActionView | None,
    names: Mapping[int, str],
    request: Request,
    currency: Currency,
    round_names: Mapping[int, str] | None = None,
) -> str:
    """What a proposal's action does, in the reader's words (a round by its name when known)."""
    if action is None:
        return ""
    _ = gettext(request)
    p = action.params

    def round_() -> str:
        value = p.get("round_id")
        known = (round_names or {}).get(value) if isinstance(value, int) else None
        return _("“%(name)s”") % {"name": known} if known else f"#{value}"

    def who(key: str) -> str:
        value = p.get(key)
        return names.get(value, f"#{value}") if isinstance(value, int) else str(value)

    match action.kind:
        case "set_public_page":
            return (
                _("Turn the public page on") if p.get("public") else _("Turn the public page off")
            )
        case "open_round":
            return _("Open the round “%(name)s”, envelope %(envelope)s, window %(hours)s h") % {
                "name": p.get("name"),
                "envelope": Formatter(lang_of(request)).money(envelope, currency)
                if isinstance(envelope := p.get("envelope"), int)
                else envelope,
                "hours": p.get("window_hours"),
            }
        case "admit_member":
            return _("Admit %(name)s as a member") % {"name": p.get("name")}
        case "remove_member":
            return _("Remove %(name)s") % {"name": who("member_id")}
        case "change_college":
            return _("Move %(name)s to the college %(college)s") % {
                "name": who("member_id"),
                "college": p.get("college"),
            }
        case "set_college_weights":
            weights = p.get("weights")
            listed = (
                ", ".join(f"{k} {v} %" for k, v in weights.items())
                if isinstance(weights, Mapping)
                else ""
            )
            return _("Set the college weights: %(weights)s") % {"weights": listed}
        case "fill_role":
            text = _("Give the role “%(role)s” to %(name)s") % {
                "role": p.get("name"),
                "name": who("holder_id"),
            }
            if p.get("term_days"):
                text += " " + _("for %(days)s days") % {"days": p.get("term_days")}
            return text
        case "end_role":
            return _("End the role #%(role)s") % {"role": p.get("role_id")}
        case "set_contribution_power":
            if p.get("cap") in (None, "off"):
                return _("Turn power from contribution off")
            if p.get("distribution_id"):
                return _(
                    "Let a vote weigh up to %(cap)s votes, one more per average payout of "
                    "distribution #%(distribution)s"
                ) % {"cap": p.get("cap"), "distribution": p.get("distribution_id")}
            return _("Let a vote weigh up to %(cap)s votes, one more per %(step)s hours") % {
                "cap": p.get("cap"),
                "step": p.get("hours_per_step", "10"),
            }
        case "set_round_envelope":
            return _("Set the envelope of the round %(round)s to %(envelope)s") % {
                "round": round_(),
                "envelope": Formatter(lang_of(request)).money(envelope, currency)
                if isinstance(envelope := p.get("envelope"), int)
                else envelope,
            }
        case "set_round_window":
            return _(
                "Set the objection window of the round %(round)s to %(hours)s h, "
                "for claims declared from then on"
            ) % {"round": round_(), "hours": p.get("window_hours")}
        case "set_commission_rate":
            since = p.get("effective_from")
            return _(
                "Set the commission rate of the status “%(status)s” to %(rate)s %%, from %(since)s"
            ) % {
                "status": p.get("status"),
                "rate": p.get("rate"),
                "since": Formatter(lang_of(request)).date(date.fromisoformat(since))
                if isinstance(since, str)
                else _("the day after the decision"),
            }
    return action.summary


def explained(view: ProposalView, request: Request) -> str:
    """The method in plain words, with this proposal's threshold, quorum and ballot."""
    _ = gettext(request)
    p = view.proposal
    said = _(METHOD_EXPLAINED[p.method]) % {
        "decider": view.decider_name or view.author_name,
        "threshold": _(THRESHOLD_TEXT.get(p.threshold or "majority", THRESHOLD_TEXT["majority"])),
    }
    if p.quorum:
        share = Formatter(lang_of(request)).share(Decimal(p.quorum))
        said += " " + (
            _("Quorum: %(share)s of the members in each college must take part.")
            if p.quorum_per_college
            else _("Quorum: %(share)s of the members must take part.")
        ) % {"share": share}
    if p.secret:
        said += " " + _("The ballot is secret: only counts are kept, and a vote is final.")
    elif p.method in ("vote", "college_vote", "score"):
        said += " " + _("Votes are open; you may change yours until the closing time.")
    power = p.contribution_power
    if power is not None and power.distribution_id is not None and not p.secret:
        said += " " + _(
            "Within a college, a vote weighs 1 + what distribution #%(distribution)s paid its "
            "voter / the average it paid a member, at most %(cap)s votes."
        ) % {"distribution": power.distribution_id, "cap": power.cap}
    elif power is not None and p.method in ("vote", "college_vote") and not p.secret:
        said += " " + _(
            "Within a college, a vote weighs 1 + the hours its voter recorded / %(step)s, "
            "at most %(cap)s votes."
        ) % {"step": power.hours_per_step, "cap": power.cap}
    if p.blocks_allowed and p.method in ("vote", "college_vote"):
        said += " " + _("This body allows a block, which stops the proposal whatever the count.")
    return said


def why(view: ProposalView, request: Request) -> str:
    """Why the proposal ended as it did, in one sentence."""
    _ = gettext(request)
    out = view.outcome
    if out is None:
        return ""
    fmt = Formatter(lang_of(request))
    method = view.proposal.method
    if method == "consent":
        return (
            _("An objection still stood at the closing time.")
            if out.outcome == "rejected"
            else _("No objection stood at the closing time.")
        )
    if method == "advice":
        return out.decision_text
    if method == "score":
        if out.chosen:
            return _("“%(option)s” has the best mean score.") % {"option": out.chosen}
        if out.tied:
            return _("A tie between %(options)s: nothing is chosen.") % {
                "options": ", ".join(out.tied)
            }
        return _("Nobody scored the options.")
    if out.outcome == "blocked":
        return _("A member blocked it.")
    if out.outcome == "no_quorum":
        return _("Too few members took part (turnout %(turnout)s).") % {
            "turnout": fmt.share(Decimal(out.turnout))
        }
    return _("%(share)s of the expressed votes agreed; turnout %(turnout)s.") % {
        "share": fmt.share(Decimal(out.result)),
        "turnout": fmt.share(Decimal(out.turnout)),
    }


def log_line(
    entry: DecisionLogEntry,
    request: Request,
    names: Mapping[int, str],
    currency: Currency,
    round_names: Mapping[int, str] | None = None,
) -> str:
    """A log entry in the reader's words, with what it carries worth reading."""
    _ = gettext(request)
    d = entry.data
    kind = (
        "proposal_decided" if entry.kind == "proposal_closed" and d.get("decision") else entry.kind
    )
    what = _(LOG_TEXT[kind]) if kind in LOG_TEXT else entry.text
    detail = ""
    if entry.kind == "proposal_opened":
        detail = str(d.get("title", ""))
    elif entry.kind in ("vote_cast", "vote_changed") and d.get("choice"):
        detail = _(CHOICE_NAME.get(str(d["choice"]), str(d["choice"])))
    elif entry.kind == "vote_changed" or entry.kind == "vote_cast":
        scores = d.get("scores")
        if isinstance(scores, Mapping):
            detail = ", ".join(f"{k} {v}" for k, v in scores.items())
    elif entry.kind == "objection_raised":
        detail = str(d.get("reason", ""))
    elif entry.kind == "proposal_amended":
        detail = str(d.get("note") or "")
    elif entry.kind in ("comment", "advice_given"):
        detail = str(d.get("text", ""))
    elif entry.kind == "proposal_closed":
        outcome = str(d.get("outcome", ""))
        detail = _(OUTCOME_NAME.get(outcome, outcome))
        if d.get("decision"):
            detail += " — " + str(d["decision"])
    elif entry.kind == "action_applied":
        action = d.get("action")
        if isinstance(action, Mapping):
            kind = str(action.get("kind", ""))
            params = {k: v for k, v in action.items() if k != "kind"}
            detail = action_text(
                ActionView(kind, params, entry.text), names, request, currency, round_names
            )
    elif entry.kind == "action_failed":
        detail = str(d.get("reason", ""))
    elif entry.kind == "contribution_power_set":
        if d.get("cap") and d.get("distribution_id"):
            detail = _(
                "at most %(cap)s votes, one more per average payout of distribution "
                "#%(distribution)s"
            ) % {"cap": d.get("cap"), "distribution": d.get("distribution_id")}
        elif d.get("cap"):
            detail = _("at most %(cap)s votes, one more per %(step)s hours") % {
                "cap": d.get("cap"),
                "step": d.get("hours_per_step"),
            }
        else:
            detail = _("one member, one vote")
    elif entry.kind == "circle_created":
        detail = str(d.get("name", ""))
    elif entry.kind == "role_ended" and d.get("reason") == "term":
        # Written by the scheduler when a term ran out (a decision's end has its action).
        detail = f"{d.get('name', '')} ({_(ROLE_ENDED['term'])})"
    return _("%(what)s: %(detail)s") % {"what": what, "detail": detail} if detail else what


# Entries said without a name: what the rules did, not a member (a count is the same whoever
# asked for it, and a page read may be what recorded it).
IMPERSONAL = {"proposal_closed", "action_applied", "action_failed", "role_filled", "role_ended"}


def log_who(entry: DecisionLogEntry) -> str:
    """The member a log entry names first, or "" for what the rules did."""
    if entry.kind == "proposal_closed" and entry.data.get("decision"):
        return entry.member_name or ""  # an advice decided: the decider's act
    return "" if entry.kind in IMPERSONAL else entry.member_name or ""


def body_name(body: Body, request: Request) -> str:
    """The assembly and the admins in the reader's words; a circle by its own name."""
    if body.kind in ("assembly", "admins"):
        return gettext(request)(BODY_KIND[body.kind])
    return body.name


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


def _share(text: str, *, field: str) -> str | None:
    """A quorum typed as a percentage ("50", "50 %") as the share the service takes ("0.5")."""
    text = text.replace("%", "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > 100:
        raise InvalidInput(
            "proposal.bad_quorum", "the quorum is a percentage from 0 to 100", field=field
        )
    return str(Decimal(int(text)) / 100)


def proposal_action(form: FormData, actor: Actor) -> dict[str, object] | None:
    """The action chosen in the form, as the service reads it."""
    chosen = forms.text(form, "action").strip()
    if chosen == "":
        return None
    if chosen in ("public_on", "public_off"):
        return {"kind": "set_public_page", "public": chosen == "public_on"}
    if chosen == "fill_role":
        action: dict[str, object] = {
            "kind": "fill_role",
            "name": forms.text(form, "role_name").strip(),
            "holder_id": forms.required_id(forms.text(form, "role_holder"), field="role_holder"),
            "domain": forms.text(form, "role_domain").strip(),
        }
        days = forms.optional_id(forms.text(form, "role_term_days"), field="role_term_days")
        if days is not None:
            action["term_days"] = days
        return action
    if chosen == "open_round":
        return {
            "kind": "open_round",
            "name": forms.text(form, "round_name").strip(),
            "envelope": forms.amount(
                forms.text(form, "round_envelope"),
                actor.organization.currency,
                field="round_envelope",
            ),
            "window_hours": 24
            * forms.whole_number(
                forms.text(form, "round_window_days"),
                field="round_window_days",
                low=1,
                high=366,
                code="round.bad_window",
            ),
        }
    return _member_action(chosen, form) or _round_action(chosen, form, actor)


def _days(form: FormData, name: str) -> int:
    return forms.whole_number(
        forms.text(form, name), field=name, low=1, high=366, code="round.bad_window"
    )


def _round_action(chosen: str, form: FormData, actor: Actor) -> dict[str, object]:
    """An action on rounds or on the organization's settings, as the service reads it."""
    if chosen == "set_round_envelope":
        return {
            "kind": "set_round_envelope",
            "round_id": forms.required_id(forms.text(form, "change_round"), field="change_round"),
            "envelope": forms.amount(
                forms.text(form, "new_envelope"),
                actor.organization.currency,
                field="new_envelope",
            ),
        }
    if chosen == "set_round_window":
        return {
            "kind": "set_round_window",
            "round_id": forms.required_id(forms.text(form, "change_round"), field="change_round"),
            "window_hours": 24 * _days(form, "new_window_days"),
        }
    if chosen == "set_college_weights":
        weights = {
            key.removeprefix("weight_"): forms.text(form, key).replace("%", "").strip()
            for key in form
            if key.startswith("weight_")
        }
        return {"kind": "set_college_weights", "weights": weights}
    if chosen == "power_on":
        return {
            "kind": "set_contribution_power",
            "cap": forms.text(form, "power_cap").strip().replace(",", ".") or "2",
            "hours_per_step": forms.text(form, "power_step").strip().replace(",", ".") or "10",
        } | (
            {"distribution_id": int(by_payouts)}
            if (by_payouts := forms.text(form, "power_distribution")).isdigit()
            else {}
        )
    if chosen == "power_off":
        return {"kind": "set_contribution_power", "cap": "off"}
    if chosen == "set_commission_rate":
        rate: dict[str, object] = {
            "kind": "set_commission_rate",
            "status": forms.text(form, "commission_status").strip(),
            "rate": forms.text(form, "commission_rate").replace("%", "").strip(),
        }
        if forms.text(form, "commission_from").strip():
            rate["effective_from"] = forms.text(form, "commission_from").strip()
        return rate
    raise InvalidInput("action.unknown_kind", "choose an action from the list", field="action")


def _member_action(chosen: str, form: FormData) -> dict[str, object] | None:
    """An action on members and roles, as the service reads it; None for another kind."""
    if chosen == "admit_member":
        name = forms.text(form, "admit_name").strip()
        if not name:
            raise InvalidInput(
                "admit_name.required", "the name of the member to admit is required", "admit_name"
            )
        admitted: dict[str, object] = {"kind": "admit_member", "name": name}
        for key, name in (("email", "admit_email"), ("college", "admit_college")):
            if forms.text(form, name).strip():
                admitted[key] = forms.text(form, name).strip()
        return admitted
    if chosen == "remove_member":
        return {
            "kind": "remove_member",
            "member_id": forms.required_id(
                forms.text(form, "remove_member"), field="remove_member"
            ),
        }
    if chosen == "change_college":
        return {
            "kind": "change_college",
            "member_id": forms.required_id(forms.text(form, "move_member"), field="move_member"),
            "college": forms.text(form, "move_college").strip(),
        }
    if chosen == "end_role":
        return {
            "kind": "end_role",
            "role_id": forms.required_id(forms.text(form, "end_role"), field="end_role"),
        }
    return None


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
            quorum=_share(forms.text(form, "quorum"), field="quorum")
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
