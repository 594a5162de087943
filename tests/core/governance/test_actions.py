"""An action a proposal carries: read strictly, turned back into the same mapping."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partage.core.errors import InvalidInput
from partage.core.governance.actions import as_mapping, parse, summary

ACTIONS = st.one_of(
    st.builds(lambda p: {"kind": "set_public_page", "public": p}, st.booleans()),
    st.builds(
        lambda e, h: {"kind": "open_round", "name": "Été", "envelope": e, "window_hours": h},
        st.integers(0, 10**12),
        st.integers(1, 366 * 24),
    ),
    st.builds(
        lambda m, c: {"kind": "change_college", "member_id": m, "college": c},
        st.integers(1, 10**6),
        st.sampled_from(["Lieux", "Soutiens"]),
    ),
    st.builds(
        lambda h, d: {"kind": "fill_role", "name": "Trésorière", "holder_id": h, "term_days": d},
        st.integers(1, 10**6),
        st.integers(1, 3660),
    ),
)


@given(ACTIONS)
def test_an_action_reads_back_as_itself(raw: dict[str, Any]) -> None:
    action = parse(raw)
    assert as_mapping(action) == raw
    assert parse(as_mapping(action)) == action
    assert summary(action)


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        (
            {"kind": "open_round", "name": "R", "envelope": -5, "window_hours": 1},
            "action.negative_envelope",
            "action.envelope",
        ),
        (
            {"kind": "open_round", "name": "R", "envelope": 1.5, "window_hours": 1},
            "action.bad_value",
            "action.envelope",
        ),
        (
            {"kind": "open_round", "name": "R", "window_hours": 1},
            "action.missing_field",
            "action.envelope",
        ),
        ({"kind": "set_public_page", "public": "yes"}, "action.bad_value", "action.public"),
        ({"kind": "remove_member", "member_id": True}, "action.bad_value", "action.member_id"),
        (
            {"kind": "set_college_weights", "weights": {"a": "60", "b": "60"}},
            "action.weights_sum",
            "action.weights",
        ),
        (
            {"kind": "set_college_weights", "weights": {"a": "-1", "b": "101"}},
            "action.bad_weight",
            "action.weights.a",
        ),
        ({"kind": "set_round_envelope", "round_id": 1}, "action.missing_field", "action.envelope"),
        (
            {"kind": "set_round_envelope", "round_id": 1, "envelope": -5},
            "action.negative_envelope",
            "action.envelope",
        ),
        (
            {"kind": "set_round_window", "round_id": 0, "window_hours": 5},
            "action.bad_value",
            "action.round_id",
        ),
        ({"kind": "set_commission_rate", "rate": "5"}, "action.missing_field", "action.status"),
        (
            {"kind": "set_commission_rate", "status": "producer", "rate": "100.5"},
            "action.bad_value",
            "action.rate",
        ),
        (
            {"kind": "set_commission_rate", "status": "producer", "rate": 0.1},
            "action.bad_value",
            "action.rate",
        ),
        (
            {
                "kind": "set_commission_rate",
                "status": "producer",
                "rate": "5",
                "effective_from": "demain",
            },
            "action.bad_value",
            "action.effective_from",
        ),
        (
            {"kind": "fill_role", "name": "R", "holder_id": 1, "term_days": 0},
            "action.bad_value",
            "action.term_days",
        ),
        ({"name": "R"}, "action.unknown_kind", "action.kind"),
    ],
)
def test_a_bad_action_is_refused_naming_its_field(
    raw: dict[str, Any], code: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse(raw)
    assert (caught.value.code, caught.value.field) == (code, field)
