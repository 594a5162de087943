"""A decision that changes a commission rate: a new version of the split rules.

The version copies the one in force most recently, with the status's rate replaced (its
fixed part, floor and cap kept; a status the rules did not know is added with the rate
alone). It is checked when the proposal opens — the rules exist, the new rate keeps every
share within 100 %, the day is not before the latest version's — and again, with the
retroactivity rule on posted transactions, when it passes. By default it takes effect the
day after the decision, since a version may not reach back over transactions already posted.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import date, datetime, timedelta
from typing import Any

from partage.core.errors import InvalidInput
from partage.core.governance.actions import Action
from partage.core.splits.rules import parse_rules
from partage.services import transactions
from partage.services.context import Actor, UnitOfWork


def _changed(uow: UnitOfWork, actor: Actor, action: Action) -> tuple[dict[str, Any], date]:
    versions = transactions.rule_versions(uow, actor=actor)
    if not versions:
        raise InvalidInput(
            "action.no_rules",
            "the organization has no split rules yet: set them first, then decide on rates",
            field="action.kind",
        )
    latest = max(versions, key=lambda v: (v.effective_from, v.version))
    document = deepcopy(dict(latest.document))
    commissions = dict(document.get("commissions", {}))
    status = action.get_str("status")
    commissions[status] = {**dict(commissions.get(status, {})), "rate": action.get_str("rate")}
    document["commissions"] = commissions
    parse_rules(document, currency=actor.organization.currency)
    return document, latest.effective_from


def check(uow: UnitOfWork, actor: Actor, action: Action) -> None:
    """The rate applies to the rules as they are: refused now rather than when it passes."""
    _, latest = _changed(uow, actor, action)
    wanted = action.get_opt_str("effective_from")
    if wanted is not None and date.fromisoformat(wanted) < latest:
        raise InvalidInput(
            "rules.retroactive",
            f"a new version cannot take effect before the current one ({latest.isoformat()})",
            field="action.effective_from",
        )


def apply(
    uow: UnitOfWork, decision: Actor, action: Action, *, proposal_id: int, now: datetime
) -> int:
    """Write the new version; returns its number. The caller holds the transaction."""
    document, latest = _changed(uow, decision, action)
    wanted = action.get_opt_str("effective_from")
    effective = (
        date.fromisoformat(wanted)
        if wanted is not None
        else max(now.date() + timedelta(days=1), latest)
    )
    view = transactions.set_rules(
        uow,
        actor=decision,
        document=document,
        effective_from=effective,
        note=f"decided by proposal #{proposal_id}",
        now=now,
        proposal_id=proposal_id,
    )
    return view.version
