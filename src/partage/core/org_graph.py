"""An organization's records as a contribution graph, and its CredRank scores.

The rule (docs/cred.md, "An organization's contribution graph"):

* every member is a participant; a member whom no edge reaches gets zero cred;
* a contribution mints its activity's weight, times its hours when it records hours;
  contributions that share a ``source_key`` (the co-authors of one git commit) are ONE node,
  minting the largest of their rows' mints, with one authorship edge to each distinct author
  — the node's cred splits among them;
* a link ``contribution:<id>`` is a "builds on" edge to that contribution's node; any other
  link target (``file:<path>``…) is an artifact node minting nothing, tied to every
  contribution that touched it, so later work on a file sends cred back to earlier work;
* a claim settled at the close of a contributive round (accepted by peers) is a node minting
  the claim weight, with edges to the claimant and to the contributions it cites;
* a peer gift of a closed epoch is a node minting the gift weight × points / points per
  member, with an edge to its receiver;
* decisions (governance) will be nodes of their own: see :data:`KINDS`.

Every event lands on its UTC day and the edge touching a member is timed at noon of that
day, so a day falls wholly in its week (Sunday to Saturday); CredRank's intervals are
(start, end], and midnight would put a Sunday into the week before. Weeks run from the
Sunday on or before the first day with an event to the Saturday after the last.

Guarantees: the graph is built with array operations (no Python loop per edge); node ids are
unique; weights are finite and non-negative (the weights are checked before); the members'
cred sums to what was minted, to the precision of the walk (CredRank's normalisation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import numpy.typing as npt

from partage.core.cred.credrank import stationary
from partage.core.cred.graph import CredGraph, Params
from partage.core.cred.markov import markov_process
from partage.core.cred_sources import Inflows, inflows
from partage.core.errors import InvalidInput

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

DAY_MS = 24 * 3600 * 1000
NOON_MS = 12 * 3600 * 1000
THURSDAY = 3  # 1970-01-01 was a Thursday: day d is a Sunday when (d - 3) % 7 == 0

# What a graph node stands for. Decisions (issue 5, governance) do not exist yet; when they
# do, a decision taken will be a DECISION node minting its weight, tied to its authors.
MEMBER, CONTRIBUTION, ARTIFACT, CLAIM, GIFT, DECISION = range(6)
KINDS = ("member", "contribution", "artifact", "claim", "gift", "decision")

EDGE_KINDS = ("authored", "touches", "builds_on", "claimant", "cites")
PARAMS = ("alpha", "beta", "gamma_forward", "gamma_backward")
MAX_ACTIVITY = 100
MAX_WEIGHT = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class EdgeWeight:
    """``forward`` flows from the edge's source to its target, ``backward`` the other way."""

    forward: Decimal
    backward: Decimal


# Defaults, and why:
# * authored: a contribution sends its cred to its authors; the authors send nothing back
#   (their cred is theirs, not fed into their other work);
# * touches: a contribution gives a quarter (shared among everything it touched) to its
#   artifacts, and an artifact hands what it gets to every contribution that touched it;
# * builds_on: work built on earlier work gives it a quarter (shared among what it builds on);
# * claimant, cites: an accepted claim recognises its claimant and the work it cites alike.
DEFAULT_EDGES: Mapping[str, EdgeWeight] = {
    "authored": EdgeWeight(Decimal(1), Decimal(0)),
    "touches": EdgeWeight(Decimal("0.25"), Decimal(1)),
    "builds_on": EdgeWeight(Decimal("0.25"), Decimal(0)),
    "claimant": EdgeWeight(Decimal(1), Decimal(0)),
    "cites": EdgeWeight(Decimal(1), Decimal(0)),
}
DEFAULT_PARAMS: Mapping[str, Decimal] = {
    "alpha": Decimal("0.1"),
    "beta": Decimal("0.4"),
    "gamma_forward": Decimal("0.1"),
    "gamma_backward": Decimal("0.1"),
}


@dataclass(frozen=True, slots=True)
class CredWeights:
    """How an organization weighs its records. Every weight is a decimal ≥ 0."""

    activities: Mapping[str, Decimal] = field(default_factory=dict)  # set explicitly
    default_activity: Decimal = Decimal(1)  # any activity not listed
    claim: Decimal = Decimal(1)  # an accepted claim mints this
    gift: Decimal = Decimal(1)  # a gift of all of one's points mints this
    edges: Mapping[str, EdgeWeight] = field(default_factory=lambda: dict(DEFAULT_EDGES))
    params: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_PARAMS))
    recorded: tuple[str, ...] = ()  # the activities the organization has recorded (to show)

    def activity(self, name: str) -> Decimal:
        return self.activities.get(name, self.default_activity)

    def effective(self) -> dict[str, Decimal]:
        """Every recorded or weighted activity, with the weight it gets."""
        names = sorted(set(self.recorded) | set(self.activities))
        return {name: self.activity(name) for name in names}

    def cred_params(self) -> Params:
        return Params(**{name: float(self.params[name]) for name in PARAMS})

    def as_json(self) -> dict[str, Any]:
        """The stored form: decimals as exact text."""
        return {
            "activities": {name: str(w) for name, w in sorted(self.activities.items())},
            "default_activity": str(self.default_activity),
            "claim": str(self.claim),
            "gift": str(self.gift),
            "edges": {
                kind: {"forward": str(e.forward), "backward": str(e.backward)}
                for kind, e in self.edges.items()
            },
            "params": {name: str(self.params[name]) for name in PARAMS},
        }


def _weight(value: Any, where: str, *, upper: Decimal = MAX_WEIGHT) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise InvalidInput("cred.bad_weight", f"{where} must be a decimal number ≥ 0", field=where)
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(
            "cred.bad_weight",
            f"{where} must be a decimal number ≥ 0, not {str(value)[:40]!r}",
            field=where,
        ) from None
    if not number.is_finite() or number < 0 or number > upper:
        raise InvalidInput(
            "cred.bad_weight", f"{where} must be a decimal number from 0 to {upper}", field=where
        )
    return number.normalize() if number == number.to_integral() else number


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput("cred.bad_weight", f"{where} must be an object", field=where)
    return value


def updated(current: CredWeights, changes: Mapping[str, Any]) -> CredWeights:
    """``current`` with ``changes`` applied (the stored JSON shape, any part of it); an
    activity set to None goes back to the default weight. Refuses anything else, naming it."""
    changes = _mapping(changes, "weights")
    known = {"activities", "default_activity", "claim", "gift", "edges", "params"}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise InvalidInput(
            "cred.unknown_weight",
            f"weights.{unknown[0]}: not a weight (known: {', '.join(sorted(known))})",
            field=f"weights.{unknown[0]}",
        )
    activities = dict(current.activities)
    for name, value in _mapping(changes.get("activities", {}), "activities").items():
        label = name.strip() if isinstance(name, str) else ""
        if not label or len(label) > MAX_ACTIVITY:
            raise InvalidInput(
                "cred.bad_activity",
                f"an activity's name must be 1 to {MAX_ACTIVITY} characters",
                field="activities",
            )
        if value is None:
            activities.pop(label, None)
        else:
            activities[label] = _weight(value, f"activities.{label}")
    edges = dict(current.edges)
    for kind, value in _mapping(changes.get("edges", {}), "edges").items():
        if kind not in EDGE_KINDS:
            raise InvalidInput(
                "cred.unknown_weight",
                f"edges.{kind}: not an edge (known: {', '.join(EDGE_KINDS)})",
                field=f"edges.{kind}",
            )
        parts = _mapping(value, f"edges.{kind}")
        extra = sorted(set(parts) - {"forward", "backward"})
        if extra:
            raise InvalidInput(
                "cred.unknown_weight",
                f"edges.{kind}.{extra[0]}: an edge has a forward and a backward weight",
                field=f"edges.{kind}.{extra[0]}",
            )
        edges[kind] = EdgeWeight(
            _weight(parts.get("forward", edges[kind].forward), f"edges.{kind}.forward"),
            _weight(parts.get("backward", edges[kind].backward), f"edges.{kind}.backward"),
        )
    params = dict(current.params)
    for name, value in _mapping(changes.get("params", {}), "params").items():
        if name not in PARAMS:
            raise InvalidInput(
                "cred.unknown_weight",
                f"params.{name}: not a parameter (known: {', '.join(PARAMS)})",
                field=f"params.{name}",
            )
        params[name] = _weight(value, f"params.{name}", upper=Decimal(1))
    result = CredWeights(
        activities=activities,
        default_activity=_weight(
            changes.get("default_activity", current.default_activity), "default_activity"
        ),
        claim=_weight(changes.get("claim", current.claim), "claim"),
        gift=_weight(changes.get("gift", current.gift), "gift"),
        edges=edges,
        params=params,
        recorded=current.recorded,
    )
    result.cred_params().checked("params")
    if result.params["beta"] == 0:
        # β is the part of a member's week that is paid out as cred: at 0 nobody gets any.
        raise InvalidInput(
            "cred.bad_param",
            "params.beta must be above 0: it pays members their cred",
            "params.beta",
        )
    return result


def from_json(stored: Mapping[str, Any] | None) -> CredWeights:
    """Stored settings → weights; anything missing takes its default."""
    return CredWeights() if stored is None else updated(CredWeights(), stored)


@dataclass(frozen=True, slots=True)
class OrgRecords:
    """What the organization recorded, as parallel columns. Days count from 1970-01-01 (UTC).

    ``member_ids`` sorted; every member id below appears in it."""

    member_ids: Ints
    # contributions
    contribution_ids: Ints
    contribution_members: Ints
    contribution_days: Ints
    activities: Sequence[str]
    hours_hundredths: Ints  # −1: no hours recorded
    source_keys: Sequence[str | None]
    # contribution_links
    link_contributions: Ints
    link_targets: Sequence[str]
    # claims settled at a round's close, and the contributions they cite
    claim_ids: Ints
    claim_members: Ints
    claim_days: Ints
    cite_claims: Ints
    cite_contributions: Ints
    # gifts of closed epochs (to members who had not opted out)
    gift_epochs: Ints
    gift_givers: Ints
    gift_receivers: Ints
    gift_points: Ints
    gift_points_per_member: Ints
    gift_days: Ints


@dataclass(frozen=True, slots=True)
class OrgGraph:
    graph: CredGraph
    params: Params
    starts: Ints  # ms, each week's Sunday 00:00 UTC
    end: int
    first_sunday: int  # day number of starts[0]
    kind: Ints  # per node, one of MEMBER…DECISION
    row: Ints  # per node: its (first) contribution row, claim row or gift row; −1 else
    refs: list[str]  # per node, as a source is named ("contribution:12", "git:…", "claim:7")
    minted: float


def sunday_of(days: Ints) -> Ints:
    return days - (days - THURSDAY) % 7


def _i(values: Sequence[int] | Ints) -> Ints:
    return np.asarray(values, dtype=np.int64)


def _keyed(contributions: Ints, keys: Sequence[str | None]) -> npt.NDArray[np.str_]:
    # One string per row: its source key, or its own id. A comprehension over the column is
    # the one per-row step; bench/org_cred.py measures it with the rest.
    return np.array(
        [
            k if k is not None else f"contribution:{i}"
            for i, k in zip(contributions.tolist(), keys, strict=True)
        ]
    )


def _split(src: Ints, weight: float) -> Floats:
    """``weight`` shared evenly among each source node's edges of one kind."""
    if src.size == 0:
        return np.zeros(0)
    _, inverse, counts = np.unique(src, return_inverse=True, return_counts=True)
    return weight / counts[inverse]


def _unique_pairs(a: Ints, b: Ints) -> tuple[Ints, Ints, Ints]:
    """Distinct (a, b) pairs, and for each the index of its first occurrence."""
    if a.size == 0:
        return a, b, a
    # Node numbers are small: a pair is one integer, and 1-d unique is far faster than rows'.
    code = a * (int(b.max()) + 1) + b
    _, first = np.unique(code, return_index=True)
    first = np.sort(first)
    return a[first], b[first], first


def build(records: OrgRecords, weights: CredWeights, *, in_period: bool = False) -> OrgGraph:
    """The contribution graph of ``records`` (those of a period asked for: ``in_period``).

    Raises ``cred.nothing_to_score`` when no member can receive cred or nothing mints."""
    r = records
    members = _i(r.member_ids)
    n_members = members.size

    def member_rank(ids: Ints) -> Ints:
        return np.searchsorted(members, ids).astype(np.int64)

    # Contribution nodes: one per source key (or per contribution without one).
    c_ids = _i(r.contribution_ids)
    keys = _keyed(c_ids, r.source_keys) if c_ids.size else np.array([], dtype=str)
    node_keys, first_row, group = np.unique(keys, return_index=True, return_inverse=True)
    group = group.astype(np.int64).reshape(-1)
    n_contrib = node_keys.size
    names, activity_code = np.unique(np.asarray(r.activities, dtype=str), return_inverse=True)
    activity_weight = np.array([float(weights.activity(str(a))) for a in names.tolist()])
    hours = _i(r.hours_hundredths)
    per_row = activity_weight[activity_code.reshape(-1)] if c_ids.size else np.zeros(0)
    per_row = per_row * np.where(hours >= 0, hours / 100.0, 1.0)
    contrib_mint = np.zeros(n_contrib)
    np.maximum.at(contrib_mint, group, per_row)
    contrib_day = np.full(n_contrib, np.iinfo(np.int64).max)
    c_days = _i(r.contribution_days)
    np.minimum.at(contrib_day, group, c_days)
    contrib_first = n_members

    # Links: artifacts (anything but another contribution) and "builds on" edges.
    row_of = np.argsort(c_ids, kind="stable")
    sorted_ids = c_ids[row_of]

    def row_of_ids(ids: Ints) -> Ints:
        """The row of each contribution id, −1 for an id not among the records."""
        if sorted_ids.size == 0 or ids.size == 0:
            return np.full(ids.size, -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(sorted_ids, ids), sorted_ids.size - 1)
        return np.where(sorted_ids[at] == ids, row_of[at], -1).astype(np.int64)

    link_rows = row_of_ids(_i(r.link_contributions))
    targets = np.asarray(r.link_targets, dtype=str)
    present = link_rows >= 0
    link_rows, targets = link_rows[present], targets[present]
    is_built_on = np.char.startswith(targets, "contribution:") if targets.size else present[:0]
    art_rows, art_targets = link_rows[~is_built_on], targets[~is_built_on]
    artifact_names, artifact_code = np.unique(art_targets, return_inverse=True)
    artifact_first = contrib_first + n_contrib
    n_artifacts = artifact_names.size
    touch_src, touch_dst, _ = _unique_pairs(
        contrib_first + group[art_rows], artifact_first + artifact_code.reshape(-1).astype(np.int64)
    )
    built_rows = link_rows[is_built_on]
    built_ids = np.array(
        [_int_or_minus(t[len("contribution:") :]) for t in targets[is_built_on].tolist()],
        dtype=np.int64,
    )
    built_target_rows = row_of_ids(built_ids)
    known = built_target_rows >= 0
    b_src = contrib_first + group[built_rows[known]]
    b_dst = contrib_first + group[built_target_rows[known]]
    not_self = b_src != b_dst
    build_src, build_dst, _ = _unique_pairs(b_src[not_self], b_dst[not_self])

    # Authorship: one edge per (node, distinct author).
    auth_src, auth_member, auth_first = _unique_pairs(
        contrib_first + group, member_rank(_i(r.contribution_members))
    )
    auth_day = c_days[auth_first] if auth_first.size else c_days[:0]

    # Claims settled at a round's close.
    claim_first = artifact_first + n_artifacts
    cl_ids = _i(r.claim_ids)
    n_claims = cl_ids.size
    claim_order = np.argsort(cl_ids, kind="stable")
    sorted_claims = cl_ids[claim_order]
    cite_claims = _i(r.cite_claims)
    at = np.searchsorted(sorted_claims, cite_claims)
    at = np.minimum(at, max(n_claims - 1, 0))
    cite_ok = (sorted_claims[at] == cite_claims) if n_claims else np.zeros(cite_claims.size, bool)
    cite_rows = row_of_ids(_i(r.cite_contributions))
    cite_ok &= cite_rows >= 0
    cite_src, cite_dst, _ = _unique_pairs(
        claim_first + claim_order[at[cite_ok]].astype(np.int64),
        contrib_first + group[cite_rows[cite_ok]],
    )
    claim_member = member_rank(_i(r.claim_members))
    claim_day = _i(r.claim_days)

    # Gifts of closed epochs.
    gift_first = claim_first + n_claims
    n_gifts = len(r.gift_epochs)
    per_member = np.maximum(_i(r.gift_points_per_member), 1)
    gift_mint = float(weights.gift) * _i(r.gift_points) / per_member
    gift_member = member_rank(_i(r.gift_receivers))
    gift_day = _i(r.gift_days)

    n_nodes = gift_first + n_gifts
    kind = np.concatenate(
        [
            np.full(n_members, MEMBER),
            np.full(n_contrib, CONTRIBUTION),
            np.full(n_artifacts, ARTIFACT),
            np.full(n_claims, CLAIM),
            np.full(n_gifts, GIFT),
        ]
    ).astype(np.int64)
    row = np.concatenate(
        [
            np.full(n_members, -1),
            first_row.astype(np.int64),
            np.full(n_artifacts, -1),
            np.arange(n_claims),
            np.arange(n_gifts),
        ]
    ).astype(np.int64)
    weight = np.concatenate(
        [
            np.zeros(n_members + 0),
            contrib_mint,
            np.zeros(n_artifacts),
            np.full(n_claims, float(weights.claim)),
            gift_mint,
        ]
    )
    gift_refs = [
        f"gift:epoch:{e}:from:{g}"
        for e, g in zip(_i(r.gift_epochs).tolist(), _i(r.gift_givers).tolist(), strict=True)
    ]
    refs = [
        *(f"member:{m}" for m in members.tolist()),
        *node_keys.tolist(),
        *artifact_names.tolist(),
        *(f"claim:{c}" for c in cl_ids.tolist()),
        *gift_refs,
    ]
    ids = [
        *refs[:gift_first],
        *(f"{ref}:to:{m}" for ref, m in zip(gift_refs, _i(r.gift_receivers).tolist(), strict=True)),
    ]

    # Every edge touching a member, at noon of its day.
    e = weights.edges
    claim_nodes = claim_first + np.arange(n_claims, dtype=np.int64)
    gift_nodes = gift_first + np.arange(n_gifts, dtype=np.int64)
    member_days = np.concatenate([auth_day, claim_day, gift_day])
    src = np.concatenate([auth_src, claim_nodes, gift_nodes, touch_src, build_src, cite_src])
    dst = np.concatenate([auth_member, claim_member, gift_member, touch_dst, build_dst, cite_dst])
    forward = np.concatenate(
        [
            np.full(auth_src.size, float(e["authored"].forward)),
            np.full(n_claims, float(e["claimant"].forward)),
            np.ones(n_gifts),
            _split(touch_src, float(e["touches"].forward)),
            _split(build_src, float(e["builds_on"].forward)),
            _split(cite_src, float(e["cites"].forward)),
        ]
    )
    backward = np.concatenate(
        [
            np.full(auth_src.size, float(e["authored"].backward)),
            np.full(n_claims, float(e["claimant"].backward)),
            np.zeros(n_gifts),
            np.full(touch_src.size, float(e["touches"].backward)),
            np.full(build_src.size, float(e["builds_on"].backward)),
            np.full(cite_src.size, float(e["cites"].backward)),
        ]
    )
    untimed = src.size - member_days.size
    node_day = np.full(n_nodes, np.iinfo(np.int64).min)
    node_day[contrib_first:artifact_first] = contrib_day

    if member_days.size == 0 or not (weight > 0).any():
        raise InvalidInput(
            "cred.nothing_to_score",
            "nothing to score: the organization has no contribution, accepted claim or closed "
            "epoch's gift that weighs anything" + (" in this period" if in_period else ""),
            field="organization",
        )
    # The weeks span the records, not the period asked for: a period reaching back to year 1
    # costs nothing more than the records it holds.
    first_day, last_day = int(member_days.min()), int(member_days.max())
    first_sunday = int(sunday_of(np.array([first_day]))[0])
    last_sunday = int(sunday_of(np.array([last_day]))[0])
    starts = np.arange(first_sunday, last_sunday + 1, 7, dtype=np.int64) * DAY_MS
    end = (last_sunday + 7) * DAY_MS
    edge_time = np.concatenate(
        [member_days * DAY_MS + NOON_MS, np.full(untimed, np.iinfo(np.int64).min)]
    ).astype(np.int64)
    node_time = np.where(
        node_day == np.iinfo(np.int64).min, node_day, node_day * DAY_MS + NOON_MS
    ).astype(np.int64)

    graph = CredGraph(
        ids=ids,
        weight=weight,
        participant=kind == MEMBER,
        node_time=node_time,
        src=src.astype(np.int64),
        dst=dst.astype(np.int64),
        edge_time=edge_time,
        forward=forward,
        backward=backward,
    )
    return OrgGraph(
        graph=graph,
        params=weights.cred_params(),
        starts=starts,
        end=end,
        first_sunday=first_sunday,
        kind=kind,
        row=row,
        refs=refs,
        minted=float(weight.sum()),
    )


def _int_or_minus(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 19 else -1


@dataclass(frozen=True, slots=True)
class OrgScores:
    per_week: Floats  # members (in member_ids order) × weeks
    inflows: Inflows  # what entered each member-week from each node (score units)
    steps: int


def score(built: OrgGraph) -> OrgScores:
    """CredRank on the graph: each member's cred per week, and what flowed into it from where.

    The same walk as :func:`partage.core.cred.credrank.credrank`, kept open so that the flows
    into each member-week can be read from the same transition matrix and distribution."""
    process = markov_process(built.graph.checked(), built.params.checked(), built.starts, built.end)
    if not (process.transition[process.epoch_first :, : process.seed].count_nonzero()):
        # Edges reach members only with a forward weight: all of them at 0, nothing does.
        raise InvalidInput(
            "cred.nothing_to_score",
            "nothing to score: no cred can reach a member (the edges to members weigh 0)",
            field="edges",
        )
    pi, steps = stationary(process)
    scores = pi / pi[process.accumulators].sum() * process.mint_total
    k = process.intervals
    epoch = scores[process.epoch_first :].reshape(len(process.participants), k)
    payout = np.broadcast_to(
        np.asarray(process.payout, dtype=np.float64).reshape(-1), (epoch.size,)
    )
    per_week = epoch * payout.reshape(epoch.shape)
    flows = inflows(process, scores)
    # A member nothing flows into keeps only what the walk's uniform start left them (some
    # 1e-40): that is zero cred, said as zero.
    reached = np.zeros(len(process.participants), dtype=bool)
    reached[flows.participant] = True
    per_week[~reached] = 0.0
    return OrgScores(per_week=per_week, inflows=flows, steps=steps)
