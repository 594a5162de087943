"""Power from contribution: within a college, a member's vote weighs more as their recognised
contributions grow, up to a cap the organization sets.

Guarantees:

- A member's weight is ``min(1 + hours / hours_per_step, cap)``: 1 with no recorded hours,
  never above ``cap`` (a multiple of the base weight, ≥ 1), exact (``Fraction``).
- When the organization measures contribution by a distribution's payouts instead of hours,
  the step is the average payout of the members that distribution paid:
  ``min(1 + payout / average, cap)``. A member paid the average weighs 2, one paid nothing 1;
  the weights do not depend on the currency nor on the size of the budget.
- :func:`weighted_tally` counts like :func:`~partage.core.governance.tally.tally` — the same
  checks, quorum (counted in people, not weights), blocks and thresholds — except that within
  each college agree and expressed are sums of the voters' weights. The colleges' own weights
  are untouched: power from contribution moves weight between members of a college, never
  between colleges. With every weight 1 it gives exactly the result of ``tally``.
- As with ``tally``, the result does not depend on the order of the votes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from partage.core.errors import InvalidInput
from partage.core.governance.tally import College, Outcome, Rules, Tally, Vote, tally

MAX_CAP = Decimal(100)


def check_power(cap: Decimal, hours_per_step: Decimal) -> None:
    if not cap.is_finite() or not 1 <= cap <= MAX_CAP:
        raise InvalidInput(
            "power.cap_range",
            f"the cap is a multiple of the base weight from 1 to {MAX_CAP}, not {cap}",
            field="cap",
        )
    if not hours_per_step.is_finite() or hours_per_step <= 0:
        raise InvalidInput(
            "power.step_range",
            f"the hours that add one base weight must be above 0, not {hours_per_step}",
            field="hours_per_step",
        )


def contribution_weight(hours: Decimal, *, hours_per_step: Decimal, cap: Decimal) -> Fraction:
    grown = 1 + Fraction(max(hours, Decimal(0))) / Fraction(hours_per_step)
    return min(grown, Fraction(cap))


def distribution_weights(payouts: Mapping[str, int], *, cap: Decimal) -> dict[str, Fraction]:
    """Each paid member's weight from a distribution's ``payouts`` (member → minor units):
    ``min(1 + payout / average, cap)``, the average taken over the members paid more than 0.
    Members absent from ``payouts`` (or paid 0) weigh 1, as with no recorded hours."""
    paid = {member: amount for member, amount in payouts.items() if amount > 0}
    if not paid:
        return {}
    average = Fraction(sum(paid.values()), len(paid))
    return {
        member: min(1 + Fraction(amount) / average, Fraction(cap))
        for member, amount in paid.items()
    }


def weighted_tally(
    rules: Rules,
    colleges: Sequence[College],
    votes: Iterable[Vote],
    weights: Mapping[str, Fraction],
) -> Tally:
    """Count named ``votes`` with each voter weighing ``weights[voter]`` (1 when absent)."""
    votes = tuple(votes)
    base = tally(rules, colleges, votes)
    if rules.method not in ("vote", "college_vote") or base.outcome in ("no_quorum", "blocked"):
        return base
    home = {member: c.name for c in colleges for member in c.members}
    agree: dict[str, Fraction] = {c.name: Fraction(0) for c in colleges}
    expressed: dict[str, Fraction] = {c.name: Fraction(0) for c in colleges}
    for vote in votes:
        weight = Fraction(weights.get(vote.voter, 1))
        if vote.choice != "abstain":
            expressed[home[vote.voter]] += weight
        if vote.choice == "agree":
            agree[home[vote.voter]] += weight
    if rules.method == "college_vote":
        result = sum(
            (
                (c.weight_used or Fraction(0)) * agree[c.name] / expressed[c.name]
                for c in base.colleges
                if expressed[c.name]
            ),
            Fraction(0),
        )
    else:
        total = sum(expressed.values(), Fraction(0))
        result = sum(agree.values(), Fraction(0)) / total if total else Fraction(0)
    any_expressed = any(expressed.values())
    outcome: Outcome = "passed" if any_expressed and _meets(rules.threshold, result) else "rejected"
    return replace(base, result=result, outcome=outcome)


def _meets(threshold: str | None, result: Fraction) -> bool:
    # The thresholds of tally.py, on a weighted result.
    if threshold == "two_thirds":
        return result >= Fraction(2, 3)
    if threshold == "unanimity":
        return result == 1
    return result > Fraction(1, 2)
