"""Simulations: JSON or YAML in, exact results out, clear errors for bad specs."""

from __future__ import annotations

import json

import pytest

from partage.core.errors import InvalidInput
from partage.services import simulation

SPEC = {
    "currency": "EUR",
    "budget": "1000.00",
    "contributions": [
        {"recipient": "alice", "activity": "dev", "hours": "10"},
        {"recipient": "bob", "activity": "design", "hours": "5"},
    ],
    "models": [
        {"type": "rate_grid", "rates": {"dev": "20.00", "design": "30.00"}},
        {"type": "proportional", "by": "hours"},
    ],
}


def test_json_and_yaml_give_the_same_results() -> None:
    from_json = simulation.run_bytes(json.dumps(SPEC).encode())
    yaml_text = """
currency: EUR
budget: 1000.00
contributions:
  - {recipient: alice, activity: dev, hours: 10}
  - {recipient: bob, activity: design, hours: 5}
models:
  - type: rate_grid
    rates: {dev: 20.00, design: 30.00}
  - {type: proportional, by: hours}
"""
    assert simulation.run_bytes(yaml_text.encode()) == from_json
    assert [r["model"] for r in from_json["results"]] == ["rate_grid", "proportional"]
    assert from_json["results"][1]["allocations"] == {"alice": "666.67", "bob": "333.33"}


def test_json_decimals_are_read_exactly() -> None:
    spec = b'{"currency": "EUR", "budget": 0.3, "models": [{"type": "proportional", "weights": {"a": 0.1, "b": 0.2}}]}'
    assert simulation.run_bytes(spec)["results"][0]["allocations"] == {"a": "0.10", "b": "0.20"}


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (b"{not json", "spec.malformed", "spec"),
        (b"- just\n- a list\n", "spec.not_an_object", "spec"),
        (
            b'{"currency": "EUR", "budget": "1", "models": [], "extra": 1}',
            "spec.unknown_field",
            "spec.extra",
        ),
        (
            b'{"currency": "XYZ", "budget": "1", "models": [{"type": "proportional"}]}',
            "currency.unknown",
            "currency",
        ),
        (
            b'{"currency": "EUR", "budget": "1.001", "models": [{"type": "proportional"}]}',
            "spec.too_many_decimals",
            "budget",
        ),
        (
            b'{"currency": "EUR", "budget": "-1", "models": [{"type": "proportional"}]}',
            "spec.negative",
            "budget",
        ),
        (b'{"currency": "EUR", "budget": NaN, "models": []}', "spec.not_a_number", "spec"),
        (
            b'{"currency": "EUR", "budget": "1", "contributions": [{"hours": "1"}], "models": [{"type": "proportional"}]}',
            "spec.required",
            "contributions[0].recipient",
        ),
        (
            b'{"currency": "EUR", "budget": "1", "models": [{"type": "proportional", "by": "hours"}], "gifts": [{"from": "a", "to": "a", "points": 3}]}',
            "spec.self_gift",
            "gifts[0]",
        ),
        (b"\xff\xfe", "spec.encoding", "spec"),
    ],
)
def test_bad_specs_name_the_field_and_rule(data: bytes, code: str, field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        simulation.run_bytes(data)
    assert (err.value.code, err.value.field) == (code, field)
