"""The sentence saying where a member's cred came from."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from partage.core.cred_wording import PHRASES, SHOWN, came_from, percent_text


def test_sources_are_named_largest_first_with_their_share() -> None:
    text = came_from([("design, 3 h", 1.0), ("commit 1a2b3c4: Fix parser", 3.0)], "en")
    assert text == (
        "Your cred in these weeks came from commit 1a2b3c4: Fix parser (75 %) "
        "and design, 3 h (25 %)."
    )


def test_beyond_the_shown_sources_the_rest_is_counted_together() -> None:
    sources = [(f"c{i}", float(10 - i)) for i in range(6)]
    text = came_from(sources, "fr")
    assert text.startswith("Votre cred de ces semaines vient de : c0 (22 %); c1 (20 %); c2 (18 %)")
    assert text.endswith(" et 3 autre(s) source(s) (40 %).")


def test_no_source_says_so_and_zero_sources_are_left_out() -> None:
    assert came_from([], "en") == PHRASES["en"]["nothing"]
    assert came_from([("idle", 0.0)], "fr") == PHRASES["fr"]["nothing"]


def test_a_tiny_positive_share_is_not_shown_as_zero() -> None:
    assert percent_text(0.001, 100.0) == "< 1 %"
    assert percent_text(0.0, 100.0) == "0 %"


@given(st.lists(st.floats(min_value=0.001, max_value=1e6), min_size=1, max_size=12))
def test_every_positive_source_is_either_named_or_counted(creds: list[float]) -> None:
    labels = [f"s{i}" for i in range(len(creds))]
    for language in PHRASES:
        text = came_from(list(zip(labels, creds, strict=True)), language)
        named = sum(f"{label} (" in text for label in labels)
        assert named == min(len(creds), SHOWN)
        if len(creds) > SHOWN:
            assert f"{len(creds) - SHOWN} " in text
