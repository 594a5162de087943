"""CredRank on small graphs a person can check: conservation, silence, boundaries, errors."""

from __future__ import annotations

from typing import Any

import pytest

from partage.core.errors import InvalidInput
from partage.services.cred import published, score

WEEK = 7 * 24 * 3600 * 1000
SUNDAY = 1642896000000  # 2022-01-23 00:00 UTC, a Sunday


def graph(**extra: Any) -> dict[str, Any]:
    return {
        "nodes": [
            {"id": "c0", "timestamp_ms": SUNDAY + 1, "weight": 1},
            {"id": "c1", "timestamp_ms": SUNDAY + WEEK + 1, "weight": 3},
            {"id": "alice", "participant": True},
            {"id": "bob", "participant": True},
            {"id": "carol", "participant": True},
        ],
        "edges": [
            {"src": "c0", "dst": "alice", "timestamp_ms": SUNDAY + 1, "backward": 0},
            {"src": "c1", "dst": "bob", "timestamp_ms": SUNDAY + WEEK + 1, "backward": 0},
        ],
        **extra,
    }


def cred_of(document: dict[str, Any]) -> dict[str, Any]:
    found, params, g = score(document)
    return published(found, params, nodes=True, ids=g.ids)


def test_participants_share_what_was_minted() -> None:
    out = cred_of(graph())
    people = out["participants"]
    assert out["interval_starts"] == [SUNDAY, SUNDAY + WEEK]  # weekly, from Sunday
    total = sum(p["cred"] for p in people.values())
    assert total == pytest.approx(1 + 3, rel=1e-6)  # the minted weights
    assert people["bob"]["cred"] == pytest.approx(3 * people["alice"]["cred"], rel=1e-6)
    # Most of a contribution's cred lands in its own week; the webbing carries some over.
    assert people["alice"]["per_interval"][0] > 8 * people["alice"]["per_interval"][1] > 0
    assert people["carol"]["cred"] < 1e-12  # no edge, no cred


def test_zero_weight_edges_change_nothing() -> None:
    plain = cred_of(graph())
    extra = graph()
    extra["edges"].append(
        {"src": "c1", "dst": "carol", "timestamp_ms": SUNDAY + 5, "forward": 0, "backward": 0}
    )
    assert cred_of(extra) == plain


def test_a_time_on_a_boundary_falls_into_the_earlier_week() -> None:
    document = graph()
    document["edges"][0]["timestamp_ms"] = SUNDAY + WEEK  # exactly when week 2 starts
    alice = cred_of(document)["participants"]["alice"]["per_interval"]
    assert alice[0] > 8 * alice[1]


def test_given_intervals_and_parameters_are_used() -> None:
    document = graph(
        interval_starts=[SUNDAY, SUNDAY + 3 * WEEK],
        interval_end=SUNDAY + 6 * WEEK,
        params={"alpha": 0.2, "beta": 0.3, "gamma_forward": 0, "gamma_backward": 0},
    )
    out = cred_of(document)
    assert out["interval_starts"] == [SUNDAY, SUNDAY + 3 * WEEK]
    # No webbing: each participant's cred stays in the interval of their contribution.
    assert out["participants"]["alice"]["per_interval"][1] == pytest.approx(0, abs=1e-12)
    assert sum(p["cred"] for p in out["participants"].values()) == pytest.approx(4, rel=1e-6)


@pytest.mark.parametrize(
    ("change", "code", "says"),
    [
        (lambda d: d["edges"].append({"src": "c0", "dst": "dan"}), "cred.unknown_node", "dan"),
        (lambda d: d["nodes"][0].update(weight=-1), "cred.bad_weight", "c0"),
        (lambda d: d["edges"][0].update(forward=-2), "cred.bad_weight", "forward"),
        (lambda d: d.update(params={"alpha": 1.5}), "cred.bad_param", "alpha"),
        (lambda d: d.update(params={"alpha": 0.5, "beta": 0.6}), "cred.bad_param", "above 1"),
        (lambda d: [n.update(weight=0) for n in d["nodes"]], "cred.no_mint", "mints"),
        (lambda d: d["nodes"].append({"id": "c0"}), "cred.duplicate", "c0"),
        (
            lambda d: d["edges"][0].update(timestamp_ms=SUNDAY - WEEK),
            "cred.edge_outside",
            "edges[0]",
        ),
        (lambda d: d.update(colour="red"), "cred.bad_graph", "colour"),
    ],
)
def test_bad_graphs_are_refused_naming_the_thing(change: Any, code: str, says: str) -> None:
    document = graph()
    change(document)
    with pytest.raises(InvalidInput) as err:
        cred_of(document)
    assert err.value.code == code
    assert says in err.value.message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["edges"][0].update(dst=["alice"]), "edges[0].dst"),
        (lambda d: d["edges"][0].update(timestamp_ms=float("nan")), "edges[0].timestamp_ms"),
        (lambda d: d["nodes"][0].update(timestamp_ms=10**30), "nodes[0].timestamp_ms"),
        (lambda d: d["nodes"][0].update(weight=float("inf")), "nodes[0].weight"),
        (lambda d: d.update(interval_starts=[10**40]), "interval_starts[0]"),
    ],
)
def test_odd_values_are_refused_not_crashed_on(change: Any, field: str) -> None:
    document = graph()
    change(document)
    with pytest.raises(InvalidInput) as err:
        cred_of(document)
    assert err.value.field == field
