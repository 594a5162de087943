"""The layout of a Sankey diagram: nodes in columns, links as wide as the money they carry.

Given columns of nodes (each with a value) and links between nodes of neighbouring columns,
:func:`layout` places everything on a canvas of ``width`` × ``height``:

* one scale for the whole diagram — ``scale = (height − gaps of the fullest column) / largest
  column total`` — so that a node's height and a link's width are ``value × scale`` everywhere,
  and the same amount is drawn the same size in every column;
* the nodes of a column are stacked from the top in the order given, ``gap`` apart; they
  never overlap and never leave the canvas;
* the links leaving a node are stacked down its right edge in the order of their targets,
  the links entering a node down its left edge in the order of their sources, so that
  ribbons do not cross needlessly; the widths of the links leaving (or entering) a node
  add up to its height exactly when its value equals the sum of those links.

Arithmetic is exact (fractions); coordinates are rounded to 1/100 of a unit only when read,
which is finer than any screen. Values are non-negative integers (minor units); a link of
zero is kept (width 0) so that the caller's figures stay complete. No I/O, no drawing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from partage.core.errors import InvalidInput


def _point(value: Fraction) -> float:
    return round(float(value), 2)


def _svg(value: float) -> str:
    """A coordinate as SVG reads it, without trailing zeros ("214", "190.5")."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class Node:
    key: str
    column: int
    value: int
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        return round(self.y + self.height / 2, 2)


@dataclass(frozen=True, slots=True)
class Link:
    source: str
    target: str
    value: int
    width: float
    # The ribbon's top edge where it leaves its source and where it reaches its target.
    x0: float
    y0: float
    x1: float
    y1: float

    def path(self) -> str:
        """The ribbon as an SVG path: two cubic curves joined by the nodes' edges."""
        x0, y0, x1, y1 = (_svg(v) for v in (self.x0, self.y0, self.x1, self.y1))
        mid = _svg((self.x0 + self.x1) / 2)
        b0 = _svg(self.y0 + self.width)
        b1 = _svg(self.y1 + self.width)
        top = f"M{x0},{y0} C{mid},{y0} {mid},{y1} {x1},{y1}"
        return f"{top} L{x1},{b1} C{mid},{b1} {mid},{b0} {x0},{b0} Z"


@dataclass(frozen=True, slots=True)
class Layout:
    width: int
    height: int
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]

    def node(self, key: str) -> Node:
        return next(n for n in self.nodes if n.key == key)


def _check_value(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput("sankey.bad_value", f"{what}: a value is a non-negative integer")
    return value


def layout(
    columns: Sequence[Sequence[tuple[str, int]]],
    links: Sequence[tuple[str, str, int]],
    *,
    width: int = 900,
    height: int = 420,
    node_width: int = 14,
    gap: int = 10,
) -> Layout:
    """Place ``columns`` of ``(key, value)`` nodes and ``(source, target, value)`` links."""
    column_of: dict[str, int] = {}
    values: dict[str, int] = {}
    for index, column in enumerate(columns):
        for key, value in column:
            if key in column_of:
                raise InvalidInput("sankey.duplicate_node", f"node '{key}' is named twice")
            column_of[key] = index
            values[key] = _check_value(value, key)
    for source, target, value in links:
        _check_value(value, f"{source} → {target}")
        if source not in column_of or target not in column_of:
            raise InvalidInput("sankey.unknown_node", f"a link names an unknown node: {source}")
        if column_of[target] != column_of[source] + 1:
            raise InvalidInput("sankey.bad_link", f"{source} → {target} skips or goes back")
    if len(columns) < 2 or width <= node_width * len(columns) or height <= 0:
        raise InvalidInput("sankey.bad_canvas", "a diagram has two columns or more and room")

    free = min(
        (Fraction(height - gap * (len(c) - 1)) for c in columns if c), default=Fraction(height)
    )
    if free <= 0:
        raise InvalidInput("sankey.bad_canvas", "too many nodes in a column for the height")
    largest = max((sum(v for _, v in c) for c in columns), default=0)
    scale = free / largest if largest else Fraction(0)
    step = Fraction(width - node_width, len(columns) - 1)

    top: dict[str, Fraction] = {}
    nodes = []
    for index, column in enumerate(columns):
        y = Fraction(0)
        x = step * index
        for key, value in column:
            top[key] = y
            size = value * scale
            nodes.append(
                Node(key, index, value, _point(x), _point(y), float(node_width), _point(size))
            )
            y += size + gap

    order = {key: i for i, key in enumerate(k for c in columns for k, _ in c)}
    out_edge = dict(top)
    in_edge = dict(top)
    start: dict[int, Fraction] = {}
    for i in sorted(range(len(links)), key=lambda i: (order[links[i][0]], order[links[i][1]])):
        source, _, value = links[i]
        start[i] = out_edge[source]
        out_edge[source] += value * scale
    placed = []
    for i in sorted(range(len(links)), key=lambda i: (order[links[i][1]], order[links[i][0]])):
        source, target, value = links[i]
        end = in_edge[target]
        in_edge[target] += value * scale
        placed.append(
            (
                i,
                Link(
                    source,
                    target,
                    value,
                    _point(value * scale),
                    _point(step * column_of[source] + node_width),
                    _point(start[i]),
                    _point(step * column_of[target]),
                    _point(end),
                ),
            )
        )
    return Layout(
        width=width,
        height=height,
        nodes=tuple(nodes),
        links=tuple(link for _, link in sorted(placed, key=lambda p: p[0])),
    )
