"""Reading a SourceCred ledger (``data/ledger.json``) for a community's import: who its
identities are once every event is replayed, and what each grain distribution paid.

SourceCred 0.11.2 writes one JSON event per line and rebuilds its state by replaying them in
order; this reader does the same for the actions that say who is who and who was paid:
CREATE_IDENTITY, RENAME_IDENTITY, CHANGE_IDENTITY_TYPE, ADD_ALIAS, MERGE_IDENTITIES,
TOGGLE_ACTIVATION and DISTRIBUTE_GRAIN. The last state wins: a merged identity's aliases and
receipts belong to the identity it was merged into. TRANSFER_GRAIN moves a balance between
accounts and earns nothing (SourceCred's ``paid``, which ``balanced`` catches up on, counts
only distributions): it is counted and skipped, as are payout addresses and accounting
switches. Every DISTRIBUTE_GRAIN line counts, even one that repeats an earlier distribution's
id: SourceCred's replay pays it again, so its ``paid`` totals do too.

Lines are decoded by msgspec into typed records and receipts are summed as they are read, so
a ledger of millions of receipts never becomes millions of Python dictionaries. A line that
is not an event, an action on an identity no earlier line created, or a receipt that is not
a whole number of attoGrain is refused naming the file and the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from partage.core.errors import InvalidInput
from partage.core.grain_units import GrainRate, parse_atto

USER, PROJECT, ORGANIZATION, BOT = "USER", "PROJECT", "ORGANIZATION", "BOT"
SUBTYPES = (USER, PROJECT, ORGANIZATION, BOT)


class _Alias(msgspec.Struct):
    address: str


class _Identity(msgspec.Struct):
    id: str
    name: str
    subtype: str = USER
    address: str = ""
    aliases: list[_Alias] = []


class _Receipt(msgspec.Struct):
    id: str
    amount: str


class _Policy(msgspec.Struct):
    policyType: str  # noqa: N815 - SourceCred's field names
    budget: str
    numIntervalsLookback: int | None = None  # noqa: N815
    discount: float | None = None
    exclusions: list[str] = []
    memo: str | None = None
    recipient: str | None = None


class _Allocation(msgspec.Struct):
    id: str
    policy: _Policy
    receipts: list[_Receipt]


class _Distribution(msgspec.Struct):
    id: str
    credTimestamp: int  # noqa: N815
    allocations: list[_Allocation]


class _Action(msgspec.Struct):
    type: str
    identity: _Identity | None = None
    identityId: str | None = None  # noqa: N815
    newName: str | None = None  # noqa: N815
    newType: str | None = None  # noqa: N815
    alias: _Alias | None = None
    base: str | None = None
    target: str | None = None
    distribution: _Distribution | None = None


class _Event(msgspec.Struct):
    action: _Action
    ledgerTimestamp: int  # noqa: N815


_DECODER = msgspec.json.Decoder(_Event)


@dataclass
class LedgerIdentity:
    """An identity as the replayed ledger leaves it."""

    id: str
    name: str
    subtype: str
    active: bool = False
    # Its own id first, then the ids of the identities merged into it, in merge order.
    ids: list[str] = field(default_factory=list)
    # Plugin aliases (node addresses, NUL-separated as SourceCred writes them).
    aliases: list[str] = field(default_factory=list)
    # Innate addresses of the identities merged into it (``N\0sourcecred\0core\0IDENTITY…``).
    merged_addresses: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LedgerPolicy:
    """One allocation of a distribution: its policy as SourceCred recorded it."""

    allocation_id: str
    policy: str  # immediate, recent, balanced or special
    budget_atto: int
    paid_atto: int
    lookback: int | None
    discount: str | None
    exclusions: tuple[str, ...]
    memo: str | None
    recipient: str | None


@dataclass(frozen=True, slots=True)
class LedgerDistribution:
    """One DISTRIBUTE_GRAIN line: receipts summed per identity id as named on that line."""

    id: str
    occurrence: int  # 1 for the first line with this id, 2 for a repeat…
    line: int
    cred_timestamp_ms: int
    ledger_timestamp_ms: int
    policies: tuple[LedgerPolicy, ...]
    # identity id (as on the line) → minor units, each receipt converted on its own
    minor: dict[str, int]
    grain: int  # attoGrain paid in all


@dataclass
class LedgerHistory:
    identities: list[LedgerIdentity]  # as the last line leaves them, in order of creation
    owner: dict[str, str]  # every identity id ever created → the id of its final identity
    distributions: list[LedgerDistribution]
    lines: int = 0
    transfers: int = 0  # TRANSFER_GRAIN lines: not earnings, skipped
    skipped: int = 0  # other actions (payout addresses, accounting, currencies…)


def refuse(path: Path, message: str, code: str = "sourcecred.bad_ledger") -> InvalidInput:
    return InvalidInput(code, f"{path}: {message}", field="path")


class _Replay:
    """The state of the ledger while its lines are replayed."""

    def __init__(self, path: Path, rate: GrainRate) -> None:
        self.path = path
        self.rate = rate
        self.accounts: dict[str, LedgerIdentity] = {}  # any id ever created → its identity
        self.created: list[LedgerIdentity] = []
        self.seen: dict[str, int] = {}  # distribution id → lines so far
        self.history = LedgerHistory([], {}, [])

    def fail(self, line: int, message: str) -> InvalidInput:
        return refuse(self.path, f"line {line}: {message}")

    def identity(self, line: int, identity_id: str | None, action: str) -> LedgerIdentity:
        found = self.accounts.get(identity_id or "")
        if found is None:
            raise self.fail(
                line, f"{action} names identity '{identity_id}', which no earlier line created"
            )
        return found

    def apply(self, line: int, event: _Event) -> None:
        action = event.action
        kind = action.type
        if kind == "CREATE_IDENTITY":
            self.create(line, action.identity)
        elif kind == "RENAME_IDENTITY":
            self.identity(line, action.identityId, kind).name = self.text(line, action.newName)
        elif kind == "CHANGE_IDENTITY_TYPE":
            subtype = self.text(line, action.newType)
            if subtype not in SUBTYPES:
                raise self.fail(line, f"'{subtype[:40]}' is no identity type")
            self.identity(line, action.identityId, kind).subtype = subtype
        elif kind == "ADD_ALIAS":
            if action.alias is None:
                raise self.fail(line, "ADD_ALIAS without an alias")
            self.identity(line, action.identityId, kind).aliases.append(action.alias.address)
        elif kind == "MERGE_IDENTITIES":
            self.merge(line, action.base, action.target)
        elif kind == "TOGGLE_ACTIVATION":
            found = self.identity(line, action.identityId, kind)
            found.active = not found.active
        elif kind == "DISTRIBUTE_GRAIN":
            if action.distribution is None:
                raise self.fail(line, "DISTRIBUTE_GRAIN without a distribution")
            self.distribute(line, event.ledgerTimestamp, action.distribution)
        elif kind == "TRANSFER_GRAIN":
            self.history.transfers += 1
        else:
            self.history.skipped += 1

    def text(self, line: int, value: str | None) -> str:
        if not value:
            raise self.fail(line, "a name or type is missing")
        return value

    def create(self, line: int, identity: _Identity | None) -> None:
        if identity is None:
            raise self.fail(line, "CREATE_IDENTITY without an identity")
        if identity.id in self.accounts:
            raise self.fail(line, f"identity '{identity.id}' is created twice")
        if identity.subtype not in SUBTYPES:
            raise self.fail(line, f"'{identity.subtype[:40]}' is no identity type")
        made = LedgerIdentity(
            id=identity.id,
            name=identity.name,
            subtype=identity.subtype,
            ids=[identity.id],
            aliases=[a.address for a in identity.aliases],
        )
        self.accounts[identity.id] = made
        self.created.append(made)

    def merge(self, line: int, base_id: str | None, target_id: str | None) -> None:
        base = self.identity(line, base_id, "MERGE_IDENTITIES")
        target = self.identity(line, target_id, "MERGE_IDENTITIES")
        if base is target:
            raise self.fail(line, f"identity '{base_id}' is merged into itself")
        # As SourceCred does: the base takes the target's aliases, its own address, and every
        # id that pointed at the target (its earlier receipts follow through ``owner``).
        base.aliases.extend(target.aliases)
        base.merged_addresses.append(f"N\0sourcecred\0core\0IDENTITY\0{target.id}\0")
        base.merged_addresses.extend(target.merged_addresses)
        for merged in target.ids:
            base.ids.append(merged)
            self.accounts[merged] = base

    def distribute(self, line: int, stamp: int, distribution: _Distribution) -> None:
        minor: dict[str, int] = {}
        grain = 0
        policies = []
        numerator, denominator = self.rate.numerator, self.rate.denominator
        for allocation in distribution.allocations:
            budget = parse_atto(allocation.policy.budget)
            if budget is None:
                raise self.fail(line, f"allocation {allocation.id}: budget is no grain amount")
            ids = [r.id for r in allocation.receipts]
            amounts = self.amounts(line, allocation)
            unknown = set(ids).difference(self.accounts)
            if unknown:
                first = next(who for who in ids if who in unknown)
                raise self.fail(
                    line, f"a receipt names identity '{first}', which no earlier line created"
                )
            paid = sum(amounts)
            if paid > budget:
                raise self.fail(line, f"allocation {allocation.id} pays more grain than its budget")
            grain += paid
            # Each receipt converted on its own (rounded down), then summed per identity.
            converted = [a * numerator // denominator for a in amounts]
            if not minor and len(set(ids)) == len(ids):
                minor = dict(zip(ids, converted, strict=True))
            else:
                for who, amount in zip(ids, converted, strict=True):
                    minor[who] = minor.get(who, 0) + amount
            policy = allocation.policy
            policies.append(
                LedgerPolicy(
                    allocation_id=allocation.id,
                    policy=policy.policyType.lower(),
                    budget_atto=budget,
                    paid_atto=paid,
                    lookback=policy.numIntervalsLookback,
                    discount=None if policy.discount is None else repr(policy.discount),
                    exclusions=tuple(policy.exclusions),
                    memo=policy.memo,
                    recipient=policy.recipient,
                )
            )
        occurrence = self.seen.get(distribution.id, 0) + 1
        self.seen[distribution.id] = occurrence
        self.history.distributions.append(
            LedgerDistribution(
                id=distribution.id,
                occurrence=occurrence,
                line=line,
                cred_timestamp_ms=distribution.credTimestamp,
                ledger_timestamp_ms=stamp,
                policies=tuple(policies),
                minor=minor,
                grain=grain,
            )
        )

    def amounts(self, line: int, allocation: _Allocation) -> list[int]:
        """The receipts' attoGrain: whole numbers written in ASCII digits, checked at once
        (every text non-empty, their concatenation all digits), then each one read."""
        texts = [r.amount for r in allocation.receipts]
        joined = "".join(texts)
        if all(texts) and joined.isascii() and (joined.isdigit() or not joined):
            return [int(t) for t in texts]
        bad = next(r for r in allocation.receipts if parse_atto(r.amount) is None)
        raise self.fail(line, f"receipt for '{bad.id}': '{bad.amount[:40]}' is no amount")

    def finish(self) -> LedgerHistory:
        history = self.history
        finals = {id(i) for i in self.accounts.values()}
        history.identities = [i for i in self.created if id(i) in finals]
        history.owner = {key: found.id for key, found in self.accounts.items()}
        return history


def ledger_path(path: Path) -> Path:
    """An instance folder → its ``data/ledger.json``; a file is the ledger itself."""
    return path / "data" / "ledger.json" if path.is_dir() else path


def read_ledger(path: Path, rate: GrainRate) -> LedgerHistory:
    """Replay the ledger at ``path`` (an instance folder or the ledger file); ``rate``
    turns each receipt's attoGrain into minor units."""
    ledger = ledger_path(path)
    if not ledger.is_file():
        raise refuse(ledger, "is missing: no SourceCred ledger here", "sourcecred.missing_ledger")
    replay = _Replay(ledger, rate)
    number = 0
    try:
        # A line at a time: a ledger of hundreds of MB is never held whole.
        with ledger.open("rb") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    event = _DECODER.decode(line)
                except (msgspec.ValidationError, msgspec.DecodeError) as error:
                    raise replay.fail(number, f"is no SourceCred ledger event ({error})") from None
                replay.apply(number, event)
    except OSError as error:
        raise refuse(ledger, f"cannot be read ({error.strerror})") from None
    replay.history.lines = number
    return replay.finish()
