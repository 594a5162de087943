"""Prefix weights found by range over sorted addresses equal the product written out."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.cred.sourcecred import prefix_products

parts = st.sampled_from(["a", "b", "ab", "", "z", "é"])
addresses = st.lists(st.lists(parts, min_size=1, max_size=4), max_size=30)
prefixes = st.dictionaries(
    st.lists(parts, max_size=4).map(tuple), st.sampled_from([0.0, 0.5, 2.0, 3.0]), max_size=6
)


def naive(address: list[str], weights: dict[tuple[str, ...], float]) -> float:
    product = 1.0
    for prefix, weight in weights.items():
        if tuple(address[: len(prefix)]) == prefix:
            product *= weight
    return product


@given(addresses, prefixes, st.booleans())
def test_every_address_weighs_the_product_of_its_prefixes(
    found: list[list[str]], weights: dict[tuple[str, ...], float], in_order: bool
) -> None:
    listed = sorted(found) if in_order else found
    expected = [naive(a, weights) for a in listed]
    as_rows = {prefix: (weight,) for prefix, weight in weights.items()}
    assert prefix_products(listed, as_rows)[:, 0].tolist() == pytest.approx(expected)


def test_a_prefix_weight_covers_longer_addresses_only_where_they_match() -> None:
    found = [["x", "a"], ["x", "a", "b"], ["x", "ab"], ["y"]]
    random.Random(1).shuffle(found)
    weights = {("x", "a"): (2.0, 1.0), ("x",): (3.0, 0.5), ("x", "a", "b"): (5.0, 1.0)}
    products = prefix_products(found, weights, columns=2)
    by_address = dict(zip(map(tuple, found), products[:, 0].tolist(), strict=True))
    assert by_address == {("x", "a"): 6.0, ("x", "a", "b"): 30.0, ("x", "ab"): 3.0, ("y",): 1.0}
    assert sorted(products[:, 1].tolist()) == [0.5, 0.5, 0.5, 1.0]  # the second weights
