"""The organization's contribution graph: records in, nodes, edges and cred out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partage.core import org_graph
from partage.core.cred.credrank import stationary
from partage.core.cred.markov import markov_process
from partage.core.cred_sources import attributed, inflows, received
from partage.core.errors import InvalidInput
from partage.core.org_graph import CONTRIBUTION, CredWeights, OrgRecords, build, score

MONDAY = date(2026, 3, 2).toordinal() - date(1970, 1, 1).toordinal()


def i64(values: Sequence[int]) -> np.ndarray[Any, np.dtype[np.int64]]:
    return np.asarray(values, dtype=np.int64)


def records(
    contributions: Sequence[tuple[int, int, int, str, int, str | None]] = (),
    *,
    members: Sequence[int] = (1, 2, 3),
    links: Sequence[tuple[int, str]] = (),
    claims: Sequence[tuple[int, int, int]] = (),
    cites: Sequence[tuple[int, int]] = (),
    gifts: Sequence[tuple[int, int, int, int, int, int]] = (),
) -> OrgRecords:
    """contributions: (id, member, day, activity, hours hundredths or −1, source key);
    claims: (id, member, day); gifts: (epoch, giver, receiver, points, per member, day)."""
    c = list(zip(*contributions, strict=True)) or [()] * 6
    k = list(zip(*claims, strict=True)) or [()] * 3
    g = list(zip(*gifts, strict=True)) or [()] * 6
    return OrgRecords(
        member_ids=i64(members),
        contribution_ids=i64(c[0]),
        contribution_members=i64(c[1]),
        contribution_days=i64(c[2]),
        activities=list(c[3]),
        hours_hundredths=i64(c[4]),
        source_keys=list(c[5]),
        link_contributions=i64([contribution for contribution, _ in links]),
        link_targets=[target for _, target in links],
        claim_ids=i64(k[0]),
        claim_members=i64(k[1]),
        claim_days=i64(k[2]),
        cite_claims=i64([claim for claim, _ in cites]),
        cite_contributions=i64([contribution for _, contribution in cites]),
        gift_epochs=i64(g[0]),
        gift_givers=i64(g[1]),
        gift_receivers=i64(g[2]),
        gift_points=i64(g[3]),
        gift_points_per_member=i64(g[4]),
        gift_days=i64(g[5]),
    )


def cred_of(recs: OrgRecords, weights: CredWeights | None = None) -> dict[int, float]:
    built = build(recs, weights or CredWeights())
    totals = score(built).per_week.sum(axis=1)
    return {int(m): float(c) for m, c in zip(recs.member_ids, totals, strict=True)}


def test_more_and_heavier_work_gets_more_cred_and_idle_members_get_none() -> None:
    recs = records(
        [
            (1, 1, MONDAY, "design", 300, None),  # 3 hours
            (2, 2, MONDAY, "design", 100, None),  # 1 hour
            (3, 2, MONDAY + 1, "code", -1, None),  # no hours: one unit
        ]
    )
    cred = cred_of(recs)
    assert cred[1] == pytest.approx(3, rel=1e-4)
    assert cred[2] == pytest.approx(2, rel=1e-4)
    assert cred[3] == 0.0


def test_members_cred_adds_up_to_what_was_minted() -> None:
    recs = records(
        [(i, 1 + i % 3, MONDAY + 3 * i, "code", 50 * i, None) for i in range(1, 12)],
        links=[(i, f"file:src/{i % 4}.py") for i in range(1, 12)],
        claims=[(1, 2, MONDAY + 20)],
        cites=[(1, 3), (1, 4)],
        gifts=[(1, 1, 3, 40, 100, MONDAY + 30)],
    )
    built = build(recs, CredWeights())
    per_week = score(built).per_week
    assert built.minted == pytest.approx(sum(0.5 * i for i in range(1, 12)) + 1 + 0.4)
    # To the walk's precision: it stops once no probability moves by 1e-7.
    assert per_week.sum() == pytest.approx(built.minted, rel=1e-5)


def test_an_activity_weighted_zero_gives_nothing_and_weights_reorder() -> None:
    recs = records([(1, 1, MONDAY, "design", 200, None), (2, 2, MONDAY, "code", 100, None)])
    assert cred_of(recs)[1] > cred_of(recs)[2]
    heavy_code = CredWeights(activities={"code": Decimal(3)})
    assert cred_of(recs, heavy_code)[2] > cred_of(recs, heavy_code)[1]
    no_design = CredWeights(activities={"design": Decimal(0)})
    cred = cred_of(recs, no_design)
    assert cred[1] == 0.0 and cred[2] == pytest.approx(1, rel=1e-4)


def test_a_shared_source_key_is_one_node_split_among_its_coauthors() -> None:
    recs = records(
        [
            (1, 1, MONDAY, "commit", -1, "git:abc"),
            (2, 2, MONDAY, "commit", -1, "git:abc"),
            (3, 3, MONDAY, "commit", -1, "git:def"),
        ]
    )
    built = build(recs, CredWeights())
    assert int((built.kind == CONTRIBUTION).sum()) == 2
    assert built.minted == 2
    assert sorted(r for r, k in zip(built.refs, built.kind, strict=True) if k == CONTRIBUTION) == [
        "git:abc",
        "git:def",
    ]
    cred = cred_of(recs)
    assert cred[1] == pytest.approx(0.5, rel=1e-4)
    assert cred[2] == pytest.approx(cred[1], rel=1e-9)
    assert cred[3] == pytest.approx(1, rel=1e-4)


def test_later_work_on_a_file_sends_cred_back_to_earlier_work_on_it() -> None:
    contributions = [
        (1, 1, MONDAY, "code", -1, None),  # member 1 wrote the file first
        (2, 2, MONDAY + 14, "code", 800, None),  # member 2 worked on it a lot later
    ]
    alone = cred_of(records(contributions))
    linked = cred_of(records(contributions, links=[(1, "file:a.py"), (2, "file:a.py")]))
    assert linked[1] > alone[1] * 1.2
    assert linked[2] < alone[2]
    assert sum(linked.values()) == pytest.approx(sum(alone.values()), rel=1e-6)


def test_building_on_a_contribution_sends_it_cred() -> None:
    contributions = [(1, 1, MONDAY, "research", -1, None), (2, 2, MONDAY + 7, "code", 400, None)]
    alone = cred_of(records(contributions))
    built_on = cred_of(records(contributions, links=[(2, "contribution:1")]))
    assert built_on[1] > alone[1] * 1.2
    unknown = cred_of(records(contributions, links=[(2, "contribution:99")]))
    assert unknown == pytest.approx(alone, rel=1e-9)


def test_accepted_claims_and_gifts_reward_their_claimant_and_receiver() -> None:
    work = [(1, 1, MONDAY, "care", 100, None)]
    claimed = cred_of(records(work, claims=[(5, 2, MONDAY + 3)]))
    assert claimed[2] == pytest.approx(1, rel=1e-4)
    gifted = cred_of(records(work, gifts=[(1, 1, 3, 25, 100, MONDAY + 4)]))
    assert gifted[3] == pytest.approx(0.25, rel=1e-4)
    assert cred_of(records(work, gifts=[(1, 1, 3, 25, 100, MONDAY)]), CredWeights(gift=Decimal(4)))[
        3
    ] == pytest.approx(1, rel=1e-4)


def test_claims_and_gifts_count_in_a_period_without_contributions() -> None:
    # The cited contribution is outside the records (another period): the claim is the
    # claimant's alone.
    cred = cred_of(
        records(claims=[(5, 2, MONDAY)], cites=[(5, 1)], gifts=[(1, 1, 3, 50, 100, MONDAY)])
    )
    assert cred[2] == pytest.approx(1, rel=1e-4)
    assert cred[3] == pytest.approx(0.5, rel=1e-4)
    assert cred[1] == 0.0


def test_a_claim_citing_work_shares_its_recognition_with_the_work() -> None:
    recs = records(
        [(1, 1, MONDAY, "care", 100, None)],
        claims=[(5, 2, MONDAY + 3)],
        cites=[(5, 1)],
    )
    cred = cred_of(recs)
    # The claim sends (1 − α) of what it holds, half to its claimant and half to the cited
    # work, which passes (1 − α) of it on to its author: with α = 0.1 and both minting 1, the
    # claim holds 1 share, the work 1 + 0.45, and the cred splits as 0.45 : 0.9 × 1.45.
    expected = 2 * 0.45 / (0.45 + 0.9 * 1.45)
    assert cred[2] == pytest.approx(expected, rel=1e-5)
    assert cred[1] == pytest.approx(2 - expected, rel=1e-5)


def test_days_fall_in_their_week_from_sunday_to_saturday() -> None:
    sunday, saturday = MONDAY - 1, MONDAY + 5
    built = build(
        records([(1, 1, sunday, "a", -1, None), (2, 2, saturday, "a", -1, None)]), CredWeights()
    )
    assert built.first_sunday == sunday
    assert len(built.starts) == 1
    per_week = score(built).per_week
    assert per_week.shape == (3, 1)


def test_nothing_to_score_is_said_clearly() -> None:
    with pytest.raises(InvalidInput) as empty:
        build(records(), CredWeights())
    assert empty.value.code == "cred.nothing_to_score"
    weightless = CredWeights(default_activity=Decimal(0))
    with pytest.raises(InvalidInput) as zero:
        build(records([(1, 1, MONDAY, "a", 100, None)]), weightless)
    assert zero.value.code == "cred.nothing_to_score"
    unreachable = org_graph.updated(CredWeights(), {"edges": {"authored": {"forward": 0}}})
    with pytest.raises(InvalidInput) as cut:
        score(build(records([(1, 1, MONDAY, "a", 100, None)]), unreachable))
    assert cut.value.code == "cred.nothing_to_score" and cut.value.field == "edges"


def test_flows_into_each_member_week_are_what_came_in_besides_the_webbing() -> None:
    recs = records(
        [(i, 1 + i % 3, MONDAY + 2 * i, "code", 100 + 10 * i, None) for i in range(1, 15)],
        links=[(i, f"file:{i % 3}") for i in range(1, 15)],
        claims=[(1, 2, MONDAY + 9)],
        cites=[(1, 2)],
        gifts=[(1, 2, 1, 10, 100, MONDAY + 11)],
    )
    built = build(recs, CredWeights())
    process = markov_process(built.graph, built.params, built.starts, built.end)
    pi, _ = stationary(process)
    scores = pi / pi[process.accumulators].sum() * process.mint_total
    flows = inflows(process, scores)
    k = process.intervals
    n = len(process.participants)
    # Independently: an epoch node's inflow from everything, less what its own weeks sent it.
    t = process.transition.toarray()
    epochs = slice(process.epoch_first, process.size)
    from_graph = t[epochs, : process.seed] @ scores[: process.seed]
    assert received(flows, n, k).reshape(-1) == pytest.approx(from_graph, rel=1e-12, abs=1e-15)
    everything = t[epochs, :] @ scores
    webbing = t[epochs, epochs] @ scores[epochs]
    assert from_graph == pytest.approx(everything - webbing, rel=1e-9, abs=1e-15)
    # Flows name the graph nodes they came from: contributions, the claim, the gift.
    kinds = {int(built.kind[node]) for node in flows.node.tolist()}
    assert kinds == {org_graph.CONTRIBUTION, org_graph.CLAIM, org_graph.GIFT}
    # Attributed, they sum to each member's cred.
    totals = score(built).per_week.sum(axis=1)
    shares = attributed(flows, totals)
    per_member = np.bincount(flows.participant, weights=shares, minlength=n)
    assert per_member == pytest.approx(totals, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 4), st.integers(0, 40), st.sampled_from(["a", "b"])),
        min_size=1,
        max_size=12,
    ),
    st.randoms(use_true_random=False),
)
def test_the_order_of_the_records_does_not_change_anyones_cred(
    rows: list[tuple[int, int, str]], shuffle: Any
) -> None:
    contributions = [(i + 1, m, MONDAY + d, a, 100, None) for i, (m, d, a) in enumerate(rows)]
    links = [(i + 1, f"file:{d % 3}") for i, (_, d, _) in enumerate(rows)]
    first = cred_of(records(contributions, members=(1, 2, 3, 4), links=links))
    shuffle.shuffle(contributions)
    shuffle.shuffle(links)
    again = cred_of(records(contributions, members=(1, 2, 3, 4), links=links))
    assert again == pytest.approx(first, rel=1e-9, abs=1e-12)
    assert sum(first.values()) == pytest.approx(len(rows), rel=1e-5)


def test_weights_are_decimals_at_least_zero_and_named_when_refused() -> None:
    base = CredWeights()
    changed = org_graph.updated(
        base, {"activities": {"design": "1.5"}, "claim": 2, "params": {"alpha": "0.2"}}
    )
    assert changed.activity("design") == Decimal("1.5")
    assert changed.activity("other") == 1
    assert changed.claim == 2
    assert changed.cred_params().alpha == 0.2
    assert org_graph.from_json(changed.as_json()) == replace(changed, recorded=())
    assert org_graph.updated(changed, {"activities": {"design": None}}).activity("design") == 1
    for bad, where in (
        ({"activities": {"design": "-1"}}, "activities.design"),
        ({"activities": {"design": "lots"}}, "activities.design"),
        ({"activities": {"design": True}}, "activities.design"),
        ({"gift": "NaN"}, "gift"),
        ({"edges": {"touches": {"forward": "-0.5"}}}, "edges.touches.forward"),
        ({"edges": {"likes": {"forward": "1"}}}, "edges.likes"),
        ({"params": {"beta": "1.5"}}, "params.beta"),
        ({"params": {"alpha": "0.6", "beta": "0.4"}}, "params"),
        ({"params": {"beta": "0"}}, "params.beta"),
        ({"colour": "1"}, "weights.colour"),
    ):
        with pytest.raises(InvalidInput) as refused:
            org_graph.updated(base, bad)
        assert refused.value.field == where, bad
