"""Peer-allocation epochs: open, give points, opt out of receiving, read, close.

While an epoch is open every member (admins too, never observers) gives up to
``points_per_member`` points to other members. A member's allocation is one set of gifts
that they may replace until closing: no gift to oneself, receivers are members who did not
opt out, 0-point gifts are dropped, the total is at most ``points_per_member``.

The blinded rule: while a blinded epoch is open, everyone — admins included — sees only
their own gifts and how many members have given; open and not blinded, everyone sees every
gift; closed, everything is visible.

Closing runs the core ``peer_allocation`` model on the gifts (unspent points are lost,
gifts to members who opted out are not counted) and posts the payouts as ONE balanced
entry from the epoch's fund to each member (cause ``epoch:<id>``), recorded as a
distribution of model ``peer_allocation``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from partage.core import chart
from partage.core.claims import clean_text
from partage.core.distribution import Distribution
from partage.core.errors import Conflict, InvalidInput, NotFound
from partage.core.flows import Epoch, PointGift, may_see_all
from partage.core.models import peer_allocation
from partage.core.models.base import Gift, ModelResult, Spec
from partage.core.money import check_minor
from partage.core.roles import Role, require_admin, require_participant
from partage.services.context import Actor, UnitOfWork
from partage.services.distributions import Posting, fund_account, pay_check, record

MAX_POINTS = 1_000_000


@dataclass(frozen=True, slots=True)
class EpochView:
    """An epoch as the reader may see it."""

    epoch: Epoch
    gifts: tuple[PointGift, ...]  # every gift, or only the reader's own while blinded
    hidden: bool  # True while others' gifts are hidden from the reader
    givers: int  # how many members have given so far
    opted_out: tuple[int, ...]
    names: Mapping[str, str]  # member number → name
    distribution: Distribution | None


def open_epoch(
    uow: UnitOfWork,
    *,
    actor: Actor,
    name: str,
    budget: int,
    fund: str = "commons",
    points_per_member: int = peer_allocation.DEFAULT_POINTS,
    blinded: bool = False,
    now: datetime,
) -> Epoch:
    require_admin(actor.role)
    title = clean_text(name, field="name", limit=200)
    check_minor(budget, field="budget")
    if (
        isinstance(points_per_member, bool)
        or not isinstance(points_per_member, int)
        or not 1 <= points_per_member <= MAX_POINTS
    ):
        raise InvalidInput(
            "epoch.bad_points",
            f"points_per_member must be a whole number from 1 to {MAX_POINTS}",
            "points_per_member",
        )
    account = fund_account(fund, code="epoch.bad_fund")
    opened = uow.epochs.add(
        actor.org_id,
        name=title,
        points_per_member=points_per_member,
        blinded=bool(blinded),
        budget=budget,
        fund=account,
        by=actor.member.id,
        now=now,
    )
    uow.commit()
    return opened


def _epoch(uow: UnitOfWork, actor: Actor, epoch_id: int, *, lock: bool = False) -> Epoch:
    found = uow.epochs.get(actor.org_id, epoch_id, lock=lock)
    if found is None:
        raise NotFound("epoch.not_found", f"no epoch #{epoch_id}", "epoch")
    return found


def _open(uow: UnitOfWork, actor: Actor, epoch_id: int) -> Epoch:
    found = _epoch(uow, actor, epoch_id, lock=True)
    if not found.is_open:
        raise InvalidInput("epoch.closed", f"epoch #{epoch_id} is closed", "epoch")
    return found


def give(
    uow: UnitOfWork,
    *,
    actor: Actor,
    epoch_id: int,
    gifts: Sequence[tuple[int, int]],
    now: datetime,
) -> EpochView:
    """Replace the actor's allocation with ``gifts`` (receiver number, points)."""
    require_participant(actor.role)
    found = _open(uow, actor, epoch_id)
    out = set(uow.epochs.opted_out(actor.org_id, epoch_id))
    chosen: dict[int, int] = {}
    for i, (receiver, points) in enumerate(gifts):
        field = f"gifts[{i}]"
        if isinstance(points, bool) or not isinstance(points, int) or points < 0:
            raise InvalidInput(
                "epoch.bad_points", "points are a whole number, 0 or more", f"{field}.points"
            )
        if receiver in chosen:
            raise InvalidInput(
                "epoch.duplicate_receiver", f"member #{receiver} is named twice", f"{field}.to"
            )
        if receiver == actor.member.id:
            raise InvalidInput("epoch.self_gift", "a member cannot give to oneself", f"{field}.to")
        member = uow.community.member(actor.org_id, receiver) if receiver > 0 else None
        if member is None or member.role is Role.OBSERVER:
            raise InvalidInput(
                "epoch.unknown_receiver", f"no member #{receiver} to give to", f"{field}.to"
            )
        if receiver in out and points:
            raise InvalidInput(
                "epoch.opted_out", f"{member.name} opted out of receiving", f"{field}.to"
            )
        chosen[receiver] = points
    kept = {r: p for r, p in chosen.items() if p}
    total = sum(kept.values())
    if total > found.points_per_member:
        raise InvalidInput(
            "epoch.over_budget",
            f"{total} points given, more than the {found.points_per_member} each member has",
            "gifts",
        )
    uow.epochs.replace_gifts(actor.org_id, epoch_id, actor.member.id, kept)
    uow.commit()
    return epoch(uow, actor=actor, epoch_id=epoch_id)


def opt_out(
    uow: UnitOfWork, *, actor: Actor, epoch_id: int, out: bool = True, now: datetime
) -> EpochView:
    """Opt out of receiving in this epoch (or, with ``out=False``, back in)."""
    require_participant(actor.role)
    _open(uow, actor, epoch_id)
    uow.epochs.set_opt_out(actor.org_id, epoch_id, actor.member.id, out=out)
    uow.commit()
    return epoch(uow, actor=actor, epoch_id=epoch_id)


def epoch(uow: UnitOfWork, *, actor: Actor, epoch_id: int) -> EpochView:
    found = _epoch(uow, actor, epoch_id)
    every = uow.epochs.gifts(actor.org_id, epoch_id)
    hidden = not may_see_all(blinded=found.blinded, is_open=found.is_open)
    shown = [g for g in every if g.giver_id == actor.member.id] if hidden else every
    distribution = (
        uow.distributions.get(actor.org_id, found.distribution_id)
        if found.distribution_id
        else None
    )
    return EpochView(
        epoch=found,
        gifts=tuple(shown),
        hidden=hidden,
        givers=len({g.giver_id for g in every}),
        opted_out=tuple(uow.epochs.opted_out(actor.org_id, epoch_id)),
        names={str(m.id): m.name for m in uow.community.members(actor.org_id)},
        distribution=distribution,
    )


def epochs(uow: UnitOfWork, *, actor: Actor) -> list[Epoch]:
    return uow.epochs.all(actor.org_id)


def run_model(
    actor: Actor, found: Epoch, gifts: Sequence[PointGift], out: Sequence[int]
) -> tuple[Spec, dict[str, object], ModelResult]:
    """The core ``peer_allocation`` model on an epoch's gifts: members named by number."""
    spec = Spec(
        currency=actor.organization.currency,
        budget=found.budget,
        gifts=tuple(Gift(str(g.giver_id), str(g.receiver_id), g.points) for g in gifts),
    )
    params: dict[str, object] = {
        "points_per_member": found.points_per_member,
        "opt_out": [str(m) for m in out],
    }
    return spec, params, peer_allocation.run(spec, params, "epoch")


def close_epoch(uow: UnitOfWork, *, actor: Actor, epoch_id: int, now: datetime) -> EpochView:
    """Run the model and post its payouts from the epoch's fund as one entry."""
    require_admin(actor.role)
    found = _epoch(uow, actor, epoch_id, lock=True)
    if not found.is_open:
        raise Conflict("epoch.closed", f"epoch #{epoch_id} is already closed", "epoch")
    gifts = uow.epochs.gifts(actor.org_id, epoch_id)
    out = uow.epochs.opted_out(actor.org_id, epoch_id)
    spec, params, result = run_model(actor, found, gifts, out)
    pay_check(uow, actor, found.fund, result.paid, code="epoch.insufficient_fund")
    distribution_id = uow.distributions.next_id(actor.org_id)
    lines = [(found.fund, result.paid)]
    lines += [
        (chart.member_account(int(who)), -amount)
        for who, amount in result.allocations.items()
        if amount
    ]
    record(
        uow,
        actor,
        distribution_id=distribution_id,
        spec=spec,
        result=result,
        params=params,
        source={"epoch": epoch_id, "name": found.name},
        fund=found.fund,
        posting=Posting(
            f"epoch:{epoch_id}", f"peer allocation, epoch #{epoch_id} ({found.name})", tuple(lines)
        ),
        now=now,
        rerun=lambda other: peer_allocation.run(other, params, "epoch"),
    )
    if not uow.epochs.mark_closed(
        actor.org_id, epoch_id, by=actor.member.id, now=now, distribution_id=distribution_id
    ):
        raise Conflict("epoch.closed", f"epoch #{epoch_id} is already closed", "epoch")
    uow.commit()
    return epoch(uow, actor=actor, epoch_id=epoch_id)
