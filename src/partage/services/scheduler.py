"""The scheduler: the work that falls due with time alone, done for every organization.

A run is a list of small steps. Each step says which organizations have something due
(one set-based query, so that a run over many organizations visits only those) and does it
for one organization, in one transaction of its own, returning the numbers of what it did.
Today's steps:

- ``proposals_closed``: proposals past their closing time are counted and their actions
  applied (:func:`partage.services.governance_due.close_due_proposals`);
- ``roles_ended``: roles past their term get their end written
  (:func:`partage.services.governance_due.end_expired_roles`);
- ``subscriptions_charged``: subscription periods that have begun are charged, each once
  (:func:`partage.services.subscriptions.charge_due_in`).

Guarantees:

- A step's work in one organization is committed or rolled back on its own: a refusal there
  (a domain error) is reported with the organization and the step, and the run goes on with
  the others. Any other error is a bug and stops the run.
- Running again at the same ``now`` does nothing more: every step only does what is due and
  not yet done.
- The report counts what each step did per organization; organizations with nothing due are
  not listed.

Adding a step is one entry in :data:`STEPS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from partage.core.errors import DomainError
from partage.services import governance_due, subscriptions
from partage.services.context import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class Step:
    """One kind of due work: where it is due, and how to do it in one organization."""

    name: str
    # The organizations (ids) where something is due at ``now``.
    due_in: Callable[[UnitOfWork, datetime], list[int]]
    # Do it in one organization; commits once; returns the numbers of what it did.
    run: Callable[[UnitOfWork, int, datetime], list[int]]


STEPS: tuple[Step, ...] = (
    Step(
        "proposals_closed",
        lambda uow, now: uow.governance.organizations_with_due_proposals(now),
        lambda uow, org_id, now: governance_due.close_due_proposals(uow, org_id=org_id, now=now),
    ),
    Step(
        "roles_ended",
        lambda uow, now: uow.governance.organizations_with_expired_roles(now),
        lambda uow, org_id, now: governance_due.end_expired_roles(uow, org_id=org_id, now=now),
    ),
    Step(
        "subscriptions_charged",
        subscriptions.organizations_with_due,
        lambda uow, org_id, now: subscriptions.charge_due_in(uow, org_id=org_id, now=now),
    ),
)


@dataclass(frozen=True, slots=True)
class StepRefused:
    step: str
    code: str
    message: str


@dataclass(slots=True)
class OrganizationDue:
    """What a run did in one organization: per step, the numbers of what it did."""

    organization: str
    done: dict[str, list[int]] = field(default_factory=dict)
    refused: list[StepRefused] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {step: len(ids) for step, ids in self.done.items()}


@dataclass(frozen=True, slots=True)
class DueReport:
    at: datetime
    organizations: tuple[OrganizationDue, ...]

    def total(self, step: str) -> int:
        return sum(len(o.done.get(step, ())) for o in self.organizations)


def run_due(uow: UnitOfWorkFactory, *, now: datetime, steps: Sequence[Step] = STEPS) -> DueReport:
    """Do every step for every organization where it is due at ``now``."""
    found: dict[int, OrganizationDue] = {}
    for step in steps:
        with uow(readonly=True) as u:
            due = step.due_in(u, now)
        for org_id in due:
            report = found.get(org_id)
            if report is None:
                with uow(readonly=True) as u:
                    org = u.community.organization(org_id)
                report = found[org_id] = OrganizationDue(org.slug if org else str(org_id))
            try:
                with uow() as u:
                    report.done[step.name] = step.run(u, org_id, now)
            except DomainError as refused:
                report.refused.append(StepRefused(step.name, refused.code, refused.message))
    return DueReport(now, tuple(found[org_id] for org_id in sorted(found)))
