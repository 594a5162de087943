"""Power from contribution: what a member's vote weighs within their college, from the hours
their contributions recorded or from a recorded distribution's payouts.

Guarantees:

- A distribution may feed the weights only if it is recorded in the same organization and paid
  at least one member; otherwise the setting (or the action setting it) is refused, naming
  ``distribution_id``, and nothing is written.
- Weights are read when a proposal is counted, from what was frozen when it opened: the hours
  recorded before the opening, or the named distribution (recorded once, never changed).
  Nothing here writes nor commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from partage.core.distribution import Distribution
from partage.core.errors import InvalidInput
from partage.core.governance.proposals import ProposalRecord
from partage.core.governance.weighted import contribution_weight, distribution_weights
from partage.core.money import parse_minor
from partage.services.context import Actor, UnitOfWork

BASES = ("hours", "distribution")


def member_payouts(found: Distribution, decimals: int) -> dict[str, int]:
    """What the distribution paid each member (member number → minor units); the commons and
    projects it paid are not members and weigh nothing."""
    allocations = found.result.get("allocations", {})
    return {
        str(recipient): parse_minor(amount, decimals, allow_zero=True)
        for recipient, amount in allocations.items()
        if str(recipient).isdigit()
    }


def check_distribution(
    uow: UnitOfWork, actor: Actor, distribution_id: int, *, field: str = "distribution_id"
) -> Distribution:
    """The recorded distribution whose payouts may weigh votes, or ``InvalidInput``."""
    found = uow.distributions.get(actor.org_id, distribution_id)
    if found is None:
        raise InvalidInput(
            "power.unknown_distribution",
            f"no recorded distribution #{distribution_id} in this organization",
            field=field,
            params={"distribution": str(distribution_id)},
        )
    payouts = member_payouts(found, actor.organization.currency.decimals)
    if not any(amount > 0 for amount in payouts.values()):
        raise InvalidInput(
            "power.distribution_paid_nobody",
            f"distribution #{distribution_id} paid no member: it cannot weigh anyone's vote",
            field=field,
            params={"distribution": str(distribution_id)},
        )
    return found


def check_basis(basis: str | None, distribution_id: int | None) -> str:
    """The basis asked for: given, or 'distribution' when a distribution is named."""
    chosen = basis if basis is not None else ("distribution" if distribution_id else "hours")
    if chosen not in BASES:
        raise InvalidInput(
            "power.unknown_basis",
            f"power from contribution follows 'hours' or 'distribution', not {chosen!r}",
            field="basis",
        )
    if chosen == "distribution" and distribution_id is None:
        raise InvalidInput(
            "power.distribution_required",
            "power from a distribution needs the distribution's number (distribution_id)",
            field="distribution_id",
        )
    if chosen == "hours" and distribution_id is not None:
        raise InvalidInput(
            "power.distribution_not_used",
            "power from hours takes no distribution; choose the basis 'distribution'",
            field="distribution_id",
        )
    return chosen


def weights(
    uow: UnitOfWork, actor: Actor, p: ProposalRecord, voters: Iterable[str]
) -> dict[str, Fraction]:
    """Each voter's weight for a proposal opened with power from contribution."""
    assert p.power is not None
    cap, step = p.power
    if p.power_distribution_id is not None:
        found = uow.distributions.get(actor.org_id, p.power_distribution_id)
        # Distributions are never removed: the one frozen at opening is still there.
        assert found is not None
        by_payout = distribution_weights(
            member_payouts(found, actor.organization.currency.decimals), cap=cap
        )
        return {v: by_payout.get(v, Fraction(1)) for v in voters}
    hours = uow.governance.hours_recorded(actor.org_id, before=p.opened_at)
    return {
        v: contribution_weight(hours.get(int(v), Decimal(0)), hours_per_step=step, cap=cap)
        for v in voters
    }
