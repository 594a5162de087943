"""Grain over the organization's own cred: scores from the contribution graph, amounts on
the ledger, and each member told where their cred came from."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from partage.core import chart
from partage.core.errors import InvalidInput
from partage.services import contributions, distributions, ledger, org_cred
from tests.conftest import Community

GRAIN = {"type": "grain", "policy": "balanced"}


def record(c: Community) -> None:
    for who, activity, hours, day in (
        (c.bruno, "Animation", "6", "2026-02-02"),
        (c.bruno, "Accueil", "2", "2026-02-09"),
        (c.chloe, "Accueil", "3", "2026-02-10"),
        (c.dario, "Animation", "1", "2026-02-03"),
    ):
        with c.uow() as u:
            contributions.record(
                u, actor=who, activity=activity, occurred_on=day, hours=hours, now=c.clock()
            )


def test_grain_over_cred_pays_by_each_members_cred_and_says_where_it_came_from(
    community: Community,
) -> None:
    c = community
    record(c)
    with c.uow(readonly=True) as u:
        graph = org_cred.org_cred(u, actor=c.admin)
    creds = {m.member_id: sum(m.per_week) for m in graph.members}
    with c.uow() as u:
        done = distributions.run(
            u,
            actor=c.admin,
            model=GRAIN,
            data=distributions.source(cred=True),
            budget=100_000,
            fund="commons",
            now=c.clock(),
        )
    assert done.source["cred"] is True
    # Nobody was paid grain before: balanced shares the budget as the cred (to six places).
    total = sum(Fraction(repr(v)) for v in creds.values() if v > 0)
    for member_id, cred in creds.items():
        got = int(
            Fraction(done.result["allocations"].get(str(member_id), "0")) * 100
        )  # minor units
        exact = Fraction(repr(cred)) / total * 100_000 if cred > 0 else Fraction(0)
        assert abs(got - exact) <= 1
    assert done.paid == 100_000
    bruno = str(c.bruno.member.id)
    paid = {k: Fraction(v) for k, v in done.result["allocations"].items()}
    assert paid[bruno] > paid[str(c.chloe.member.id)]
    english = done.result["explanations"][bruno]
    french = done.result["explanations_fr"][bruno]
    assert "Your cred in these weeks came from " in english
    assert "Votre cred de ces semaines vient de : " in french
    # Recorded without a description, a contribution is named by what, how long and when.
    assert "Animation, 6 h, 2026-02-02 (" in english
    assert "Animation, 6 h, 2 février 2026 (" in french
    with c.uow(readonly=True) as u:
        assert ledger.check(u, actor=c.admin).ok
        owed = ledger.balance_of(u, actor=c.admin, account=chart.member_account(c.bruno.member.id))
    assert owed.minor == int(Fraction(done.result["allocations"][bruno]) * 100)


def test_balanced_catches_up_on_what_earlier_runs_paid(community: Community) -> None:
    c = community
    record(c)
    with c.uow() as u:
        first = distributions.run(
            u,
            actor=c.admin,
            model=GRAIN,
            data=distributions.source(cred=True),
            budget=50_000,
            fund="commons",
            now=c.clock(),
        )
    with c.uow() as u:  # Chloé's later work raises her cred after she was paid
        contributions.record(
            u, actor=c.chloe, activity="Accueil", occurred_on="2026-02-11", hours="9", now=c.clock()
        )
    with c.uow(readonly=True) as u:
        graph = org_cred.org_cred(u, actor=c.admin)
        seen = distributions.preview(
            u,
            actor=c.bruno,
            models=[GRAIN],
            data=distributions.source(cred=True),
            budget=10_000,
            language="fr",
        )
    paid = {k: Fraction(v) * 100 for k, v in first.result["allocations"].items()}
    cred = {
        str(m.member_id): Fraction(Decimal(repr(m.cred)).quantize(Decimal("0.000001")))
        for m in graph.members
    }
    per_cred = (sum(paid.values()) + 10_000) / sum(cred.values())
    under = {k: max(per_cred * v - paid.get(k, 0), Fraction(0)) for k, v in cred.items()}
    [result] = seen.results
    for member, behind in under.items():
        expected = behind / sum(under.values()) * 10_000
        got = Fraction(result["allocations"].get(member, "0")) * 100
        assert abs(got - expected) <= 1, (member, got, expected)
    chloe = str(c.chloe.member.id)
    # She is the one behind: she gets more than her share of cred would give her.
    assert Fraction(result["allocations"][chloe]) * 100 > cred[chloe] / sum(cred.values()) * 10_000
    idle = {str(c.admin.member.id), str(c.observer.member.id)}
    for member, text in result["explanations"].items():
        said = "Aucune contribution" if member in idle else "Votre cred de ces semaines vient de"
        assert said in text, text


def test_cred_is_only_for_grain_and_not_with_scores(community: Community) -> None:
    c = community
    record(c)
    with pytest.raises(InvalidInput) as caught, c.uow(readonly=True) as u:
        distributions.preview(
            u,
            actor=c.bruno,
            models=[{"type": "proportional", "by": "hours"}],
            data=distributions.source(cred=True),
            budget=100,
        )
    assert caught.value.code == "distribution.cred_needs_grain"
    with pytest.raises(InvalidInput) as caught:
        distributions.source(scores={"1": ["1"]}, cred=True)
    assert caught.value.code == "distribution.scores_and_cred"
