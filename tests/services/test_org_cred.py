"""An organization's cred: Aïcha's tiers-lieux records work, claims and gifts; CredRank scores
the members from them, with the weights the organization set."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from partage.core.closing import Policy, UnspentRule
from partage.core.errors import Forbidden, InvalidInput
from partage.services import contributions, epochs, org_cred, rounds
from partage.services.context import Actor
from partage.storage import tables as t
from partage.storage.contributions_repo import NewContribution
from tests.conftest import Community

# The community's clock starts on Monday 2026-03-02; work is recorded in the weeks before.
FEB_16 = date(2026, 2, 16)


def work(
    c: Community,
    who: Actor,
    activity: str,
    day: date,
    hours: str | None = "1",
    text: str = "",
) -> int:
    with c.uow() as u:
        return contributions.record(
            u,
            actor=who,
            activity=activity,
            occurred_on=day,
            hours=hours,
            quantity=None if hours else "1",
            description=text or activity,
            now=c.clock(),
        ).id


def imported(
    c: Community,
    rows: list[tuple[Actor, date, str | None, tuple[str, ...]]],
    activity: str = "commit",
) -> None:
    """Contributions as an import writes them: (author, day, source key, links)."""
    with c.uow() as u:
        u.contributions.add_many(
            c.admin.org_id,
            [
                NewContribution(
                    member_id=who.member.id,
                    activity=activity,
                    occurred_on=day,
                    hours=None,
                    quantity=None,
                    description=f"Change {key or ''}\n\nbody",
                    link=None,
                    source_key=key,
                    links=links,
                )
                for who, day, key, links in rows
            ],
            by=c.admin.member.id,
            now=c.clock(),
        )
        u.commit()


def cred(c: Community, **period: date) -> org_cred.OrgCred:
    with c.uow(readonly=True) as u:
        return org_cred.org_cred(u, actor=c.observer, **period)


def by_name(found: org_cred.OrgCred) -> dict[str, float]:
    return {m.name: m.cred for m in found.members}


def set_weights(c: Community, who: Actor, weights: Mapping[str, Any]) -> org_cred.CredWeights:
    with c.uow() as u:
        return org_cred.set_cred_weights(u, actor=who, weights=weights, now=c.clock())


def test_more_and_heavier_work_gets_more_cred_and_everyone_is_listed(community: Community) -> None:
    c = community
    work(c, c.bruno, "animation", FEB_16, "3", "Atelier réparation")
    work(c, c.bruno, "animation", FEB_16 + timedelta(days=8), "2")
    work(c, c.chloe, "animation", FEB_16 + timedelta(days=2), "4")
    work(c, c.dario, "accueil", FEB_16 + timedelta(days=9), "1")
    found = cred(c)
    assert [m.name for m in found.members] == ["Bruno", "Chloé", "Dario", "Aïcha", "Olga"]
    assert found.weeks == (date(2026, 2, 15), date(2026, 2, 22))
    assert found.minted == 10
    names = by_name(found)
    assert names["Bruno"] == pytest.approx(5, rel=1e-4)
    assert names["Chloé"] == pytest.approx(4, rel=1e-4)
    assert names["Aïcha"] == 0.0 and names["Olga"] == 0.0
    # Conservation: the members' cred is what was minted, to the walk's precision (it stops
    # once no node's probability moves by 1e-7: a few parts in a million here).
    assert found.total == pytest.approx(found.minted, rel=1e-5)
    assert sum(names.values()) == pytest.approx(found.total, rel=1e-12)
    bruno = found.members[0]
    assert len(bruno.per_week) == 2 and sum(bruno.per_week) == pytest.approx(bruno.cred)
    assert bruno.per_week[0] > bruno.per_week[1]


def test_sources_name_the_work_and_sum_to_each_members_cred(community: Community) -> None:
    c = community
    first = work(c, c.bruno, "animation", FEB_16, "3", "Atelier réparation\nsecond line")
    work(c, c.bruno, "design", date(2026, 3, 1), "1.5", "Logo")
    work(c, c.chloe, "accueil", FEB_16, None, "Permanence")
    found = cred(c)
    bruno = next(m for m in found.members if m.name == "Bruno")
    assert [s.ref for s in bruno.sources] == [f"contribution:{first}", f"contribution:{first + 1}"]
    top, second = bruno.sources
    assert top.label == "animation, 3 h, 2026-02-16: Atelier réparation"
    assert top.label_fr == "animation, 3 h, 16 février 2026 : Atelier réparation"
    assert second.label == "design, 1.5 h, 2026-03-01: Logo"
    assert second.label_fr == "design, 1,5 h, 1er mars 2026 : Logo"
    assert top.week == date(2026, 2, 15) and second.week == date(2026, 3, 1)
    assert top.cred > second.cred
    for member in found.members:
        assert sum(s.cred for s in member.sources) == pytest.approx(member.cred, rel=1e-9)
    chloe = next(m for m in found.members if m.name == "Chloé")
    assert chloe.sources[0].label == "accueil, 2026-02-16: Permanence"


def test_weights_change_the_ranking_and_zero_gives_nothing(community: Community) -> None:
    c = community
    work(c, c.bruno, "design", FEB_16, "2")
    work(c, c.chloe, "code", FEB_16, "1")
    assert by_name(cred(c))["Bruno"] > by_name(cred(c))["Chloé"]
    set_weights(c, c.admin, {"activities": {"code": "3"}})
    names = by_name(cred(c))
    assert names["Chloé"] == pytest.approx(3, rel=1e-4) and names["Bruno"] < names["Chloé"]
    set_weights(c, c.admin, {"activities": {"design": 0}})
    names = by_name(cred(c))
    assert names["Bruno"] == 0.0 and names["Chloé"] == pytest.approx(3, rel=1e-4)
    with c.uow(readonly=True) as u:
        weights = org_cred.cred_weights(u, actor=c.bruno)
    assert weights.effective() == {"code": Decimal(3), "design": Decimal(0)}
    assert weights.recorded == ("code", "design")


def test_a_commit_with_coauthors_counts_once_and_splits(community: Community) -> None:
    c = community
    day = FEB_16
    imported(
        c,
        [
            (c.bruno, day, "git:aaaa1111bbbb", ()),
            (c.chloe, day, "git:aaaa1111bbbb", ()),
            (c.dario, day, "git:cccc2222dddd", ()),
        ],
    )
    found = cred(c)
    assert found.minted == 2
    names = by_name(found)
    assert names["Bruno"] == pytest.approx(0.5, rel=1e-4)
    assert names["Chloé"] == pytest.approx(names["Bruno"], rel=1e-9)
    assert names["Dario"] == pytest.approx(1, rel=1e-4)
    bruno = next(m for m in found.members if m.name == "Bruno")
    assert [(s.ref, s.label, s.label_fr) for s in bruno.sources] == [
        (
            "git:aaaa1111bbbb",
            "commit aaaa111: Change git:aaaa1111bbbb",
            "commit aaaa111 : Change git:aaaa1111bbbb",
        )
    ]


def test_later_work_on_a_file_sends_cred_back_to_earlier_work(community: Community) -> None:
    c = community
    imported(c, [(c.bruno, FEB_16, "git:1", ("file:guide.md",))])
    later = FEB_16 + timedelta(days=7)
    imported(
        c,
        [
            (c.chloe, later, "git:2", ("file:guide.md", "file:plan.md")),
            (c.dario, later, "git:3", ("file:other.md",)),
        ],
        activity="rewrite",
    )
    set_weights(c, c.admin, {"activities": {"rewrite": "4"}})
    names = by_name(cred(c))
    # Without the shared file, each would get what their commit mints: 1, 4 and 4.
    assert names["Bruno"] > 1.05
    assert names["Chloé"] < 4 - 0.05
    assert names["Dario"] == pytest.approx(4, rel=1e-4)
    bruno = next(m for m in cred(c).members if m.name == "Bruno")
    assert [s.ref for s in bruno.sources] == ["git:1"]  # the cred reaches him through his work


def test_accepted_claims_reward_the_claimant_and_the_work_they_cite(community: Community) -> None:
    c = community
    cited = work(c, c.dario, "animation", FEB_16, "1")
    work(c, c.bruno, "animation", FEB_16, "2")
    with c.uow() as u:
        round_id = rounds.open_round(
            u,
            actor=c.admin,
            name="Printemps",
            envelope=100_000,
            window=timedelta(days=7),
            policy=Policy.PRO_RATA,
            unspent_rule=UnspentRule.RETURN,
            now=c.clock(),
        ).id
    with c.uow() as u:
        claim = rounds.declare_claim(
            u,
            actor=c.dario,
            round_id=round_id,
            amount=10_000,
            justification="Préparé l'atelier",
            now=c.clock(),
            contribution_ids=(cited,),
        ).id
    before = by_name(cred(c))  # declared, not yet accepted: only the work counts
    assert before["Dario"] == pytest.approx(1, rel=1e-4)
    c.clock.advance(days=8)
    with c.uow() as u:
        rounds.close(u, actor=c.admin, round_id=round_id, now=c.clock())
    found = cred(c)
    names = by_name(found)
    assert found.minted == 4
    # His work and the claim citing it (part of which reaches him through the work).
    assert 1.9 < names["Dario"] < 2
    assert names["Bruno"] == pytest.approx(4 - names["Dario"], rel=1e-4)
    dario = next(m for m in found.members if m.name == "Dario")
    assert [s.ref for s in dario.sources] == [f"contribution:{cited}", f"claim:{claim}"]
    recognition = dario.sources[1]
    assert recognition.label == f"claim #{claim} accepted: Préparé l'atelier"
    assert recognition.label_fr == f"déclaration n°{claim} acceptée : Préparé l'atelier"
    assert recognition.week == date(2026, 3, 8)  # the round closed on 2026-03-10


def test_gifts_of_closed_epochs_count_open_ones_do_not(community: Community) -> None:
    c = community
    work(c, c.bruno, "animation", FEB_16, "1")

    def epoch(name: str) -> int:
        with c.uow() as u:
            return epochs.open_epoch(u, actor=c.admin, name=name, budget=1_000, now=c.clock()).id

    closed, still_open = epoch("Mars"), epoch("Avril")
    with c.uow() as u:
        epochs.give(
            u, actor=c.bruno, epoch_id=closed, gifts=[(c.chloe.member.id, 50)], now=c.clock()
        )
    with c.uow() as u:
        epochs.give(
            u, actor=c.bruno, epoch_id=still_open, gifts=[(c.dario.member.id, 80)], now=c.clock()
        )
    with c.uow() as u:
        epochs.close_epoch(u, actor=c.admin, epoch_id=closed, now=c.clock())
    found = cred(c)
    names = by_name(found)
    assert found.minted == pytest.approx(1.5)
    assert names["Chloé"] == pytest.approx(0.5, rel=1e-4)
    assert names["Dario"] == 0.0
    chloe = next(m for m in found.members if m.name == "Chloé")
    source = chloe.sources[0]
    assert source.ref == f"gift:epoch:{closed}:from:{c.bruno.member.id}"
    assert source.label == "50 of 100 points from Bruno, epoch “Mars”"
    assert source.label_fr == "50 points sur 100 de Bruno, cycle « Mars »"


def test_a_period_scores_only_its_records(community: Community) -> None:
    c = community
    work(c, c.bruno, "animation", FEB_16, "1")
    work(c, c.chloe, "animation", FEB_16 + timedelta(days=7), "2")
    found = cred(c, since=date(2026, 2, 22), until=date(2026, 2, 28))
    assert found.weeks == (date(2026, 2, 22),)
    names = by_name(found)
    assert names["Bruno"] == 0.0 and names["Chloé"] == pytest.approx(2, rel=1e-6)
    # The weeks span the records, however far the period reaches.
    wide = cred(c, since=date(1900, 1, 1), until=date(2100, 1, 1))
    assert wide.weeks == (date(2026, 2, 15), date(2026, 2, 22))
    with pytest.raises(InvalidInput) as backwards:
        cred(c, since=date(2026, 2, 28), until=date(2026, 2, 22))
    assert backwards.value.field == "since"
    with pytest.raises(InvalidInput) as empty:
        cred(c, since=date(2026, 1, 1), until=date(2026, 1, 31))
    assert empty.value.code == "cred.nothing_to_score" and "period" in empty.value.message


def test_an_organization_without_contributions_is_told_so(community: Community) -> None:
    with pytest.raises(InvalidInput) as empty:
        cred(community)
    assert empty.value.code == "cred.nothing_to_score"
    assert "no contribution" in empty.value.message


def settings_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.cred_settings)).scalar_one())


def test_only_admins_set_weights_and_bad_ones_write_nothing(
    community: Community, engine: Engine
) -> None:
    c = community
    with pytest.raises(Forbidden):
        set_weights(c, c.bruno, {"activities": {"design": "2"}})
    assert settings_rows(engine) == 0
    for bad in (
        {"activities": {"design": "-1"}},
        {"claim": "beaucoup"},
        {"params": {"alpha": "0.9"}},
        {"unknown": "1"},
    ):
        with pytest.raises(InvalidInput):
            set_weights(c, c.admin, bad)
    assert settings_rows(engine) == 0
    saved = set_weights(c, c.admin, {"activities": {"design": "2,5"}, "gift": "0.5"})
    assert saved.activity("design") == Decimal("2.5") and saved.gift == Decimal("0.5")
    with pytest.raises(InvalidInput):
        set_weights(c, c.admin, {"activities": {"design": "1"}, "gift": "-2"})
    with c.uow(readonly=True) as u:
        kept = org_cred.cred_weights(u, actor=c.observer)
    assert kept.activity("design") == Decimal("2.5") and kept.gift == Decimal("0.5")
    assert settings_rows(engine) == 1
