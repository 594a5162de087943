"""The Sankey layout: a worked example, then properties over any flows of three columns."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.errors import InvalidInput
from partage.core.sankey import layout


def test_a_sale_of_100_split_three_ways() -> None:
    # 100 € of sales: 80 paid to the parties, 15 commission (10 operations, 5 reserve),
    # 5 to a project. Canvas 414 × 220, gap 10: the middle column has 3 nodes, so 200 units
    # of height for 100 € — 2 units a euro (in minor units: 0.02 a cent).
    drawn = layout(
        [
            [("sales", 10_000)],
            [("net", 8_000), ("commission", 1_500), ("shares", 500)],
            [("parties", 8_000), ("operations", 1_000), ("reserve", 500), ("project", 500)],
        ],
        [
            ("sales", "net", 8_000),
            ("sales", "commission", 1_500),
            ("sales", "shares", 500),
            ("net", "parties", 8_000),
            ("commission", "operations", 1_000),
            ("commission", "reserve", 500),
            ("shares", "project", 500),
        ],
        width=414,
        height=230,
        node_width=14,
        gap=10,
    )
    # The fullest column (4 destinations) leaves 230 − 30 = 200 units for 100 €.
    assert drawn.node("sales").height == 200
    assert (drawn.node("net").y, drawn.node("net").height) == (0, 160)
    assert (drawn.node("commission").y, drawn.node("commission").height) == (170, 30)
    assert (drawn.node("shares").y, drawn.node("shares").height) == (210, 10)
    assert drawn.node("project").y == 160 + 10 + 20 + 10 + 10 + 10
    assert [n.x for n in drawn.nodes[:4]] == [0, 200, 200, 200]
    assert drawn.node("parties").x == 400
    commission = next(link for link in drawn.links if link.target == "commission")
    # Leaves the sales node below the 160 of "net", reaches the top of "commission".
    assert (commission.x0, commission.y0, commission.x1, commission.y1) == (14, 160, 200, 170)
    assert commission.width == 30
    reserve = next(link for link in drawn.links if link.target == "reserve")
    assert (reserve.y0, reserve.y1, reserve.width) == (190, 200, 10)
    assert reserve.path() == (
        "M214,190 C307,190 307,200 400,200 L400,210 C307,210 307,200 214,200 Z"
    )


def test_links_are_returned_in_the_order_given() -> None:
    drawn = layout(
        [[("a", 3), ("b", 1)], [("c", 2), ("d", 2)]],
        [("b", "d", 1), ("a", "c", 2), ("a", "d", 1)],
        width=100,
        height=50,
    )
    assert [(link.source, link.target) for link in drawn.links] == [
        ("b", "d"),
        ("a", "c"),
        ("a", "d"),
    ]
    # "d" receives from "a" first (above), then from "b".
    a_d, b_d = drawn.links[2], drawn.links[0]
    assert a_d.y1 < b_d.y1


@pytest.mark.parametrize(
    ("columns", "links", "code"),
    [
        ([[("a", 1)], [("a", 1)]], [], "sankey.duplicate_node"),
        ([[("a", -1)], [("b", 1)]], [], "sankey.bad_value"),
        ([[("a", 1)], [("b", 1)]], [("a", "z", 1)], "sankey.unknown_node"),
        ([[("a", 1)], [("b", 1)]], [("b", "a", 1)], "sankey.bad_link"),
        ([[("a", 1)]], [], "sankey.bad_canvas"),
    ],
)
def test_refusals(columns: list, links: list, code: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidInput) as refused:
        layout(columns, links)
    assert refused.value.code == code


def test_an_empty_period_draws_flat_nodes() -> None:
    drawn = layout([[("a", 0)], [("b", 0)]], [("a", "b", 0)], width=100, height=40)
    assert [n.height for n in drawn.nodes] == [0, 0]
    assert drawn.links[0].width == 0


@st.composite
def three_columns(draw: st.DrawFn) -> tuple[list, list]:  # type: ignore[type-arg]
    """Sales → parts → destinations, every node's value the sum of its links."""
    parts = draw(st.integers(1, 3))
    part_destinations = [
        draw(st.lists(st.integers(0, 10**9), min_size=1, max_size=4)) for _ in range(parts)
    ]
    middle = [(f"p{i}", sum(values)) for i, values in enumerate(part_destinations)]
    last = [
        (f"d{i}.{j}", value)
        for i, values in enumerate(part_destinations)
        for j, value in enumerate(values)
    ]
    total = sum(v for _, v in middle)
    links = [("t", key, value) for key, value in middle] + [
        (f"p{i}", f"d{i}.{j}", value)
        for i, values in enumerate(part_destinations)
        for j, value in enumerate(values)
    ]
    return [[("t", total)], middle, last], links


@given(three_columns(), st.integers(2, 40))
def test_properties(flows: tuple[list, list], gap: int) -> None:  # type: ignore[type-arg]
    columns, links = flows
    drawn = layout(columns, links, width=900, height=600, gap=gap)
    total = columns[0][0][1]
    for node in drawn.nodes:
        # Inside the canvas (to the rounding of 1/100).
        assert node.y >= -0.01 and node.y + node.height <= 600.02
        assert 0 <= node.x <= 900 - node.width
        if total:
            # Proportional to its value, on one scale.
            assert node.height == pytest.approx(
                drawn.nodes[0].height * node.value / total, abs=0.02
            )
    for column in range(3):
        stacked = [n for n in drawn.nodes if n.column == column]
        for upper, lower in itertools.pairwise(stacked):
            assert upper.y + upper.height + gap <= lower.y + 0.02
    for node in drawn.nodes:
        leaving = [link for link in drawn.links if link.source == node.key]
        if leaving:
            assert sum(link.width for link in leaving) == pytest.approx(node.height, abs=0.05)
            assert leaving[0].y0 == node.y
        entering = [link for link in drawn.links if link.target == node.key]
        if entering:
            assert entering[0].y1 == node.y
            last = entering[-1]
            assert last.y1 + last.width == pytest.approx(node.y + node.height, abs=0.05)
