"""Versions of an organization's split rules, each in force from its effective day.

Guarantees:

* the rules applied to a transaction are the latest version whose effective day is on or
  before the transaction's day (UTC); a transaction dated before the first version is
  refused (``rules.none_in_force``);
* a new version never applies retroactively: its effective day comes after the day of the
  latest transaction already posted, and not before the latest existing version's day, so
  no posted transaction would have been split differently (``rules.retroactive``). Of two
  versions effective the same day, the later-numbered one applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from partage.core.errors import InvalidInput
from partage.core.splits.rules import RuleSet


@dataclass(frozen=True, slots=True)
class RuleVersion:
    version: int
    effective_from: date
    rules: RuleSet


def in_force(versions: Sequence[RuleVersion], day: date) -> RuleVersion:
    """The version that applies on ``day`` (versions in any order)."""
    best: RuleVersion | None = None
    for candidate in versions:
        if candidate.effective_from <= day and (
            best is None
            or (candidate.effective_from, candidate.version) > (best.effective_from, best.version)
        ):
            best = candidate
    if best is None:
        first = min((v.effective_from for v in versions), default=None)
        hint = f"; the first rules apply from {first.isoformat()}" if first else ""
        raise InvalidInput(
            "rules.none_in_force",
            f"no split rules are in force on {day.isoformat()}{hint}",
            field="occurred_at",
            params={"day": day.isoformat()},
        )
    return best


def check_new_version(
    versions: Sequence[RuleVersion], effective_from: date, *, last_posted: date | None
) -> int:
    """The number of a version effective from ``effective_from``, or why it cannot be."""
    latest = max((v.effective_from for v in versions), default=None)
    if latest is not None and effective_from < latest:
        raise InvalidInput(
            "rules.retroactive",
            f"a new version cannot take effect before the current one ({latest.isoformat()})",
            field="effective_from",
        )
    if last_posted is not None and effective_from <= last_posted:
        raise InvalidInput(
            "rules.retroactive",
            "a new version takes effect after the last posted transaction "
            f"({last_posted.isoformat()}): rules never change what was posted",
            field="effective_from",
        )
    return max((v.version for v in versions), default=0) + 1
