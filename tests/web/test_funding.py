"""Funding call pages: an admin opens a call, members pledge per project (blinded or not),
the admin closes it and the distribution shows the matches — refusals writing nothing."""

from __future__ import annotations

import pytest

from partage.services import distributions, funding_calls, ledger
from partage.services.context import UnitOfWorkFactory
from tests.conftest import Community, FakeClock, make_community
from tests.web.conftest import Visitor

ORG = "/o/tiers-lieux"


def open_call(c: Community, *, blinded: bool = False, pool: int = 100_000) -> int:
    with c.uow() as u:
        return funding_calls.open_call(
            u,
            actor=c.admin,
            name="Projets du printemps",
            pool=pool,
            projects=["jardin", "four"],
            blinded=blinded,
            now=c.clock(),
        ).id


def pledge(c: Community, who: object, call_id: int, pledges: list[tuple[str, int]]) -> None:
    with c.uow() as u:
        funding_calls.pledge(u, actor=who, call_id=call_id, pledges=pledges, now=c.clock())  # type: ignore[arg-type]


def pledged(c: Community, call_id: int) -> set[tuple[int, str, int]]:
    with c.uow(readonly=True) as u:
        seen = funding_calls.funding_call(u, actor=c.observer, call_id=call_id)
    return {(p.member_id, p.project, p.amount) for p in seen.pledges}


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ("the pool favours projects backed by many members", "The funding call is open")),
        ("fr", ("L’abondement favorise les projets soutenus", "L’appel à financement est ouvert")),
    ],
)
def test_an_admin_opens_a_call_with_projects(
    visitor: Visitor, community: Community, lang: str, words: tuple[str, str]
) -> None:
    visitor.sign_in("aicha")
    page = visitor.get(f"{ORG}/funding?lang={lang}").text
    assert f'href="{ORG}/funding" aria-current="page"' in page
    assert words[0].lower() in page.lower()
    done = visitor.post(
        f"{ORG}/funding",
        {
            "name": "Printemps",
            "pool": "1000,00" if lang == "fr" else "1000.00",
            "fund": "commons",
            "projects": ["jardin", "Four", "", ""],
            "blinded": "1",
        },
    )
    assert done.status_code == 200 and words[1] in done.text
    with community.uow(readonly=True) as u:
        (call,) = funding_calls.funding_calls(u, actor=community.admin)
    assert call.projects == ("jardin", "four") and call.pool == 100_000 and call.blinded


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "X", "pool": "10", "projects": ["", ""]}, "Name at least one project."),
        ({"name": "X", "pool": "10", "projects": ["a b"]}, "lowercase letters, digits"),
        ({"name": "X", "pool": "10", "projects": ["a", "a"]}, "This project is named twice."),
        ({"name": "X", "pool": "10.001", "projects": ["a"]}, "more decimals"),
    ],
)
def test_a_refused_call_says_why_and_writes_nothing(
    visitor: Visitor, community: Community, form: dict[str, str | list[str]], message: str
) -> None:
    visitor.sign_in("aicha")
    page = visitor.post(f"{ORG}/funding", form)
    assert page.status_code == 400 and message in page.text
    with community.uow(readonly=True) as u:
        assert funding_calls.funding_calls(u, actor=community.admin) == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_member_pledges_in_their_locale_and_sees_the_totals(
    visitor: Visitor, community: Community, lang: str
) -> None:
    c = community
    call = open_call(c)
    pledge(c, c.chloe, call, [("jardin", 400)])
    visitor.sign_in("bruno")
    visitor.get(f"/?lang={lang}")
    done = visitor.post(
        f"{ORG}/funding/{call}/pledges", {"amount-jardin": "12,50", "amount-four": ""}
    )
    assert done.status_code == 200
    assert pledged(c, call) == {
        (c.chloe.member.id, "jardin", 400),
        (c.bruno.member.id, "jardin", 1250),
    }
    total = "16,50\u00a0€" if lang == "fr" else "€16.50"
    assert total in done.text  # the total per project, as it is not blinded
    typed = "12,50" if lang == "fr" else "12.50"
    assert f'value="{typed}"' in done.text  # the form is pre-filled with one's pledges
    visitor.post(f"{ORG}/funding/{call}/pledges", {"amount-jardin": "", "amount-four": "3.00"})
    assert pledged(c, call) == {
        (c.chloe.member.id, "jardin", 400),
        (c.bruno.member.id, "four", 300),
    }


def test_refused_pledges_are_explained_and_write_nothing(
    visitor: Visitor, community: Community
) -> None:
    c = community
    call = open_call(c)
    pledge(c, c.bruno, call, [("four", 500)])
    visitor.sign_in("bruno")
    page = visitor.post(f"{ORG}/funding/{call}/pledges", {"amount-jardin": "1,234"})
    assert page.status_code == 400
    assert "more decimals than the currency allows" in page.text
    assert 'value="1,234"' in page.text
    page = visitor.post(f"{ORG}/funding/{call}/pledges", {"amount-jardin": "-3"})
    assert page.status_code == 400 and "must not be negative" in page.text
    page = visitor.post(f"{ORG}/funding/{call}/pledges", {"amount-piscine": "3"})
    assert page.status_code == 400 and "not part of the call" in page.text
    assert pledged(c, call) == {(c.bruno.member.id, "four", 500)}
    visitor.sign_in("olga")
    refused = visitor.post(f"{ORG}/funding/{call}/pledges", {"amount-jardin": "3"})
    assert refused.status_code == 403
    assert pledged(c, call) == {(c.bruno.member.id, "four", 500)}


def test_a_blinded_call_hides_the_others_pledges_and_the_totals(
    visitor: Visitor, community: Community
) -> None:
    c = community
    call = open_call(c, blinded=True)
    pledge(c, c.chloe, call, [("jardin", 4_321)])
    pledge(c, c.dario, call, [("four", 777)])
    visitor.sign_in("aicha")
    page = visitor.get(f"{ORG}/funding/{call}").text
    assert "This call is blinded" in page and "2 member(s) have pledged so far" in page
    assert "43.21" not in page and "7.77" not in page
    assert "The totals per project are hidden" in page


def test_closing_posts_pledges_and_matches_and_links_the_distribution(
    visitor: Visitor, community: Community
) -> None:
    c = community
    call = open_call(c, blinded=True)
    for who in (c.bruno, c.chloe, c.dario):
        pledge(c, who, call, [("jardin", 100)])
    pledge(c, c.chloe, call, [("jardin", 100), ("four", 900)])
    visitor.sign_in("aicha")
    page = visitor.get(f"{ORG}/funding/{call}").text
    assert "Close the call and post the matches" in page
    done = visitor.post(f"{ORG}/funding/{call}/close")
    assert done.status_code == 200 and "The funding call is closed" in done.text
    with c.uow(readonly=True) as u:
        (posted,) = distributions.distributions(u, actor=c.admin)
        assert ledger.check(u, actor=c.admin).ok
    assert posted.model == "quadratic_funding"
    assert f'href="{ORG}/distributions/{posted.id}"' in done.text
    assert "Match from the pool" in done.text and "€9.00" in done.text  # Chloé's pledge
    result = visitor.get(f"{ORG}/distributions/{posted.id}")
    assert result.status_code == 200 and "jardin" in result.text
    again = visitor.post(f"{ORG}/funding/{call}/close")
    assert again.status_code == 409
    refused = visitor.post(f"{ORG}/funding/{call}/pledges", {"amount-jardin": "1"})
    assert refused.status_code == 400 and "closed" in refused.text


@pytest.mark.parametrize("path", ["/o/autre/funding", "/o/autre/funding/1", f"{ORG}/funding/9"])
def test_another_organizations_call_is_not_found(
    visitor: Visitor, uow: UnitOfWorkFactory, clock: FakeClock, community: Community, path: str
) -> None:
    other = make_community(uow, clock, slug="autre")
    open_call(other)
    visitor.sign_in("bruno")
    page = visitor.get(path)
    assert page.status_code == 404 and "Projets du printemps" not in page.text
    assert visitor.post(path + ("/pledges" if path[-1].isdigit() else ""), {}).status_code == 404
