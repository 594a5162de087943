"""What the governance pages say, in the reader's language: the names of methods, statuses,
outcomes, bodies and actions, and the sentences that explain a proposal, its action and each
entry of the decision log.

The service's English sentences (an action's summary, a log entry's text) are never shown
as they are: these functions say the same from the kind and the data of what was recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from fastapi import Request

from partage.core.currency import Currency
from partage.services.governance import ActionView, Body, DecisionLogEntry, ProposalView
from partage.web.i18n import N_, Formatter
from partage.web.rendering import gettext, lang_of

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
