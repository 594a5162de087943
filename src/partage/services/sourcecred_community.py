"""Importing a SourceCred community: its identities become members, its grain distributions
become the organization's grain history, so that ``balanced`` picks up where SourceCred
stopped.

What an import writes, in one unit of work (a refusal writes nothing):

* one member per identity the replayed ledger leaves (merged identities are one), named by
  the identity's name — made unique with " (SourceCred)" when the organization already has a
  member of that name; PROJECT and ORGANIZATION identities are organisations, USER and BOT
  persons; a BOT is an observer (it takes no part in decisions), everyone else a member.
  SourceCred's activation (whether grain may be paid to an identity) is no membership: an
  inactive identity is a member like the others;
* its aliases: ``sourcecred:<identity id>`` for its id and the ids merged into it, and
  ``sourcecred-alias:<address>`` for each plugin alias (the address's parts joined by ``/``,
  each percent-encoded), so that a second import finds the member again and adds nothing;
* one grain distribution per DISTRIBUTE_GRAIN line: per member, what they received, each
  receipt converted to minor units on its own (:mod:`partage.core.grain_units`), the policies
  and budgets in ``params``, SourceCred's distribution id and cred time in ``source``, its
  fund ``sourcecred``. It posts nothing: the grain was paid in SourceCred's world, so the
  organization's ledger is left as it is (``entry_seq`` is None).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import quote

from partage.core.community import MemberKind
from partage.core.distribution import IMPORTED_FROM_SOURCECRED
from partage.core.errors import InvalidInput
from partage.core.grain_units import GrainRate, grain_text, parse_grain_value
from partage.core.models.base import ModelResult
from partage.core.models.indicators import indicators
from partage.core.models.wording import ratio_texts
from partage.core.money import MAX_MINOR, Money, format_minor
from partage.core.roles import Role, require_admin
from partage.services.context import Actor, UnitOfWork
from partage.services.sourcecred_ledger import (
    BOT,
    ORGANIZATION,
    PROJECT,
    LedgerDistribution,
    LedgerHistory,
    LedgerIdentity,
    ledger_path,
    read_ledger,
    refuse,
)
from partage.storage.sourcecred_repo import (
    NewDistribution,
    NewMember,
    SourceCredImportRepository,
)

# The aliases' source, the distributions' fund and ``imported_from``.
SOURCE = IMPORTED_FROM_SOURCECRED
ID_PREFIX = "sourcecred:"
ALIAS_PREFIX = "sourcecred-alias:"
ALIAS_LIMIT = 300  # the alias column's width
NAME_LIMIT = 200
SUFFIX = " (SourceCred)"
BATCH = 20  # distributions per insert: a few MB of JSON at a time, whatever the ledger


def identity_alias(identity_id: str) -> str:
    return ID_PREFIX + identity_id


def address_alias(address: str) -> str:
    """A SourceCred node address (``N\\0github\\0USER\\0ada\\0``) as alias text:
    ``sourcecred-alias:github/USER/ada``, each part percent-encoded, so that the text is
    readable, holds no NUL (which PostgreSQL refuses) and reads back to the same parts.
    An address too long for the column keeps its start and a digest of the whole."""
    parts = address.split("\0")
    if len(parts) >= 3 and parts[0] == "N" and parts[-1] == "":
        parts = parts[1:-1]
    text = ALIAS_PREFIX + "/".join(quote(part, safe="-._~:@") for part in parts)
    if len(text) <= ALIAS_LIMIT:
        return text
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"{text[: ALIAS_LIMIT - 34]}#{digest}"


def aliases_of(identity: LedgerIdentity) -> list[str]:
    """Every alias an identity's member carries: its ids first, then its plugin aliases."""
    found = [identity_alias(i) for i in identity.ids]
    found += [address_alias(a) for a in identity.aliases]
    return list(dict.fromkeys(found))


def kind_of(subtype: str) -> MemberKind:
    return MemberKind.ORGANISATION if subtype in (PROJECT, ORGANIZATION) else MemberKind.PERSON


def role_of(subtype: str) -> Role:
    return Role.OBSERVER if subtype == BOT else Role.MEMBER


@dataclass(frozen=True, slots=True)
class ImportedMember:
    identity: str  # the identity's id
    name: str  # its name in SourceCred
    member: int  # the member's number in partage
    member_name: str
    added: bool  # False: an existing member, found by alias
    subtype: str
    active: bool


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import read and wrote (or, with ``dry_run``, would write)."""

    ledger: str
    dry_run: bool
    grain_value: str
    lines: int
    identities: int
    members_added: int
    members_matched: int
    aliases_added: int
    aliases_elsewhere: int  # aliases another member already carries: left with them
    inactive: int
    distributions_read: int
    distributions_imported: int
    distributions_present: int  # imported by an earlier run: left as they are
    transfers_skipped: int
    actions_skipped: int
    grain_imported: str  # grain of the distributions imported, in grain
    totals: dict[str, Money]  # per currency: what the imported distributions paid
    members: list[ImportedMember] = field(default_factory=list)
    distribution_ids: list[int] = field(default_factory=list)


def import_community(
    uow: UnitOfWork,
    *,
    actor: Actor,
    path: Path,
    grain_value: str | None = None,
    dry_run: bool = False,
    now: datetime,
) -> ImportReport:
    """Import the SourceCred instance (or ledger file) at ``path`` into the actor's
    organization (admins only). With ``dry_run`` everything is done in the transaction, then
    rolled back: the report says exactly what an import would write.

    ``grain_value`` (currency units per grain) defaults to the value of the organization's
    earlier imports, else 1; one history has one value, so another one is refused."""
    require_admin(actor.role)
    # Set-based writes: a batch of rows per statement (10,000 members, 200 distributions of
    # 10,000 receipts: seconds, not minutes).
    bulk = uow.sourcecred
    earlier = bulk.sources_of_fund(actor.org_id, SOURCE)
    value = _grain_value(grain_value, earlier)
    rate = GrainRate(value, actor.organization.currency.decimals)
    history = read_ledger(path, rate)
    members, aliases_added, elsewhere = _members(uow, bulk, actor, history, now)
    number = {m.identity: str(m.member) for m in members}
    member_of = {key: number[final] for key, final in history.owner.items()}
    present = _imported_keys(earlier)
    done: list[int] = []
    paid_total = 0
    grain_total = 0
    batch: list[NewDistribution] = []
    for d in history.distributions:
        if (d.id, d.occurrence) in present:
            continue
        recorded = _record(actor, d, member_of, rate, value, ledger_path(path), now)
        batch.append(recorded)
        paid_total += recorded.paid
        grain_total += d.grain
        if len(batch) == BATCH:
            done += bulk.add_distributions(actor.org_id, batch, by=actor.member.id)
            batch = []
    done += bulk.add_distributions(actor.org_id, batch, by=actor.member.id)
    if not dry_run:
        uow.commit()
    currency = actor.organization.currency
    return ImportReport(
        ledger=str(ledger_path(path)),
        dry_run=dry_run,
        grain_value=_value_text(value),
        lines=history.lines,
        identities=len(history.identities),
        members_added=sum(1 for m in members if m.added),
        members_matched=sum(1 for m in members if not m.added),
        aliases_added=aliases_added,
        aliases_elsewhere=elsewhere,
        inactive=sum(1 for i in history.identities if not i.active),
        distributions_read=len(history.distributions),
        distributions_imported=len(done),
        distributions_present=len(history.distributions) - len(done),
        transfers_skipped=history.transfers,
        actions_skipped=history.skipped,
        grain_imported=grain_text(grain_total),
        totals={currency.code: Money(paid_total, currency)},
        members=members,
        distribution_ids=done,
    )


def _value_text(value: Fraction) -> str:
    """The exact value back as decimal text (it was parsed from one, so it terminates)."""
    whole, rest = divmod(value.numerator, value.denominator)
    if not rest:
        return str(whole)
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    return format_minor(int(value * 10**places), places)


def _members(
    uow: UnitOfWork,
    bulk: SourceCredImportRepository,
    actor: Actor,
    history: LedgerHistory,
    now: datetime,
) -> tuple[list[ImportedMember], int, int]:
    """Find or add each identity's member, then give it the aliases it lacks."""
    org = actor.org_id
    known = {a.alias: a.member_id for a in uow.aliases.all(org)}
    existing = uow.community.members(org)
    names = {m.name.casefold() for m in existing}
    name_of = {m.id: m.name for m in existing}
    wanted = [aliases_of(identity) for identity in history.identities]
    matched = [next((known[a] for a in own if a in known), None) for own in wanted]
    fresh = [(i, identity) for i, identity in enumerate(history.identities) if matched[i] is None]
    new_members = []
    for _, identity in fresh:
        name = _unique(identity.name, names)
        names.add(name.casefold())
        new_members.append(NewMember(name, kind_of(identity.subtype), role_of(identity.subtype)))
    numbers = bulk.add_members(org, new_members, now=now)
    for (i, _), number, made in zip(fresh, numbers, new_members, strict=True):
        matched[i] = number
        name_of[number] = made.name
    added = set(numbers)
    found: list[ImportedMember] = []
    new_aliases: list[tuple[str, int]] = []
    elsewhere = 0
    for identity, own, member in zip(history.identities, wanted, matched, strict=True):
        assert member is not None
        for alias in own:
            holder = known.get(alias)
            if holder is None:
                new_aliases.append((alias, member))
                known[alias] = member
            elif holder != member:
                elsewhere += 1
        found.append(
            ImportedMember(
                identity=identity.id,
                name=identity.name,
                member=member,
                member_name=name_of.get(member, identity.name),
                added=member in added,
                subtype=identity.subtype,
                active=identity.active,
            )
        )
    bulk.add_aliases(org, new_aliases, source=SOURCE, now=now)
    return found, len(new_aliases), elsewhere


def _unique(name: str, taken: set[str]) -> str:
    """The identity's name, or with " (SourceCred)" (then a number) when it is taken."""
    base = name.strip()[:NAME_LIMIT] or "?"
    if base.casefold() not in taken:
        return base
    stem = base[: NAME_LIMIT - len(SUFFIX) - 4]
    candidate, n = stem + SUFFIX, 2
    while candidate.casefold() in taken:
        candidate = f"{stem} (SourceCred {n})"
        n += 1
    return candidate


def _imported_keys(earlier: list[dict[str, Any]]) -> set[tuple[str, int]]:
    """The SourceCred distributions (id, occurrence) an earlier import recorded."""
    return {
        (str(source.get("distribution")), int(source.get("occurrence", 1)))
        for source in earlier
        if source.get("imported_from") == SOURCE
    }


def _grain_value(given: str | None, earlier: list[dict[str, Any]]) -> Fraction:
    """The value given, else the earlier imports' one, else 1 — and never a second value:
    amounts converted at two values would make ``balanced`` compare unlike things."""
    before = {
        str(s["grain_value"])
        for s in earlier
        if s.get("imported_from") == SOURCE and "grain_value" in s
    }
    if given is None:
        return parse_grain_value(min(before)) if before else Fraction(1)
    value = parse_grain_value(given)
    others = sorted(v for v in before if parse_grain_value(v) != value)
    if others:
        raise InvalidInput(
            "sourcecred.grain_value_changed",
            f"this organization's SourceCred history was imported at {others[0]} per grain; "
            f"import again at the same value (--grain-value {others[0]}) or leave it out",
            field="grain_value",
        )
    return value


def _stamp(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _record(
    actor: Actor,
    d: LedgerDistribution,
    member_of: Mapping[str, str],
    rate: GrainRate,
    value: Fraction,
    ledger: Path,
    now: datetime,
) -> NewDistribution:
    """One SourceCred distribution as a grain distribution to record."""
    currency = actor.organization.currency
    received = [(member_of[who], minor) for who, minor in d.minor.items() if minor]
    allocations = dict(received)
    if len(allocations) < len(received):
        # Ids merged into one identity: their receipts add up on its member.
        allocations = {}
        for key, minor in received:
            allocations[key] = allocations.get(key, 0) + minor
    paid = sum(allocations.values())
    budget = sum(rate.to_minor(p.budget_atto) for p in d.policies)
    # Each receipt is rounded down on its own, so they never add up to more than the budget.
    assert budget >= paid
    if budget > MAX_MINOR:
        raise refuse(
            ledger,
            f"line {d.line}: distribution {d.id} is worth more than partage can hold "
            "at this grain value",
            "sourcecred.too_large",
        )
    # As a model's result reads (recipients in code-point order), without re-checking each
    # amount: they are sums of rounded-down receipts, whole and not negative.
    ordered = {key: allocations[key] for key in sorted(allocations)}
    found = ModelResult("grain", budget, ordered, budget - paid, {})

    def money(minor: int) -> str:
        return format_minor(minor, currency.decimals)

    def member(identity_id: str | None) -> str | None:
        if identity_id is None:
            return None
        return member_of.get(identity_id) or identity_alias(identity_id)

    policies: list[dict[str, Any]] = []
    for p in d.policies:
        said: dict[str, Any] = {
            "id": p.allocation_id,
            "policy": p.policy,
            "budget": money(rate.to_minor(p.budget_atto)),
            "budget_grain": grain_text(p.budget_atto),
            "paid_grain": grain_text(p.paid_atto),
        }
        if p.lookback is not None:
            said["lookback"] = p.lookback
        if p.discount is not None:
            said["discount"] = p.discount
        if p.exclusions:
            said["exclusions"] = [member(e) for e in p.exclusions]
        if p.recipient is not None:
            said["recipient"] = member(p.recipient)
        if p.memo is not None:
            said["memo"] = p.memo[:500]
        policies.append(said)
    kinds = sorted({p.policy for p in d.policies})
    params = {
        "type": "grain",
        "policy": kinds[0] if len(kinds) == 1 else "mixed",
        "imported_from": SOURCE,
        "grain_value": _value_text(value),
        "allocations": policies,
    }
    source = {
        "imported_from": SOURCE,
        "distribution": d.id,
        "occurrence": d.occurrence,
        "ledger_line": d.line,
        "cred_timestamp_ms": d.cred_timestamp_ms,
        "cred_time": _stamp(d.cred_timestamp_ms).isoformat(),
        "ledger_timestamp_ms": d.ledger_timestamp_ms,
        "grain": grain_text(d.grain),
        "grain_value": _value_text(value),
        "imported_at": now.isoformat(),
        "since": None,
        "until": None,
        "activity": None,
    }
    body = {
        "model": "grain",
        "currency": currency.code,
        "budget": money(budget),
        # One column operation for every amount: the same text format_minor writes.
        "allocations": dict(
            zip(
                found.allocations,
                ratio_texts(
                    list(found.allocations.values()),
                    10**currency.decimals,
                    places=currency.decimals,
                    keep=currency.decimals,
                ),
                strict=True,
            )
        ),
        "unallocated": money(found.unallocated),
        "explanations": {},
        "language": "en",
        "indicators": indicators(found, currency),
        "imported_from": SOURCE,
    }
    return NewDistribution(
        params=params,
        source=source,
        fund=SOURCE,
        budget=budget,
        paid=paid,
        unallocated=budget - paid,
        result=body,
        created_at=_stamp(d.ledger_timestamp_ms),
    )
