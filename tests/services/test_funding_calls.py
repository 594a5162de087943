"""Funding calls: members pledge to projects, a pool matches them quadratically."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from partage.core import chart
from partage.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from partage.core.models import quadratic_funding
from partage.core.models.base import Funding, Spec
from partage.services import distributions, funding_calls, ledger
from tests.conftest import Community, FakeClock, make_community


def _open(c: Community, *, blinded: bool = False, pool: int = 100_000) -> int:
    with c.uow() as u:
        return funding_calls.open_call(
            u,
            actor=c.admin,
            name="Appel 2026",
            pool=pool,
            projects=["jardin", "four-a-pain"],
            fund="commons",
            blinded=blinded,
            now=c.clock(),
        ).id


def _pledge(c: Community, who: object, call: int, pledges: list[tuple[str, int]]) -> None:
    with c.uow() as u:
        funding_calls.pledge(u, actor=who, call_id=call, pledges=pledges, now=c.clock())  # type: ignore[arg-type]


def test_a_funding_call_from_opening_to_one_balanced_entry(community: Community) -> None:
    c = community
    f = _open(c)
    _pledge(c, c.bruno, f, [("jardin", 900), ("four-a-pain", 100)])
    _pledge(c, c.chloe, f, [("jardin", 400)])
    _pledge(c, c.chloe, f, [("jardin", 1_600)])  # a change of mind replaces the pledges
    _pledge(c, c.dario, f, [("jardin", 100), ("four-a-pain", 2_500)])
    with c.uow(readonly=True) as u:
        seen = funding_calls.funding_call(u, actor=c.observer, call_id=f)
    assert not seen.hidden and seen.pledgers == 3
    assert seen.pledged == {"jardin": 2_600, "four-a-pain": 2_600}
    with c.uow() as u:
        closed = funding_calls.close_call(u, actor=c.admin, call_id=f, now=c.clock())
    # Jardin: 2·(√(900·1600) + √(900·100) + √(1600·100)) = 2·(1200 + 300 + 400) = 3 800 cents;
    # four-à-pain: 2·√(100·2500) = 1 000 cents. The pool (1 000.00) covers both.
    spec = Spec(
        currency=c.admin.organization.currency,
        budget=100_000,
        funding=(
            Funding("b", "jardin", 900),
            Funding("c", "jardin", 1_600),
            Funding("d", "jardin", 100),
            Funding("b", "four-a-pain", 100),
            Funding("d", "four-a-pain", 2_500),
        ),
    )
    expected = quadratic_funding.run(spec, {}, "m")
    assert dict(expected.allocations) == {"four-a-pain": 1_000, "jardin": 3_800}
    d = closed.distribution
    assert d is not None and d.model == "quadratic_funding" and d.paid == 4_800
    assert d.result["explanations_fr"].keys() == d.result["explanations"].keys()
    assert "38,00 EUR" in d.result["explanations_fr"]["jardin"]
    with c.uow(readonly=True) as u:
        [posted] = [
            x for x in ledger.journal(u, actor=c.admin) if x.entry.cause == f"funding_call:{f}"
        ]
        assert posted.seq == d.entry_seq
        balance = {
            a: ledger.balance_of(u, actor=c.admin, account=a).minor
            for a in (chart.project_account("jardin"), chart.project_account("four-a-pain"))
        }
        assert balance == {"fund:project:jardin": 2_600 + 3_800, "fund:project:four-a-pain": 3_600}
        assert ledger.balance_of(u, actor=c.admin, account=chart.COMMONS).minor == 1_000_000 - 4_800
        assert ledger.balance_of(u, actor=c.admin, account=chart.BANK).minor == 1_000_000 + 5_200
        assert ledger.check(u, actor=c.admin).ok
        assert [x.model for x in distributions.distributions(u, actor=c.admin)] == [
            "quadratic_funding"
        ]
    with pytest.raises(Conflict) as err, c.uow() as u:
        funding_calls.close_call(u, actor=c.admin, call_id=f, now=c.clock())
    assert err.value.code == "funding.closed"
    with pytest.raises(InvalidInput) as err2, c.uow() as u:
        funding_calls.pledge(u, actor=c.bruno, call_id=f, pledges=[("jardin", 1)], now=c.clock())
    assert err2.value.code == "funding.closed"


def test_a_blinded_call_shows_only_ones_own_pledges_until_closed(community: Community) -> None:
    c = community
    f = _open(c, blinded=True)
    _pledge(c, c.bruno, f, [("jardin", 500)])
    _pledge(c, c.chloe, f, [("jardin", 500), ("four-a-pain", 100)])
    with c.uow(readonly=True) as u:
        bruno = funding_calls.funding_call(u, actor=c.bruno, call_id=f)
        admin = funding_calls.funding_call(u, actor=c.admin, call_id=f)
    assert bruno.hidden and bruno.pledged is None and bruno.pledgers == 2
    assert [(p.project, p.amount) for p in bruno.pledges] == [("jardin", 500)]
    assert admin.pledges == ()
    with c.uow() as u:
        funding_calls.close_call(u, actor=c.admin, call_id=f, now=c.clock())
    with c.uow(readonly=True) as u:
        after = funding_calls.funding_call(u, actor=c.bruno, call_id=f)
    assert not after.hidden and len(after.pledges) == 3
    assert after.distribution is not None
    assert after.distribution.result["allocations"] == {"four-a-pain": "0.00", "jardin": "10.00"}


@pytest.mark.parametrize(
    ("who", "pledges", "error", "code"),
    [
        ("bruno", [("jardin", 0)], InvalidInput, "amount.zero"),
        ("bruno", [("jardin", -5)], InvalidInput, "amount.negative"),
        ("bruno", [("piscine", 5)], InvalidInput, "funding.unknown_project"),
        ("bruno", [("jardin", 5), ("jardin", 6)], InvalidInput, "funding.duplicate_project"),
        ("olga", [("jardin", 5)], Forbidden, "role.observer"),
    ],
)
def test_bad_pledges_write_nothing(
    community: Community, who: str, pledges: list[tuple[str, int]], error: type, code: str
) -> None:
    c = community
    f = _open(c)
    _pledge(c, c.bruno, f, [("jardin", 700)])
    actor = c.bruno if who == "bruno" else c.observer
    with pytest.raises(error) as err, c.uow() as u:
        funding_calls.pledge(u, actor=actor, call_id=f, pledges=pledges, now=c.clock())
    assert err.value.code == code
    with c.uow(readonly=True) as u:
        seen = funding_calls.funding_call(u, actor=c.admin, call_id=f)
    assert [(p.project, p.amount) for p in seen.pledges] == [("jardin", 700)]


def test_bad_calls_and_other_organizations(community: Community, clock: FakeClock) -> None:
    c = community
    for bad, code in (
        ({"projects": []}, "funding.no_project"),
        ({"projects": ["Jardin Partagé"]}, "redirect.bad_project"),
        ({"projects": ["a", "a"]}, "funding.duplicate_project"),
        ({"pool": 0}, "amount.zero"),
        ({"fund": "project:a"}, "funding.bad_fund"),
    ):
        args: dict[str, object] = {"name": "x", "pool": 100, "projects": ["a"], **bad}
        with pytest.raises(InvalidInput) as err, c.uow() as u:
            funding_calls.open_call(u, actor=c.admin, now=c.clock(), **args)  # type: ignore[arg-type]
        assert err.value.code == code
    with pytest.raises(Forbidden), c.uow() as u:
        funding_calls.open_call(u, actor=c.bruno, name="x", pool=100, projects=["a"], now=c.clock())
    f = _open(c)
    other = make_community(c.uow, clock, slug="autre-lieu", fund=0)
    with pytest.raises(NotFound), c.uow(readonly=True) as u:
        funding_calls.funding_call(u, actor=other.admin, call_id=f)
    with c.uow(readonly=True) as u:
        assert funding_calls.funding_calls(u, actor=other.admin) == []


def test_twenty_concurrent_closes_post_once(community: Community) -> None:
    c = community
    f = _open(c)
    _pledge(c, c.bruno, f, [("jardin", 400)])
    _pledge(c, c.chloe, f, [("jardin", 900)])

    def close() -> str:
        try:
            with c.uow() as u:
                funding_calls.close_call(u, actor=c.admin, call_id=f, now=c.clock())
            return "closed"
        except Conflict:
            return "conflict"

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda _: close(), range(20)))
    assert results.count("closed") == 1 and results.count("conflict") == 19
    with c.uow(readonly=True) as u:
        posted = [
            x for x in ledger.journal(u, actor=c.admin) if x.entry.cause == f"funding_call:{f}"
        ]
        assert len(posted) == 1
        assert (
            ledger.balance_of(u, actor=c.admin, account=chart.project_account("jardin")).minor
            == 1_300 + 2 * 600
        )
        assert ledger.check(u, actor=c.admin).ok
