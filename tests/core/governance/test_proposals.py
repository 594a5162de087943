"""A proposal's rules checked as a whole when it opens; roles read against the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from partage.core.errors import InvalidInput
from partage.core.governance.proposals import (
    RoleRecord,
    check_rules,
    check_weights,
    ended_reason,
    role_active,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def rules(**kw: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {
        "method": "vote",
        "threshold": None,
        "quorum": None,
        "quorum_per_college": False,
        "secret": False,
        "options": (),
        "closes_at": NOW + timedelta(days=7),
        "now": NOW,
    }
    args.update(kw)
    return check_rules(**args)  # type: ignore[arg-type]


def test_defaults_and_the_consent_window() -> None:
    assert rules().threshold == "majority"
    consent = rules(method="consent", closes_at=NOW + timedelta(days=3))
    assert (consent.threshold, consent.window) == (None, timedelta(days=3))
    assert rules(quorum="0.5").quorum == Decimal("0.5")
    assert rules(method="score", options=(" Lyon ", "Nantes")).options == ("Lyon", "Nantes")


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"closes_at": NOW}, "proposal.closes_in_past"),
        ({"closes_at": datetime(2026, 3, 9, 9, 0)}, "proposal.closes_without_zone"),
        ({"closes_at": NOW + timedelta(days=400)}, "proposal.closes_too_late"),
        ({"method": "advice", "quorum": "0.5"}, "proposal.quorum_not_used"),
        ({"method": "score", "secret": True, "options": ("a", "b")}, "proposal.secret_method"),
        ({"method": "score", "options": ("a", "a")}, "proposal.duplicate_option"),
        ({"options": ("a", "b")}, "proposal.options_not_used"),
        ({"quorum": "half"}, "proposal.quorum_range"),
        ({"threshold": "most"}, "proposal.unknown_threshold"),
        ({"quorum_per_college": True}, "proposal.quorum_missing"),
    ],
)
def test_rules_that_do_not_fit_are_refused(kw: dict[str, object], code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        rules(**kw)
    assert caught.value.code == code


def test_scic_weights_follow_the_law_and_any_weights_sum_to_100() -> None:
    check_weights({"a": Decimal(40), "b": Decimal(35), "c": Decimal(25)}, scic=True)
    with pytest.raises(InvalidInput, match="at least 3"):
        check_weights({"a": Decimal(50), "b": Decimal(50)}, scic=True)
    with pytest.raises(InvalidInput, match="'a' weighs 55 %"):
        check_weights({"a": Decimal(55), "b": Decimal(35), "c": Decimal(10)}, scic=True)
    with pytest.raises(InvalidInput, match="sum to 90"):
        check_weights({"a": Decimal(60), "b": Decimal(30)}, scic=False)


def test_a_role_ends_at_its_term_or_by_a_decision_whichever_comes_first() -> None:
    role = RoleRecord(1, "Trésorière", "", None, 2, NOW, NOW + timedelta(days=30), None, 7, None)
    assert role_active(role, NOW + timedelta(days=29))
    assert not role_active(role, NOW + timedelta(days=30))
    assert ended_reason(role, NOW + timedelta(days=30)) == "term"
    ended_early = RoleRecord(
        1, "T", "", None, 2, NOW, NOW + timedelta(days=30), NOW + timedelta(days=3), 7, 9
    )
    assert ended_reason(ended_early, NOW + timedelta(days=2)) is None
    assert ended_reason(ended_early, NOW + timedelta(days=40)) == "decision"
