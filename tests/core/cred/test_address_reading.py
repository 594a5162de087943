"""Addresses read from a graph file's JSON by array operations equal what a JSON parser reads.

SourceCred writes each address as ``["part","part",…]``; partage turns many of them into one
buffer of NUL-joined parts without making a Python object per address. Any array it cannot
read that way (escapes, spaces, a part that is a lone comma…) is read by msgspec instead.
"""

from __future__ import annotations

import msgspec
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from partage.core.cred.sourcecred import Addresses
from partage.services.sourcecred_instance import _addresses, _canonical

parts = st.sampled_from(["a", "bc", "", "é", "x,y", "[", "]", ",", '"', "\\", "日本", " ", "N"])
arrays = st.lists(st.lists(parts, min_size=1, max_size=5), min_size=1, max_size=8)


def raw(addresses: list[list[str]], *, spaced: bool = False) -> list[msgspec.Raw]:
    text = msgspec.json.encode(addresses)
    if spaced:  # laid out over lines, as a person might write a plain graph file
        text = msgspec.json.format(text, indent=1)
    return msgspec.json.decode(text, type=list[msgspec.Raw])


def same(found: Addresses, expected: Addresses) -> None:
    assert found.arrow().to_pylist() == expected.arrow().to_pylist()
    for name in ("offsets", "nuls", "first"):
        assert np.array_equal(getattr(found, name), getattr(expected, name)), name


@given(arrays, st.booleans())
def test_addresses_read_as_a_json_parser_reads_them(
    addresses: list[list[str]], spaced: bool
) -> None:
    expected = Addresses.of(addresses)
    same(_addresses(raw(addresses, spaced=spaced)), expected)
    fast = _canonical(raw(addresses, spaced=spaced))
    if fast is not None:
        same(fast, expected)


def test_plain_addresses_take_the_array_way_and_odd_ones_do_not() -> None:
    assert _canonical(raw([["sourcecred", "github", "USER", "x"], ["a"]])) is not None
    for odd in ([["a", ","]], [["a\\b"]], [['say "hi"']]):
        assert _canonical(raw(odd)) is None
    assert _canonical(raw([["a", "b"]], spaced=True)) is None


def test_an_address_is_cut_to_its_first_parts() -> None:
    found = Addresses.of([["a", "b"], ["c"], ["d", "e", "f"]])
    which, cuts = found.cut(2)
    assert which.tolist() == [0, 2] and cuts.to_pylist()[0::2] == ["a\0b", "d\0e"]
    assert Addresses.joined(
        [Addresses.of([["a", "b"]]), Addresses.of([["c"]])]
    ).arrow().to_pylist() == [
        "a\0b",
        "c",
    ]


def test_one_graph_is_numbered_as_several_are() -> None:
    from partage.core.cred.sourcecred import PluginGraph, _numbered

    def plugin(addresses: list[list[str]], nodes: list[int]) -> PluginGraph:
        none = np.zeros(0, dtype=np.int64)
        return PluginGraph(
            addresses=Addresses.of(addresses),
            node_index=np.array(nodes, dtype=np.int64),
            node_time=np.zeros(len(nodes), dtype=np.int64),
            edge_addresses=Addresses.of([]),
            edge_src=none,
            edge_dst=none,
            edge_time=none,
        )

    one = plugin([["a"], ["b", "c"], ["d"], ["e"]], [3, 0, 1])  # "d" is no node
    empty = plugin([], [])
    aliases = ["b\0c", "zz", "e"]
    alone, together = _numbered([one], aliases), _numbered([one, empty], aliases)
    assert alone[0] == together[0] == ["e", "a", "b\0c"]
    assert alone[1][0].tolist() == together[1][0].tolist() == [0, 1, 2]
    assert alone[2][0].tolist() == together[2][0].tolist() == [1, 2, -1, 0]
    assert alone[3].tolist() == together[3].tolist() == [2, -1, 0]
