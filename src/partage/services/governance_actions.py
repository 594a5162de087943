"""What a passing proposal does to the organization: check an action against the organization
as it is (when the proposal opens, and again when it passes), then apply it.

An action is applied by the decision, not by the person who closes the proposal: it acts with
an admin's authority, in the name of the proposal's author. Nothing here commits: the caller
records the outcome and the action in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from partage.core import chart
from partage.core.closing import Policy, UnspentRule
from partage.core.community import LegalForm, Member, check_email, check_name
from partage.core.errors import InvalidInput
from partage.core.governance import actions
from partage.core.governance.actions import Action
from partage.core.governance.proposals import check_weights, role_active
from partage.core.governance.weighted import check_power
from partage.core.money import as_params
from partage.core.roles import Role
from partage.services import governance_commission, governance_power, organizations, rounds
from partage.services.context import Actor, UnitOfWork
from partage.services.ledger import balance_of


def check(uow: UnitOfWork, actor: Actor, raw: Mapping[str, object], *, now: datetime) -> Action:
    """The action parsed and checked against the organization now, or ``InvalidInput``."""
    action = actions.parse(raw)
    org_id = actor.org_id
    p = action.params
    match action.kind:
        case "open_round":
            check_name(action.get_str("name"), field="action.name")
            envelope = action.get_int("envelope")
            available = balance_of(uow, actor=actor, account=chart.COMMONS)
            if available.minor < envelope:
                raise InvalidInput(
                    "action.insufficient_fund",
                    f"the commons fund holds {available}, less than the envelope of the round",
                    field="action.envelope",
                    params=as_params("available", available),
                )
        case "set_round_envelope":
            rounds.check_envelope(
                uow,
                actor=actor,
                round_id=_round_id(uow, actor, action),
                envelope=action.get_int("envelope"),
                now=now,
                field="action.envelope",
            )
        case "set_commission_rate":
            governance_commission.check(uow, actor, action)
        case "set_round_window":
            rounds.check_window_change(
                uow,
                actor=actor,
                round_id=_round_id(uow, actor, action),
                window=timedelta(hours=action.get_int("window_hours")),
            )
        case "admit_member":
            check_name(action.get_str("name"), field="action.name")
            college = action.get_opt_str("college")
            if college and uow.community.college_by_name(org_id, college) is None:
                raise _unknown_college(college)
            email = action.get_opt_str("email")
            if email:
                address = check_email(email)
                user = uow.community.user_by_email(address)
                if user is not None and uow.community.member_of_user(
                    org_id, int(user._mapping["id"])
                ):
                    raise InvalidInput(
                        "action.already_member",
                        f"{address} is already a member",
                        field="action.email",
                        params={"email": address},
                    )
        case "remove_member":
            member = _active_member(uow, actor, action.get_int("member_id"), "action.member_id")
            for account in (chart.member_account(member.id), chart.debt_account(member.id)):
                balance = balance_of(uow, actor=actor, account=account)
                if balance.minor != 0:
                    raise InvalidInput(
                        "action.member_balance",
                        f"{member.name} cannot be removed while their account {account} holds "
                        f"{balance}: settle it first (the books keep every member who has one)",
                        field="action.member_id",
                        params={"name": member.name, **as_params("balance", balance)},
                    )
            admins = [
                m
                for m in uow.community.members(org_id)
                if m.role is Role.ADMIN and m.id != member.id
            ]
            if member.role is Role.ADMIN and not admins:
                raise InvalidInput(
                    "action.last_admin",
                    f"{member.name} is the last admin; make someone else admin first",
                    field="action.member_id",
                    params={"name": member.name},
                )
        case "change_college":
            _active_member(uow, actor, action.get_int("member_id"), "action.member_id")
            college = action.get_str("college")
            if uow.community.college_by_name(org_id, college) is None:
                raise _unknown_college(college)
        case "set_college_weights":
            weights = p["weights"]
            assert isinstance(weights, Mapping)
            known = {c.name for c in uow.community.colleges(org_id)}
            for name in weights:
                if name not in known:
                    raise _unknown_college(str(name))
            missing = sorted(known - set(weights))
            if missing:
                raise InvalidInput(
                    "action.weights_missing",
                    f"give a weight to every college; missing: {', '.join(missing)}",
                    field="action.weights",
                    params={"colleges": ", ".join(missing)},
                )
            check_weights(
                {str(n): Decimal(str(w)) for n, w in weights.items()},
                scic=actor.organization.legal_form is LegalForm.SCIC,
                field="action.weights",
            )
        case "fill_role":
            check_name(action.get_str("name"), field="action.name")
            _active_member(uow, actor, action.get_int("holder_id"), "action.holder_id")
        case "set_contribution_power":
            if p["cap"] != "off":
                check_power(
                    Decimal(action.get_str("cap")),
                    Decimal(action.get_opt_str("hours_per_step") or "10"),
                )
                if "distribution_id" in p:
                    governance_power.check_distribution(
                        uow,
                        actor,
                        action.get_int("distribution_id"),
                        field="action.distribution_id",
                    )
        case "end_role":
            role = uow.governance.role(org_id, action.get_int("role_id"))
            if role is None:
                raise InvalidInput(
                    "action.unknown_role",
                    f"no role #{action.get_int('role_id')}",
                    field="action.role_id",
                    params={"role": action.get_int("role_id")},
                )
            if not role_active(role, now):
                raise InvalidInput(
                    "action.role_ended",
                    f"the role '{role.name}' has already ended",
                    field="action.role_id",
                    params={"role": role.name},
                )
    return action


def _round_id(uow: UnitOfWork, actor: Actor, action: Action) -> int:
    round_id = action.get_int("round_id")
    if uow.rounds.get(actor.org_id, round_id) is None:
        raise InvalidInput(
            "action.unknown_round",
            f"no round #{round_id}",
            field="action.round_id",
            params={"round": round_id},
        )
    return round_id


def _unknown_college(name: str) -> InvalidInput:
    return InvalidInput(
        "action.unknown_college",
        f"no college '{name}'",
        field="action.college",
        params={"college": name},
    )


def _active_member(uow: UnitOfWork, actor: Actor, member_id: int, field: str) -> Member:
    member = uow.community.member(actor.org_id, member_id)
    if member is None or member_id in uow.governance.removed_members(actor.org_id):
        raise InvalidInput("action.unknown_member", f"no member #{member_id}", field=field)
    return member


@contextmanager
def _one_transaction(uow: UnitOfWork) -> Iterator[None]:
    """Run a use case that commits as part of the caller's transaction: its commit waits
    for the caller's, so the outcome and what it changed are written together or not at all."""
    commit = uow.commit
    uow.commit = lambda: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        uow.commit = commit  # type: ignore[method-assign]


def apply(
    uow: UnitOfWork,
    actor: Actor,
    action: Action,
    *,
    author_id: int,
    proposal_id: int,
    now: datetime,
) -> dict[str, object]:
    """Apply a checked action; returns what it made (a round's or a member's number)."""
    org_id = actor.org_id
    author = uow.community.member(org_id, author_id)
    assert author is not None
    # The decision acts with an admin's authority, in its author's name.
    decision = Actor(actor.organization, replace(author, role=Role.ADMIN))
    match action.kind:
        case "set_public_page":
            uow.community.set_public_page(org_id, bool(action.params["public"]))
        case "open_round":
            with _one_transaction(uow):
                created = rounds.open_round(
                    uow,
                    actor=decision,
                    name=action.get_str("name"),
                    envelope=action.get_int("envelope"),
                    window=timedelta(hours=action.get_int("window_hours")),
                    policy=Policy(action.get_opt_str("policy") or Policy.PRO_RATA.value),
                    unspent_rule=UnspentRule(
                        action.get_opt_str("unspent_rule") or UnspentRule.RETURN.value
                    ),
                    now=now,
                )
            return {"round_id": created.id}
        case "set_round_envelope":
            with _one_transaction(uow):
                rounds.set_envelope(
                    uow,
                    actor=decision,
                    round_id=action.get_int("round_id"),
                    envelope=action.get_int("envelope"),
                    now=now,
                )
        case "set_commission_rate":
            with _one_transaction(uow):
                version = governance_commission.apply(
                    uow, decision, action, proposal_id=proposal_id, now=now
                )
            return {"rules_version": version}
        case "set_round_window":
            with _one_transaction(uow):
                rounds.set_window(
                    uow,
                    actor=decision,
                    round_id=action.get_int("round_id"),
                    window=timedelta(hours=action.get_int("window_hours")),
                    now=now,
                )
        case "admit_member":
            with _one_transaction(uow):
                member = organizations.add_member(
                    uow,
                    actor=decision,
                    name=action.get_str("name"),
                    role=Role(action.get_opt_str("role") or Role.MEMBER.value),
                    now=now,
                    email=action.get_opt_str("email"),
                    college=action.get_opt_str("college"),
                )
            return {"member_id": member.id}
        case "remove_member":
            member_id = action.get_int("member_id")
            removed = uow.community.member(org_id, member_id)
            assert removed is not None
            for role in uow.governance.roles(org_id):
                if role.holder_id == member_id and role_active(role, now):
                    uow.governance.end_role(org_id, role.id, at=now, proposal_id=proposal_id)
            uow.governance.remove_member(
                org_id, member_id, previous=removed.role, proposal_id=proposal_id, now=now
            )
        case "change_college":
            college = uow.community.college_by_name(org_id, action.get_str("college"))
            assert college is not None
            uow.governance.set_member_college(org_id, action.get_int("member_id"), college.id)
        case "set_college_weights":
            weights = action.params["weights"]
            assert isinstance(weights, Mapping)
            for college in uow.community.colleges(org_id):
                uow.governance.set_college_weight(
                    org_id, college.id, Decimal(str(weights[college.name]))
                )
        case "fill_role":
            term = action.params.get("term_days")
            role_id = uow.governance.add_role(
                org_id,
                name=check_name(action.get_str("name"), field="action.name"),
                domain=action.get_opt_str("domain") or "",
                body_id=None,
                holder_id=action.get_int("holder_id"),
                since=now,
                term_ends_at=now + timedelta(days=term) if isinstance(term, int) else None,
                proposal_id=proposal_id,
            )
            return {"role_id": role_id}
        case "set_contribution_power":
            off = action.params["cap"] == "off"
            from_distribution = None if off else action.params.get("distribution_id")
            uow.governance.set_settings(
                org_id,
                cap=None if off else Decimal(action.get_str("cap")),
                hours_per_step=None
                if off
                else Decimal(action.get_opt_str("hours_per_step") or "10"),
                by=author_id,
                now=now,
                basis="hours" if from_distribution is None else "distribution",
                distribution_id=action.get_int("distribution_id") if from_distribution else None,
            )
        case "end_role":
            uow.governance.end_role(
                org_id, action.get_int("role_id"), at=now, proposal_id=proposal_id
            )
    return {}
