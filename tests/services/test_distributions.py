"""Distributions over the organization's contributions: preview, compare, post."""

from __future__ import annotations

import pytest

from partage.core import chart
from partage.core.errors import Forbidden, InvalidInput, NotFound
from partage.services import contributions, distributions, ledger
from tests.conftest import Community

GRID = {"type": "rate_grid", "rates": {"Animation": "30.00", "Accueil": "20.00"}}


def record(c: Community) -> None:
    for who, activity, hours, day in (
        (c.bruno, "Animation", "10", "2026-02-02"),
        (c.chloe, "Accueil", "5", "2026-02-10"),
        (c.dario, "Animation", "2.5", "2026-01-15"),
    ):
        with c.uow() as u:
            contributions.record(
                u, actor=who, activity=activity, occurred_on=day, hours=hours, now=c.clock()
            )


def test_preview_compares_models_on_a_period(community: Community) -> None:
    c = community
    record(c)
    with c.uow(readonly=True) as u:
        seen = distributions.preview(
            u,
            actor=c.bruno,
            models=[GRID, {"type": "proportional", "by": "hours"}],
            data=distributions.source(since="2026-02-01"),
            budget=100_000,
        )
    grid, hours = seen.results
    b, ch = str(c.bruno.member.id), str(c.chloe.member.id)
    assert seen.contributions == 2  # Dario's January work is outside the period
    assert grid["allocations"] == {b: "300.00", ch: "100.00"}
    assert grid["unallocated"] == "600.00"
    assert hours["allocations"] == {b: "666.67", ch: "333.33"}
    assert seen.names[b] == "Bruno"


def test_running_posts_one_balanced_entry_with_explanations(community: Community) -> None:
    c = community
    record(c)
    with c.uow() as u:
        done = distributions.run(
            u,
            actor=c.admin,
            model=GRID,
            data=distributions.source(),
            budget=50_000,
            fund="commons",
            now=c.clock(),
        )
    assert done.paid == 47_500 and done.unallocated == 2_500
    with c.uow(readonly=True) as u:
        [posted] = [
            e
            for e in ledger.journal(u, actor=c.admin)
            if e.entry.cause == f"distribution:{done.id}"
        ]
        assert posted.seq == done.entry_seq
        owed = ledger.balance_of(u, actor=c.admin, account=chart.member_account(c.bruno.member.id))
        assert owed.minor == 30_000
        assert (
            ledger.balance_of(u, actor=c.admin, account=chart.COMMONS).minor == 1_000_000 - 47_500
        )
        assert ledger.check(u, actor=c.admin).ok
        again = distributions.distribution(u, actor=c.chloe, distribution_id=done.id)
    bruno = str(c.bruno.member.id)
    assert again.result["language"] == "en"
    assert "10 h × 30.00 EUR" in again.result["explanations"][bruno]
    # Every member reads why in their language: the same run, recorded in French too.
    assert again.result["explanations_fr"].keys() == again.result["explanations"].keys()
    assert "10 h × 30,00 EUR" in again.result["explanations_fr"][bruno]
    assert "versé : 300,00 EUR" in again.result["explanations_fr"][bruno]


def test_a_preview_explains_in_the_language_asked(community: Community) -> None:
    c = community
    record(c)
    with c.uow(readonly=True) as u:
        seen = distributions.preview(
            u,
            actor=c.bruno,
            models=[{"type": "proportional", "by": "hours"}],
            data=distributions.source(since="2026-02-01"),
            budget=100_000,
            language="fr",
        )
    [hours] = seen.results
    assert hours["language"] == "fr"
    assert hours["explanations"][str(c.bruno.member.id)].startswith("heures 10 sur 15 (66,67 %)")
    with pytest.raises(InvalidInput) as err, c.uow(readonly=True) as u:
        distributions.preview(
            u,
            actor=c.bruno,
            models=[{"type": "proportional"}],
            data=distributions.source(),
            budget=1,
            language="de",
        )
    assert err.value.code == "distribution.bad_language"


def test_value_equation_can_feed_the_commons(community: Community) -> None:
    c = community
    record(c)
    model = {
        "type": "value_equation",
        "buckets": [{"percentage": "20", "recipient": "commons"}, {"percentage": "80"}],
    }
    with c.uow() as u:
        done = distributions.run(
            u,
            actor=c.admin,
            model=model,
            data=distributions.source(),
            budget=10_000,
            fund="commons",
            now=c.clock(),
        )
    assert done.result["allocations"]["commons"] == "20.00"
    with c.uow(readonly=True) as u:
        assert ledger.check(u, actor=c.admin).ok


@pytest.mark.parametrize(
    ("who", "kwargs", "error", "code"),
    [
        ("bruno", {}, Forbidden, "role.not_admin"),
        ("admin", {"budget": 0}, InvalidInput, "amount.zero"),
        ("admin", {"budget": 2_000_000_00}, InvalidInput, "distribution.insufficient_fund"),
        ("admin", {"model": {"type": "peer_allocation"}}, InvalidInput, "distribution.bad_model"),
        (
            "admin",
            {"model": {"type": "rate_grid", "rates": "x"}},
            InvalidInput,
            "spec.not_an_object",
        ),
        ("admin", {"fund": "member:2"}, InvalidInput, "distribution.bad_fund"),
    ],
)
def test_bad_distributions_write_nothing(
    community: Community, who: str, kwargs: dict[str, object], error: type, code: str
) -> None:
    c = community
    record(c)
    actor = c.admin if who == "admin" else c.bruno
    args: dict[str, object] = {
        "model": GRID,
        "data": distributions.source(),
        "budget": 10_000,
        "fund": "commons",
    }
    args.update(kwargs)
    if code == "distribution.insufficient_fund":
        args["model"] = {"type": "proportional", "by": "hours"}
    with pytest.raises(error) as err, c.uow() as u:
        distributions.run(u, actor=actor, now=c.clock(), **args)  # type: ignore[arg-type]
    assert err.value.code == code
    with c.uow(readonly=True) as u:
        assert distributions.distributions(u, actor=c.admin) == []
        assert not [
            e for e in ledger.journal(u, actor=c.admin) if e.entry.cause.startswith("distribution")
        ]
    with pytest.raises(NotFound), c.uow(readonly=True) as u:
        distributions.distribution(u, actor=c.admin, distribution_id=1)


def test_a_value_equation_values_work_at_the_given_rates(community: Community) -> None:
    c = community
    record(c)
    model = {
        "type": "value_equation",
        "buckets": [{"percentage": "10", "recipient": "commons"}, {"percentage": "90"}],
        "rates": {"Animation": "30.00", "Accueil": "20.00"},
    }
    with c.uow(readonly=True) as u:
        [seen] = distributions.preview(
            u,
            actor=c.admin,
            models=[model],
            data=distributions.source(since="2026-02-01"),
            budget=100_000,
        ).results
    assert seen["allocations"] == {
        str(c.bruno.member.id): "675.00",
        str(c.chloe.member.id): "225.00",
        "commons": "100.00",
    }


def test_grain_over_scores_catches_up_with_what_was_paid(community: Community) -> None:
    c = community
    b, ch, d = (str(w.member.id) for w in (c.bruno, c.chloe, c.dario))
    csv_text = f"member,w1,w2\nBruno,20,30\nChloé,10,20\n{d},5,15\n".encode()
    with c.uow(readonly=True) as u:
        scores = distributions.scores_from_csv(u, actor=c.admin, data=csv_text)
    assert scores == {b: ["20", "30"], ch: ["10", "20"], d: ["5", "15"]}
    balanced = {"type": "grain", "policy": "balanced"}
    with c.uow() as u:
        first = distributions.run(
            u,
            actor=c.admin,
            model={"type": "grain", "policy": "immediate"},
            data=distributions.source(scores={b: ["100"], ch: ["0"], d: ["0"]}),
            budget=10_000,
            fund="commons",
            now=c.clock(),
        )
    assert first.result["allocations"] == {b: "100.00", ch: "0.00", d: "0.00"}
    # Scores 50 / 30 / 20 and 100.00 already paid to Bruno: a budget of 100.00 goes 0 / 60 / 40.
    with c.uow() as u:
        second = distributions.run(
            u,
            actor=c.admin,
            model=balanced,
            data=distributions.source(scores=scores),
            budget=10_000,
            fund="commons",
            now=c.clock(),
        )
    assert second.result["allocations"] == {b: "0.00", ch: "60.00", d: "40.00"}
    with c.uow(readonly=True) as u:
        assert ledger.check(u, actor=c.admin).ok
    for bad, code in (
        (b"name,w1\nBruno,1\n", "scores.bad_header"),
        (b"member,w1\nNobody,1\n", "scores.unknown_member"),
        (b"member,w1\nBruno,1,2\n", "scores.malformed"),
    ):
        with pytest.raises(InvalidInput) as err, c.uow(readonly=True) as u:
            distributions.scores_from_csv(u, actor=c.admin, data=bad)
        assert err.value.code == code
    with pytest.raises(InvalidInput) as err, c.uow(readonly=True) as u:
        distributions.preview(
            u, actor=c.admin, models=[balanced], data=distributions.source(), budget=100
        )
    assert err.value.code == "distribution.no_scores"
    with pytest.raises(InvalidInput) as err, c.uow(readonly=True) as u:
        distributions.preview(
            u,
            actor=c.admin,
            models=[balanced],
            data=distributions.source(scores={"99": ["1"]}),
            budget=100,
        )
    assert err.value.code == "distribution.unknown_member"


def test_a_period_without_contributions_pays_nothing(community: Community) -> None:
    c = community
    record(c)
    with c.uow(readonly=True) as u:
        seen = distributions.preview(
            u,
            actor=c.admin,
            models=[GRID, {"type": "proportional", "by": "hours"}],
            data=distributions.source(since="2030-01-01"),
            budget=10_000,
        )
    assert seen.contributions == 0
    assert [r["unallocated"] for r in seen.results] == ["100.00", "100.00"]


@pytest.mark.parametrize(
    ("data", "code", "params"),
    [
        (b"member\nBruno\n", "scores.bad_header", {}),
        (b"member,w1\n\n", "scores.empty", {}),
        (b"member,w1\nBruno,1\nbruno,2\n", "scores.duplicate_member", {"line": 3, "cell": "bruno"}),
        (b"member,w1,w2\nBruno,1\n", "scores.malformed", {"line": 2, "cells": 2, "columns": 3}),
        (
            b"member,w1\nBruno,1e3\n",
            "scores.not_a_number",
            {"line": 2, "column": "w1", "cell": "1e3"},
        ),
        (b"member,w1\nChlo\xe9,1\n", "scores.encoding", {}),
    ],
)
def test_a_scores_csv_is_refused_naming_its_line(
    community: Community, data: bytes, code: str, params: dict[str, object]
) -> None:
    with pytest.raises(InvalidInput) as err, community.uow(readonly=True) as u:
        distributions.scores_from_csv(u, actor=community.admin, data=data)
    assert (err.value.code, err.value.field, err.value.params) == (code, "scores", params)


def test_empty_score_cells_count_zero(community: Community) -> None:
    c = community
    with c.uow(readonly=True) as u:
        found = distributions.scores_from_csv(
            u, actor=c.admin, data="\ufeffmember,w1,w2\nBruno,,2.5\n".encode()
        )
    assert found == {str(c.bruno.member.id): ["0", "2.5"]}
