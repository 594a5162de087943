"""Governance: bodies, roles, proposals (consent, advice, vote, college vote, score), the
votes, objections and advice on them, their closing, and the decision log."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from partage.cli.context import cli_context
from partage.cli.output import Json, emit, reporting
from partage.core.errors import InvalidInput
from partage.services import governance
from partage.services.governance import ContributionPower, DecisionLogEntry, ProposalView

body = typer.Typer(help="Decision bodies: the assembly, the admins, circles.", no_args_is_help=True)
role = typer.Typer(help="Roles: who holds what, since when, until when.", no_args_is_help=True)
proposal = typer.Typer(
    help="Proposals: open, vote, object, amend, advise, decide, close.", no_args_is_help=True
)

Slug = Annotated[str, typer.Argument(help="The organization's short name.")]
ProposalId = Annotated[int, typer.Argument(help="The proposal's number.")]

METHOD_WORDS = {
    "consent": "consent: passes at closing unless an objection stands",
    "advice": "advice: the decider decides after hearing advice",
    "vote": "vote: agree / abstain / disagree against a threshold",
    "college_vote": "college vote: each college's result weighs by its weight",
    "score": "score: each option scored 0-5, the best mean chosen",
}


def _when(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M} UTC" if at else "—"


def _closing(now: datetime, closes_in_days: float | None, closes_at: str | None) -> datetime:
    """The closing time from ``--closes-at`` (ISO, UTC when no zone is given) or a delay."""
    if closes_at is not None:
        try:
            at = datetime.fromisoformat(closes_at)
        except ValueError:
            raise InvalidInput(
                "proposal.bad_closing",
                "the closing time is a date and time such as 2026-04-01T18:00",
                field="closes_at",
            ) from None
        return at if at.tzinfo else at.replace(tzinfo=UTC)
    days = 7.0 if closes_in_days is None else closes_in_days
    if not 0 < days <= 366:
        raise InvalidInput(
            "proposal.bad_closing", "a proposal closes within 0 to 366 days", "closes_in_days"
        )
    return now + timedelta(days=days)


def _action(text: str | None) -> dict[str, object] | None:
    if text is None:
        return None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        raise InvalidInput(
            "action.bad_json",
            'the action is a JSON object such as {"kind": "set_public_page", "public": true}',
            field="action",
        )
    return parsed


def _scores(specs: list[str]) -> dict[str, int]:
    scores: dict[str, int] = {}
    for spec in specs:
        option, sep, value = spec.rpartition("=")
        if not sep or not option or not value.strip().isdigit():
            raise InvalidInput(
                "vote.bad_score", "a score is OPTION=N with N from 0 to 5", field="score"
            )
        scores[option] = int(value)
    return scores


def why(view: ProposalView) -> str:
    """One sentence saying how the proposal ended or where it stands, and why."""
    p, out = view.proposal, view.outcome
    if out is None:
        standing = [o for o in view.objections if o.standing]
        if view.status == "due":
            return "the closing time has passed: close it to record the outcome"
        if p.method == "consent":
            if standing:
                return f"{len(standing)} standing objection(s): it would not pass now"
            return "no objection stands: it passes at closing unless one is raised"
        return f"{view.voters} voter(s) so far"
    if p.method == "consent":
        reason = (
            "an objection still stood at closing"
            if out.outcome == "rejected"
            else "no objection stood at closing"
        )
    elif p.method == "advice":
        reason = f"decided by the decider: {out.decision_text}" if out.decision_text else ""
    elif p.method == "score":
        reason = (
            f"'{out.chosen}' has the best mean score"
            if out.chosen
            else f"a tie between {', '.join(out.tied)}"
            if out.tied
            else "no score"
        )
    else:
        reason = f"share of agree {out.result}, turnout {out.turnout}"
    action = ""
    if out.action_status == "applied" and p.action:
        action = f"; applied: {p.action.summary}"
    elif out.action_status == "failed":
        action = f"; the action failed: {out.action_detail}"
    return f"{out.outcome.replace('_', ' ')} — {reason}{action}".rstrip(" —")


def _print_proposal(view: ProposalView) -> None:
    p = view.proposal
    typer.echo(f"proposal #{p.id}: {p.title} — {view.status}")
    typer.echo(
        f"  in {view.body.name}, by {view.author_name}; {METHOD_WORDS.get(p.method, p.method)}"
    )
    rules = []
    if p.threshold:
        rules.append(f"threshold {p.threshold.replace('_', ' ')}")
    if p.quorum:
        rules.append(f"quorum {p.quorum}{' per college' if p.quorum_per_college else ''}")
    if p.secret:
        rules.append("secret ballot")
    if p.decider_id is not None:
        rules.append(f"decider {view.decider_name}")
    if rules:
        typer.echo("  " + ", ".join(rules))
    typer.echo(f"  opened {_when(p.opened_at)}, closes {_when(p.closes_at)}")
    if p.action:
        typer.echo(f"  if it passes: {p.action.summary}")
    typer.echo("")
    for line in p.text.splitlines() or [""]:
        typer.echo(f"  > {line}")
    typer.echo("")
    if p.options:
        typer.echo(f"  options: {', '.join(p.options)}")
    for v in view.votes:
        said = v.choice or ", ".join(f"{k}={n}" for k, n in (v.scores or {}).items())
        typer.echo(f"  vote  {v.voter_name}: {said} ({_when(v.cast_at)})")
    for c in view.counts:
        name = c.college or "all"
        typer.echo(
            f"  count {name}: {c.agree} agree, {c.disagree} disagree, {c.abstain} abstain"
            + (f", {c.block} block" if c.block else "")
        )
    if p.method not in ("consent", "advice"):
        typer.echo(f"  {view.voters} voter(s)")
    for o in view.objections:
        state = "standing" if o.standing else o.resolution or "resolved"
        typer.echo(f"  objection #{o.id} by {o.objector_name} ({state}): {o.reason}")
    for a in view.advice:
        typer.echo(f"  advice by {a.member_name} ({_when(a.given_at)}): {a.text}")
    for e in view.events:
        if e.kind == "comment":
            typer.echo(f"  comment by {e.member_name} ({_when(e.at)}): {e.data.get('text', '')}")
    typer.echo(f"  {why(view)}")


def _line(v: ProposalView) -> str:
    p = v.proposal
    end = v.outcome.outcome if v.outcome else f"closes {_when(p.closes_at)}"
    return f"#{p.id:<4} {v.status:<6} {p.method:<12} {end:<26} {p.title}"


@body.command("list")
def body_list(ctx: typer.Context, slug: Slug, as_json: Json = False) -> None:
    """The bodies: the general assembly, the admins, then the circles."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            found = governance.bodies(u, actor=actor)
        emit(
            as_json,
            found,
            "\n".join(
                f"#{b.id:<4} {b.kind:<8} {b.name}  ({len(b.member_ids)} member(s)"
                f"{', blocks allowed' if b.allows_blocks else ''})"
                for b in found
            ),
        )


@body.command("create")
def body_create(
    ctx: typer.Context,
    slug: Slug,
    name: Annotated[str, typer.Option(help="The circle's name.")],
    member: Annotated[list[int] | None, typer.Option(help="A member's id, repeatable.")] = None,
    allow_blocks: Annotated[bool, typer.Option(help="Votes there may block.")] = False,
    as_json: Json = False,
) -> None:
    """Create a circle with named members (admins only)."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            created = governance.create_circle(
                u,
                actor=c.actor(slug),
                name=name,
                member_ids=tuple(member or ()),
                now=c.clock(),
                allows_blocks=allow_blocks,
            )
        emit(as_json, created, f"circle #{created.id} '{created.name}' created")


@role.command("list")
def role_list(
    ctx: typer.Context,
    slug: Slug,
    active: Annotated[bool, typer.Option(help="Only the roles held now.")] = False,
    as_json: Json = False,
) -> None:
    """Who holds what, since when and until when (roles are filled by decisions)."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            found = governance.roles(u, actor=actor, now=c.clock(), active_only=active)

        def human() -> None:
            if not found:
                typer.echo("no role yet: a proposal with a fill_role action fills one")
            for r in found:
                until = (
                    f"ended {_when(r.ended_at)} ({r.ended_reason})"
                    if not r.active
                    else f"until {_when(r.term_ends_at)}"
                    if r.term_ends_at
                    else "no end of term"
                )
                typer.echo(
                    f"#{r.id:<4} {r.name} — {r.holder_name}, since {_when(r.since)}, {until}"
                    + (f"; domain: {r.domain}" if r.domain else "")
                )

        emit(as_json, found, human)


@proposal.command("open")
def open_(
    ctx: typer.Context,
    slug: Slug,
    title: Annotated[str, typer.Option(help="A short title.")],
    text: Annotated[str, typer.Option(help="What is proposed.")],
    method: Annotated[
        str, typer.Option(help="consent, advice, vote, college_vote or score.")
    ] = "consent",
    body_id: Annotated[
        int | None, typer.Option("--body", help="The body's number (default: the assembly).")
    ] = None,
    closes_in_days: Annotated[
        float | None, typer.Option(help="Days until closing (default 7).")
    ] = None,
    closes_at: Annotated[
        str | None, typer.Option(help="Closing time, e.g. 2026-04-01T18:00 (UTC).")
    ] = None,
    threshold: Annotated[
        str | None, typer.Option(help="majority, two_thirds or unanimity (votes).")
    ] = None,
    quorum: Annotated[str | None, typer.Option(help="A share, e.g. 0.5.")] = None,
    quorum_per_college: Annotated[bool, typer.Option(help="Quorum in each college.")] = False,
    secret: Annotated[bool, typer.Option(help="Secret ballot: only counts are kept.")] = False,
    option: Annotated[list[str] | None, typer.Option(help="A score's option, repeatable.")] = None,
    action: Annotated[
        str | None,
        typer.Option(help='What it does when it passes, JSON: {"kind": "set_public_page", …}.'),
    ] = None,
    decider: Annotated[
        int | None, typer.Option(help="Advice: the member who decides (default: you).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Open a proposal in a body; its rules and action are checked now."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        now = c.clock()
        with c.uow() as u:
            if body_id is None:
                body_id = governance.bodies(u, actor=actor)[0].id
            view = governance.open_proposal(
                u,
                actor=actor,
                body_id=body_id,
                title=title,
                text=text,
                method=method,
                closes_at=_closing(now, closes_in_days, closes_at),
                now=now,
                threshold=threshold,
                quorum=quorum,
                quorum_per_college=quorum_per_college,
                secret=secret,
                options=tuple(option or ()),
                action=_action(action),
                decider_id=decider,
            )
        emit(
            as_json,
            view,
            f"proposal #{view.proposal.id} is open until {_when(view.proposal.closes_at)}",
        )


@proposal.command("list")
def list_(
    ctx: typer.Context,
    slug: Slug,
    status: Annotated[str | None, typer.Option(help="open, due or closed.")] = None,
    as_json: Json = False,
) -> None:
    """The proposals, newest first."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            found = governance.proposals(u, actor=actor, now=c.clock(), status=status)
        emit(as_json, found, "\n".join(_line(v) for v in found) or "no proposal")


@proposal.command("show")
def show(ctx: typer.Context, slug: Slug, proposal_id: ProposalId, as_json: Json = False) -> None:
    """A proposal: its text, method, closing, votes or counts, objections, advice, outcome."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        with c.uow(readonly=True) as u:
            view = governance.view_proposal(u, actor=actor, proposal_id=proposal_id, now=c.clock())
        emit(as_json, view, lambda: _print_proposal(view))


@proposal.command("vote")
def vote(
    ctx: typer.Context,
    slug: Slug,
    proposal_id: ProposalId,
    choice: Annotated[str | None, typer.Argument(help="agree, abstain, disagree or block.")] = None,
    score: Annotated[
        list[str] | None, typer.Option(help="A score's OPTION=N (0-5), repeatable.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Vote (or change an open vote until closing)."""
    c = cli_context(ctx)
    with reporting(as_json):
        if (choice is None) == (not score):
            raise InvalidInput(
                "vote.choice_required",
                "give a choice (agree, abstain, disagree, block) or scores (--score OPTION=N)",
                field="choice",
            )
        with c.uow() as u:
            view = governance.vote(
                u,
                actor=c.actor(slug),
                proposal_id=proposal_id,
                now=c.clock(),
                choice=choice,
                scores=_scores(score) if score else None,
            )
        emit(as_json, view, f"your vote on proposal #{proposal_id} is recorded")


@proposal.command("object")
def object_(
    ctx: typer.Context,
    slug: Slug,
    proposal_id: ProposalId,
    reason: Annotated[str, typer.Option(help="Why you object.")],
    as_json: Json = False,
) -> None:
    """Object to a consent proposal before it closes."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            view = governance.raise_objection(
                u, actor=c.actor(slug), proposal_id=proposal_id, reason=reason, now=c.clock()
            )
        mine = view.objections[-1].id if view.objections else 0
        emit(as_json, view, f"objection #{mine} recorded on proposal #{proposal_id}")


@proposal.command("withdraw")
def withdraw(
    ctx: typer.Context,
    slug: Slug,
    proposal_id: ProposalId,
    objection_id: Annotated[int, typer.Argument(help="Your objection's number.")],
    as_json: Json = False,
) -> None:
    """Withdraw your objection."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            view = governance.withdraw_objection(
                u,
                actor=c.actor(slug),
                proposal_id=proposal_id,
                objection_id=objection_id,
                now=c.clock(),
            )
        emit(as_json, view, f"objection #{objection_id} withdrawn")


@proposal.command("amend")
def amend(
    ctx: typer.Context,
    slug: Slug,
    proposal_id: ProposalId,
    text: Annotated[str, typer.Option(help="The new text.")],
    note: Annotated[str, typer.Option(help="What changed and why.")] = "",
    as_json: Json = False,
) -> None:
    """Amend your consent proposal: standing objections are resolved, the window restarts."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            view = governance.amend_proposal(
                u,
                actor=c.actor(slug),
                proposal_id=proposal_id,
                text=text,
                note=note,
                now=c.clock(),
            )
        emit(
            as_json,
            view,
            f"proposal #{proposal_id} amended; it now closes {_when(view.proposal.closes_at)}",
        )


@proposal.command("comment")
def comment(
    ctx: typer.Context,
    slug: Slug,
    proposal_id: ProposalId,
    text: Annotated[str, typer.Argument(help="What you say.")],
    as_json: Json = False,
) -> None:
    """Add to a proposal's discussion (talk an objection through)."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            view = governance.comment(
                u, actor=c.actor(slug), proposal_id=proposal_id, text=text, now=c.clock()
            )
        emit(as_json, view, f"your comment on proposal #{proposal_id} is added")


@proposal.command("advise")
def advise(
    ctx: typer.Context,
    slug: Slug,
    proposal_id: ProposalId,
    text: Annotated[str, typer.Option(help="Your advice.")],
    as_json: Json = False,
) -> None:
    """Give advice on an advice proposal."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            view = governance.give_advice(
                u, actor=c.actor(slug), proposal_id=proposal_id, text=text, now=c.clock()
            )
        emit(as_json, view, f"your advice on proposal #{proposal_id} is recorded")


@proposal.command("decide")
def decide(
    ctx: typer.Context,
    slug: Slug,
    proposal_id: ProposalId,
    text: Annotated[str, typer.Option(help="The decision, in your words.")],
    adopt: Annotated[
        bool, typer.Option("--adopt/--reject", help="Adopt the proposal or not.")
    ] = True,
    as_json: Json = False,
) -> None:
    """As an advice proposal's decider, decide after the advice window."""
    c = cli_context(ctx)
    with reporting(as_json):
        with c.uow() as u:
            view = governance.decide(
                u,
                actor=c.actor(slug),
                proposal_id=proposal_id,
                adopt=adopt,
                text=text,
                now=c.clock(),
            )
        emit(as_json, view, lambda: typer.echo(f"proposal #{proposal_id}: {why(view)}"))


@proposal.command("close")
def close(
    ctx: typer.Context,
    slug: Slug,
    proposal_id: Annotated[
        int | None, typer.Argument(help="The proposal (default: every one that is due).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Count a proposal whose closing time passed, and apply its action if it passes."""
    c = cli_context(ctx)
    with reporting(as_json):
        actor = c.actor(slug)
        now = c.clock()
        with c.uow() as u:
            if proposal_id is None:
                closed = governance.close_due(u, actor=actor, now=now)
                views = [
                    governance.view_proposal(u, actor=actor, proposal_id=i, now=now) for i in closed
                ]
            else:
                views = [
                    governance.close_proposal(u, actor=actor, proposal_id=proposal_id, now=now)
                ]
        emit(
            as_json,
            views,
            "\n".join(f"proposal #{v.proposal.id}: {why(v)}" for v in views)
            or "no proposal was due",
        )


def _power_line(power: ContributionPower | None) -> str:
    if power is None:
        return "off: one member, one vote within a college"
    grows = (
        f"1 + payout / average payout of distribution #{power.distribution_id}"
        if power.distribution_id is not None
        else f"1 + hours / {power.hours_per_step}"
    )
    return (
        f"on: within a college a vote weighs {grows}, at most {power.cap} "
        "(for proposals opened from now)"
    )


def _log_line(e: DecisionLogEntry) -> str:
    about = f"#{e.proposal_id} " if e.proposal_id else ""
    return f"{_when(e.at)}  {about}{e.text}"


def register(app: typer.Typer) -> None:
    """Add ``body``, ``role``, ``proposal`` and ``decisions`` to the program."""
    app.add_typer(body, name="body")
    app.add_typer(role, name="role")
    app.add_typer(proposal, name="proposal")

    @app.command("contribution-power")
    def contribution_power(
        ctx: typer.Context,
        slug: Slug,
        cap: Annotated[
            str | None, typer.Option(help="Turn it on: a vote weighs at most CAP base votes.")
        ] = None,
        hours_per_step: Annotated[
            str, typer.Option(help="The recorded hours that add one base vote.")
        ] = "10",
        distribution: Annotated[
            int | None,
            typer.Option(
                "--distribution",
                help="Weigh by this recorded distribution's payouts instead of hours: "
                "a member paid its average payout weighs 2.",
            ),
        ] = None,
        off: Annotated[bool, typer.Option("--off", help="One member, one vote again.")] = False,
        as_json: Json = False,
    ) -> None:
        """Power from contribution: show it, or (admins) turn it on with --cap (from hours, or
        from a distribution's payouts with --distribution), or --off."""
        c = cli_context(ctx)
        with reporting(as_json):
            actor = c.actor(slug)
            if off and cap is not None:
                raise InvalidInput("power.both", "give --cap or --off, not both", field="cap")
            if off or cap is not None:
                with c.uow() as u:
                    power = governance.set_contribution_power(
                        u,
                        actor=actor,
                        cap=cap,
                        hours_per_step=hours_per_step,
                        distribution_id=distribution,
                        now=c.clock(),
                    )
            else:
                with c.uow(readonly=True) as u:
                    power = governance.contribution_power(u, actor=actor)
            emit(as_json, power, _power_line(power))

    @app.command("decisions")
    def decisions(
        ctx: typer.Context,
        slug: Slug,
        proposal_id: Annotated[
            int | None, typer.Option("--proposal", help="Only this proposal's steps.")
        ] = None,
        as_json: Json = False,
    ) -> None:
        """The decision log: every proposal, vote, objection, outcome and applied action."""
        c = cli_context(ctx)
        with reporting(as_json):
            actor = c.actor(slug)
            with c.uow(readonly=True) as u:
                found = governance.decision_log(u, actor=actor, proposal_id=proposal_id)
            emit(as_json, found, "\n".join(_log_line(e) for e in found) or "no decision yet")
