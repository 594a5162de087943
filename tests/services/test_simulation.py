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


def write(folder, name: str, text: str):  # type: ignore[no-untyped-def]
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_large_sections_from_csv_and_json_lines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    write(
        tmp_path,
        "c.csv",
        "recipient,activity,kind,hours,quantity,rate\nalice,dev,time,10,,\nbob,design,time,2.5,,\ncarol,chairs,non_cash,,3,\n",
    )
    write(
        tmp_path,
        "g.jsonl",
        '{"from": "alice", "to": "bob", "points": 60}\n\n{"from": "bob", "to": "alice", "points": 40}\n',
    )
    spec = {
        "currency": "EUR",
        "budget": "1000.00",
        "contributions": "c.csv",
        "gifts": "g.jsonl",
        "models": [
            {"type": "rate_grid", "rates": {"dev": "20.00", "design": "30.00", "chairs": "15.50"}},
            {"type": "peer_allocation"},
            {"type": "value_equation", "buckets": [{"percentage": "100"}]},
        ],
    }
    path = write(tmp_path, "spec.json", json.dumps(spec))
    grid, peers, equation = simulation.run_file(path)["results"]
    assert grid["allocations"] == {"alice": "200.00", "bob": "75.00", "carol": "46.50"}
    assert peers["allocations"] == {"alice": "400.00", "bob": "600.00"}
    assert equation["model"] == "value_equation"
    # The same contributions inline give the same results.
    inline = {
        **spec,
        "gifts": [
            {"from": "alice", "to": "bob", "points": 60},
            {"from": "bob", "to": "alice", "points": 40},
        ],
        "contributions": [
            {"recipient": "alice", "activity": "dev", "hours": "10"},
            {"recipient": "bob", "activity": "design", "hours": "2.5"},
            {"recipient": "carol", "activity": "chairs", "kind": "non_cash", "quantity": "3"},
        ],
    }
    assert simulation.run(inline)["results"] == [grid, peers, equation]


@pytest.mark.parametrize(
    ("csv_text", "code", "field"),
    [
        ("recipient,hours\nalice,ten\n", "spec.not_a_number", "contributions[0].hours"),
        ("recipient,hours\n,1\n", "spec.required", "contributions[0].recipient"),
        ("recipient,hours,colour\nalice,1,red\n", "spec.unknown_field", "contributions.colour"),
        ("recipient,kind,hours\nalice,dream,1\n", "spec.bad_kind", "contributions[0].kind"),
        ("recipient,amount\nalice,1.001\n", "spec.too_many_decimals", "contributions[0].amount"),
        ("recipient,hours\nalice,1,2\n", "spec.malformed", "contributions"),
        ("", "spec.empty", "contributions"),
    ],
)
def test_bad_section_files_name_the_row(tmp_path, csv_text: str, code: str, field: str) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path, "c.csv", csv_text)
    path = write(
        tmp_path,
        "spec.json",
        json.dumps(
            {
                "currency": "EUR",
                "budget": "1",
                "contributions": "c.csv",
                "models": [{"type": "proportional"}],
            }
        ),
    )
    with pytest.raises(InvalidInput) as err:
        simulation.run_file(path)
    assert (err.value.code, err.value.field) == (code, field)


def test_file_sections_need_a_spec_file() -> None:
    with pytest.raises(InvalidInput) as err:
        simulation.run(
            {
                "currency": "EUR",
                "budget": "1",
                "contributions": "c.csv",
                "models": [{"type": "proportional"}],
            }
        )
    assert err.value.code == "spec.file_section"


GRAIN_INLINE = {
    "currency": "EUR",
    "budget": "100.00",
    "scores": {"alice": ["0.5", "1.5"], "bob": ["1", "0"], "carol": ["0", "0.25"]},
    "paid": {"alice": "10.00", "dan": "5.00"},
    "models": [{"type": "grain", "policy": "balanced"}, {"type": "grain", "policy": "immediate"}],
}


def test_scores_and_paid_from_csv_and_json_lines_match_inline(tmp_path) -> None:  # type: ignore[no-untyped-def]
    inline = simulation.run(GRAIN_INLINE)
    # CSV: the recipients in any order, an empty cell is 0, rows of one payee add up.
    write(tmp_path, "scores.csv", "recipient,week 1,week 2\nbob,1,\ncarol,0,0.25\nalice,0.5,1.5\n")
    write(tmp_path, "paid.csv", "recipient,amount\ndan,5\nalice,4.00\nalice,6\n")
    spec = {**GRAIN_INLINE, "scores": "scores.csv", "paid": "paid.csv"}
    assert simulation.run_file(write(tmp_path, "a.json", json.dumps(spec))) == inline
    write(
        tmp_path,
        "scores.jsonl",
        '{"recipient": "alice", "scores": ["0.5", 1.5]}\n'
        '{"recipient": "bob", "scores": [1, "0"]}\n\n'
        '{"recipient": "carol", "scores": [0, 0.25]}\n',
    )
    write(
        tmp_path,
        "paid.jsonl",
        '{"recipient": "alice", "amount": "10.00"}\n{"recipient": "dan", "amount": 5}\n',
    )
    spec = {**GRAIN_INLINE, "scores": "scores.jsonl", "paid": "paid.jsonl"}
    assert simulation.run_file(write(tmp_path, "b.json", json.dumps(spec))) == inline
    balanced = inline["results"][0]
    assert balanced["allocations"]["dan"] == "0.00"
    assert "already paid 10.00 EUR" in balanced["explanations"]["alice"]


@pytest.mark.parametrize(
    ("name", "text", "code", "field"),
    [
        ("scores.csv", "recipient,w1\nalice,high\n", "spec.not_a_number", "scores[0].w1"),
        ("scores.csv", "recipient,w1\nalice,-1\n", "spec.not_a_number", "scores[0].w1"),
        ("scores.csv", "recipient,w1\nalice,1\nalice,2\n", "spec.duplicate", "scores[1].recipient"),
        ("scores.csv", "recipient,w1\n,1\n", "spec.required", "scores[0].recipient"),
        ("scores.csv", "member,w1\nalice,1\n", "spec.required", "scores.recipient"),
        ("scores.csv", "recipient,w1,w1\nalice,1,2\n", "spec.malformed", "scores"),
        ("scores.csv", "recipient,w1\nalice,1,2\n", "spec.malformed", "scores"),
        (
            "scores.jsonl",
            '{"recipient": "a", "scores": [1, 2]}\n{"recipient": "b", "scores": [1]}\n',
            "spec.ragged_scores",
            "scores",
        ),
        ("scores.jsonl", '{"recipient": "a", "score": [1]}\n', "spec.malformed", "scores"),
    ],
)
def test_bad_score_files_name_the_row(
    tmp_path, name: str, text: str, code: str, field: str
) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path, name, text)
    spec = {
        "currency": "EUR",
        "budget": "1",
        "scores": name,
        "models": [{"type": "grain", "policy": "immediate"}],
    }
    with pytest.raises(InvalidInput) as err:
        simulation.run_file(write(tmp_path, "spec.json", json.dumps(spec)))
    assert (err.value.code, err.value.field) == (code, field)


@pytest.mark.parametrize(
    ("text", "code", "field"),
    [
        ("recipient,amount\nalice,1.001\n", "spec.too_many_decimals", "paid.amount"),
        ("recipient,amount\nalice,lots\n", "spec.not_a_number", "paid[0].amount"),
        ("recipient\nalice\n", "spec.required", "paid.amount"),
        ("recipient,amount,note\nalice,1,x\n", "spec.unknown_field", "paid.note"),
    ],
)
def test_bad_paid_files_name_the_row(tmp_path, text: str, code: str, field: str) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path, "paid.csv", text)
    spec = {**GRAIN_INLINE, "paid": "paid.csv"}
    with pytest.raises(InvalidInput) as err:
        simulation.run_file(write(tmp_path, "spec.json", json.dumps(spec)))
    assert (err.value.code, err.value.field) == (code, field)
