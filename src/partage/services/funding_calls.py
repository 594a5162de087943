"""Funding calls (quadratic funding): open, pledge, read, close.

An admin opens a call with a matching pool (paid from a fund) and the projects it funds;
each project is the account ``fund:project:<name>``. While the call is open every member
(admins too, never observers) pledges amounts to projects: one set of pledges per member,
which they may replace until closing (each amount exact and greater than zero; an empty
set withdraws them all). The blinded rule is the epochs': while a blinded call is open each
member sees only their own pledges and how many members have pledged.

Closing runs the core ``quadratic_funding`` model on the pledges and posts ONE balanced
entry (cause ``funding_call:<id>``):

* the pledges are recorded as money coming in, like a deposit: ``bank`` is debited with
  their total and each project's fund credited with what was pledged to it — the admin who
  closes the call states that the pledged money has been (or will be) collected;
* the match is paid from the pool's fund to each project's fund.

The run is recorded as a distribution of model ``quadratic_funding`` over the pool.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from partage.core import chart
from partage.core.claims import clean_text
from partage.core.distribution import Distribution
from partage.core.errors import Conflict, InvalidInput, NotFound
from partage.core.flows import FundingCall, Pledge, may_see_all
from partage.core.models import quadratic_funding
from partage.core.models.base import Funding, ModelResult, Spec
from partage.core.money import check_minor
from partage.core.roles import require_admin, require_participant
from partage.services.context import Actor, UnitOfWork
from partage.services.distributions import Posting, fund_account, pay_check, record

MAX_PROJECTS = 100


@dataclass(frozen=True, slots=True)
class FundingCallView:
    """A funding call as the reader may see it."""

    call: FundingCall
    pledges: tuple[Pledge, ...]  # every pledge, or only the reader's own while blinded
    hidden: bool
    pledgers: int  # how many members have pledged so far
    pledged: Mapping[str, int] | None  # total per project; None while hidden
    names: Mapping[str, str]
    distribution: Distribution | None


def open_call(
    uow: UnitOfWork,
    *,
    actor: Actor,
    name: str,
    pool: int,
    projects: Sequence[str],
    fund: str = "commons",
    blinded: bool = False,
    now: datetime,
) -> FundingCall:
    require_admin(actor.role)
    title = clean_text(name, field="name", limit=200)
    check_minor(pool, field="pool")
    account = fund_account(fund, code="funding.bad_fund")
    names: list[str] = []
    for i, raw in enumerate(projects):
        project = str(raw).strip().lower()
        if project.startswith("project:"):
            project = project.removeprefix("project:")
        chart.project_account(project, field=f"projects[{i}]")
        if project in names:
            raise InvalidInput(
                "funding.duplicate_project", f"project {project} is named twice", f"projects[{i}]"
            )
        if chart.project_account(project) == account:
            raise InvalidInput(
                "funding.bad_fund",
                "the pool cannot be paid from one of the call's projects",
                "fund",
            )
        names.append(project)
    if not names:
        raise InvalidInput("funding.no_project", "name at least one project", "projects")
    if len(names) > MAX_PROJECTS:
        raise InvalidInput(
            "funding.too_many_projects", f"at most {MAX_PROJECTS} projects", "projects"
        )
    opened = uow.funding_calls.add(
        actor.org_id,
        name=title,
        pool=pool,
        fund=account,
        projects=tuple(names),
        blinded=bool(blinded),
        by=actor.member.id,
        now=now,
    )
    uow.commit()
    return opened


def _call(uow: UnitOfWork, actor: Actor, call_id: int, *, lock: bool = False) -> FundingCall:
    found = uow.funding_calls.get(actor.org_id, call_id, lock=lock)
    if found is None:
        raise NotFound("funding.not_found", f"no funding call #{call_id}", "funding_call")
    return found


def pledge(
    uow: UnitOfWork,
    *,
    actor: Actor,
    call_id: int,
    pledges: Sequence[tuple[str, int]],
    now: datetime,
) -> FundingCallView:
    """Replace the actor's pledges with ``pledges`` (project, amount in minor units)."""
    require_participant(actor.role)
    found = _call(uow, actor, call_id, lock=True)
    if not found.is_open:
        raise InvalidInput("funding.closed", f"funding call #{call_id} is closed", "funding_call")
    chosen: dict[str, int] = {}
    for i, (raw, amount) in enumerate(pledges):
        project = str(raw).strip().lower().removeprefix("project:")
        if project not in found.projects:
            raise InvalidInput(
                "funding.unknown_project",
                f"this call funds {', '.join(found.projects)}, not '{str(raw)[:100]}'",
                f"pledges[{i}].project",
            )
        if project in chosen:
            raise InvalidInput(
                "funding.duplicate_project",
                f"project {project} is named twice",
                f"pledges[{i}].project",
            )
        chosen[project] = check_minor(amount, field=f"pledges[{i}].amount")
    uow.funding_calls.replace_pledges(actor.org_id, call_id, actor.member.id, chosen)
    uow.commit()
    return funding_call(uow, actor=actor, call_id=call_id)


def funding_call(uow: UnitOfWork, *, actor: Actor, call_id: int) -> FundingCallView:
    found = _call(uow, actor, call_id)
    every = uow.funding_calls.pledges(actor.org_id, call_id)
    hidden = not may_see_all(blinded=found.blinded, is_open=found.is_open)
    totals: dict[str, int] = dict.fromkeys(found.projects, 0)
    for p in every:
        totals[p.project] = totals.get(p.project, 0) + p.amount
    distribution = (
        uow.distributions.get(actor.org_id, found.distribution_id)
        if found.distribution_id
        else None
    )
    return FundingCallView(
        call=found,
        pledges=tuple(p for p in every if p.member_id == actor.member.id)
        if hidden
        else tuple(every),
        hidden=hidden,
        pledgers=len({p.member_id for p in every}),
        pledged=None if hidden else totals,
        names={str(m.id): m.name for m in uow.community.members(actor.org_id)},
        distribution=distribution,
    )


def funding_calls(uow: UnitOfWork, *, actor: Actor) -> list[FundingCall]:
    return uow.funding_calls.all(actor.org_id)


def run_model(
    actor: Actor, found: FundingCall, pledges: Sequence[Pledge]
) -> tuple[Spec, ModelResult]:
    """The core ``quadratic_funding`` model on a call's pledges: funders named by number."""
    spec = Spec(
        currency=actor.organization.currency,
        budget=found.pool,
        funding=tuple(Funding(str(p.member_id), p.project, p.amount) for p in pledges),
    )
    return spec, quadratic_funding.run(spec, {}, "funding_call")


def close_call(uow: UnitOfWork, *, actor: Actor, call_id: int, now: datetime) -> FundingCallView:
    """Run the model; post the pledges as money in and the matches from the pool, as one entry."""
    require_admin(actor.role)
    found = _call(uow, actor, call_id, lock=True)
    if not found.is_open:
        raise Conflict(
            "funding.closed", f"funding call #{call_id} is already closed", "funding_call"
        )
    pledges = uow.funding_calls.pledges(actor.org_id, call_id)
    spec, result = run_model(actor, found, pledges)
    pay_check(uow, actor, found.fund, result.paid, code="funding.insufficient_fund")
    pledged: dict[str, int] = defaultdict(int)
    for p in pledges:
        pledged[p.project] += p.amount
    distribution_id = uow.distributions.next_id(actor.org_id)
    # The pledges come in as money (bank), the matches from the pool; each project is credited
    # with both. The distribution's "contributions" extra lists the pledges per project.
    lines = [(chart.BANK, sum(pledged.values())), (found.fund, result.paid)]
    for project in sorted(set(pledged) | set(result.allocations)):
        credit = pledged.get(project, 0) + result.allocations.get(project, 0)
        lines.append((chart.project_account(project), -credit))
    record(
        uow,
        actor,
        distribution_id=distribution_id,
        spec=spec,
        result=result,
        params={},
        source={"funding_call": call_id, "name": found.name},
        fund=found.fund,
        posting=Posting(
            f"funding_call:{call_id}",
            f"quadratic funding, call #{call_id} ({found.name})",
            tuple(lines),
        ),
        now=now,
        rerun=lambda other: quadratic_funding.run(other, {}, "funding_call"),
    )
    if not uow.funding_calls.mark_closed(
        actor.org_id, call_id, by=actor.member.id, now=now, distribution_id=distribution_id
    ):
        raise Conflict(
            "funding.closed", f"funding call #{call_id} is already closed", "funding_call"
        )
    uow.commit()
    return funding_call(uow, actor=actor, call_id=call_id)
