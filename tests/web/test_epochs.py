"""Peer-allocation epoch pages: an admin opens an epoch, members give their points (blinded
or not), one opts out, the admin closes it and the distribution shows the result — in
French and in English, refusals writing nothing."""

from __future__ import annotations

import pytest

from partage.services import distributions, epochs, ledger
from partage.services.context import UnitOfWorkFactory
from tests.conftest import Community, FakeClock, make_community
from tests.web.conftest import Visitor

ORG = "/o/tiers-lieux"


def open_epoch(c: Community, *, blinded: bool = False, budget: int = 60_000) -> int:
    with c.uow() as u:
        return epochs.open_epoch(
            u, actor=c.admin, name="Printemps", budget=budget, blinded=blinded, now=c.clock()
        ).id


def give(c: Community, who: object, epoch_id: int, gifts: list[tuple[int, int]]) -> None:
    with c.uow() as u:
        epochs.give(u, actor=who, epoch_id=epoch_id, gifts=gifts, now=c.clock())  # type: ignore[arg-type]


def gifts_of(c: Community, epoch_id: int) -> set[tuple[int, int, int]]:
    with c.uow(readonly=True) as u:
        seen = epochs.epoch(u, actor=c.observer, epoch_id=epoch_id)
    return {(g.giver_id, g.receiver_id, g.points) for g in seen.gifts}


def written(c: Community) -> tuple[int, int, int]:
    with c.uow(readonly=True) as u:
        return (
            len(epochs.epochs(u, actor=c.admin)),
            len(distributions.distributions(u, actor=c.admin)),
            len(ledger.journal(u, actor=c.admin)),
        )


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("en", ("Open an epoch", "Blinded: while the epoch is open", "The epoch is open")),
        ("fr", ("Ouvrir un cycle", "Masqué : tant que le cycle", "Le cycle est ouvert")),
    ],
)
def test_an_admin_opens_an_epoch_from_the_list(
    visitor: Visitor, community: Community, lang: str, texts: tuple[str, str, str]
) -> None:
    visitor.sign_in("aicha")
    page = visitor.get(f"{ORG}/epochs?lang={lang}").text
    assert f'href="{ORG}/epochs" aria-current="page"' in page
    assert texts[0] in page and texts[1] in page
    budget = "450,50" if lang == "fr" else "450.50"
    done = visitor.post(
        f"{ORG}/epochs",
        {
            "name": "Printemps",
            "budget": budget,
            "fund": "commons",
            "points_per_member": "100",
            "blinded": "1",
        },
    )
    assert done.status_code == 200
    assert texts[2] in done.text
    with community.uow(readonly=True) as u:
        (opened,) = epochs.epochs(u, actor=community.admin)
    assert opened.budget == 45_050 and opened.blinded and opened.points_per_member == 100
    listed = visitor.get(f"{ORG}/epochs").text
    assert "Printemps" in listed
    assert ("450,50\u00a0€" if lang == "fr" else "€450.50") in listed


@pytest.mark.parametrize(
    ("form", "field_message"),
    [
        ({"name": "X", "budget": "12,345"}, "more decimals than the currency allows"),
        ({"name": "X", "budget": "10", "points_per_member": "0"}, "Points are a whole number"),
        ({"name": "", "budget": "10"}, "This field is required"),
        ({"name": "X", "budget": "10", "fund": "project"}, "Name the project"),
    ],
)
def test_a_refused_opening_says_why_and_writes_nothing(
    visitor: Visitor, community: Community, form: dict[str, str], field_message: str
) -> None:
    visitor.sign_in("aicha")
    before = written(community)
    page = visitor.post(f"{ORG}/epochs", form)
    assert page.status_code == 400
    assert field_message in page.text
    assert written(community) == before


def test_a_member_cannot_open_an_epoch(visitor: Visitor, community: Community) -> None:
    visitor.sign_in("bruno")
    assert "Open an epoch" not in visitor.get(f"{ORG}/epochs").text
    page = visitor.post(f"{ORG}/epochs", {"name": "X", "budget": "10"})
    assert page.status_code == 403
    assert "Only an admin" in page.text
    assert written(community) == (0, 0, 1)


def test_a_member_gives_points_and_sees_what_is_left(
    visitor: Visitor, community: Community
) -> None:
    c = community
    e = open_epoch(c)
    ch, d = c.chloe.member.id, c.dario.member.id
    visitor.sign_in("bruno")
    page = visitor.get(f"{ORG}/epochs/{e}").text
    assert f'name="points-{ch}"' in page and f'name="points-{c.bruno.member.id}"' not in page
    assert f'name="points-{c.observer.member.id}"' not in page  # observers receive nothing
    done = visitor.post(f"{ORG}/epochs/{e}/gifts", {f"points-{ch}": "60", f"points-{d}": "25"})
    assert "Your points are recorded" in done.text
    assert "You have given 85 of your 100 points" in done.text and "15 left" in done.text
    assert f'name="points-{ch}" inputmode="numeric" size="6" value="60"' in done.text
    assert gifts_of(c, e) == {(c.bruno.member.id, ch, 60), (c.bruno.member.id, d, 25)}
    # giving again replaces the allocation; an empty box gives nothing
    visitor.post(f"{ORG}/epochs/{e}/gifts", {f"points-{ch}": "", f"points-{d}": "100"})
    assert gifts_of(c, e) == {(c.bruno.member.id, d, 100)}


@pytest.mark.parametrize(
    ("lang", "over", "self_gift", "bad"),
    [
        (
            "en",
            "You gave more points than you have",
            "You cannot give points to yourself",
            "Points are a whole number",
        ),
        (
            "fr",
            "Vous avez donné plus de points que vous n’en avez",
            "Vous ne pouvez pas vous donner de points",
            "Les points sont un nombre entier",
        ),
    ],
)
def test_refused_gifts_are_explained_and_write_nothing(
    visitor: Visitor, community: Community, lang: str, over: str, self_gift: str, bad: str
) -> None:
    c = community
    e = open_epoch(c)
    ch, d = c.chloe.member.id, c.dario.member.id
    give(c, c.bruno, e, [(ch, 10)])
    visitor.sign_in("bruno")
    visitor.get(f"/?lang={lang}")
    page = visitor.post(f"{ORG}/epochs/{e}/gifts", {f"points-{ch}": "70", f"points-{d}": "40"})
    assert page.status_code == 400 and over in page.text
    assert 'value="70"' in page.text  # what was typed comes back
    page = visitor.post(f"{ORG}/epochs/{e}/gifts", {f"points-{c.bruno.member.id}": "5"})
    assert page.status_code == 400 and self_gift in page.text
    page = visitor.post(f"{ORG}/epochs/{e}/gifts", {f"points-{ch}": "2,5"})
    assert page.status_code == 400 and bad in page.text
    assert 'aria-invalid="true"' in page.text
    assert gifts_of(c, e) == {(c.bruno.member.id, ch, 10)}


def test_a_blinded_epoch_shows_only_ones_own_gifts_and_how_many_gave(
    visitor: Visitor, community: Community
) -> None:
    c = community
    e = open_epoch(c, blinded=True)
    give(c, c.chloe, e, [(c.dario.member.id, 70)])
    give(c, c.dario, e, [(c.bruno.member.id, 30)])
    visitor.sign_in("bruno")
    page = visitor.get(f"{ORG}/epochs/{e}").text
    assert "This epoch is blinded" in page
    assert "2 member(s) have given so far" in page
    assert "You have not given any points yet." in page
    assert ">70<" not in page and ">30<" not in page
    visitor.sign_in("aicha")  # admins too
    page = visitor.get(f"{ORG}/epochs/{e}").text
    assert "This epoch is blinded" in page and ">70<" not in page
    french = visitor.get(f"{ORG}/epochs/{e}?lang=fr").text
    assert "Ce cycle est masqué" in french and "2 membre(s) ont donné" in french


def test_an_open_epoch_not_blinded_shows_every_gift(visitor: Visitor, community: Community) -> None:
    c = community
    e = open_epoch(c)
    give(c, c.chloe, e, [(c.dario.member.id, 70)])
    visitor.sign_in("olga")  # an observer reads…
    page = visitor.get(f"{ORG}/epochs/{e}").text
    assert "Who gave what to whom" in page and ">70<" in page
    assert "Give your points" not in page  # …but is not offered the form
    refused = visitor.post(f"{ORG}/epochs/{e}/gifts", {f"points-{c.dario.member.id}": "10"})
    assert refused.status_code == 403
    assert "Observers can read but not act" in refused.text
    assert gifts_of(c, e) == {(c.chloe.member.id, c.dario.member.id, 70)}


def test_a_member_opts_out_of_receiving_and_back_in(visitor: Visitor, community: Community) -> None:
    c = community
    e = open_epoch(c)
    visitor.sign_in("dario")
    done = visitor.post(f"{ORG}/epochs/{e}/opt-out", {"out": "1"})
    assert "You opted out of receiving points" in done.text and "Opt back in" in done.text
    with c.uow(readonly=True) as u:
        assert epochs.epoch(u, actor=c.admin, epoch_id=e).opted_out == (c.dario.member.id,)
    visitor.sign_in("bruno")
    page = visitor.get(f"{ORG}/epochs/{e}").text
    assert "(opted out of receiving)" in page
    refused = visitor.post(f"{ORG}/epochs/{e}/gifts", {f"points-{c.dario.member.id}": "10"})
    assert refused.status_code == 400
    assert "opted out of receiving points in this epoch" in refused.text
    visitor.sign_in("dario")
    visitor.post(f"{ORG}/epochs/{e}/opt-out", {"out": "0"})
    with c.uow(readonly=True) as u:
        assert epochs.epoch(u, actor=c.admin, epoch_id=e).opted_out == ()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_closing_posts_the_payouts_and_links_the_distribution(
    visitor: Visitor, community: Community, lang: str
) -> None:
    c = community
    e = open_epoch(c, blinded=True, budget=60_000)
    b, ch, d = c.bruno.member.id, c.chloe.member.id, c.dario.member.id
    give(c, c.bruno, e, [(ch, 100)])
    give(c, c.chloe, e, [(b, 50), (d, 50)])
    visitor.sign_in("aicha")
    visitor.get(f"/?lang={lang}")
    page = visitor.get(f"{ORG}/epochs/{e}").text
    close_hint = (
        "posts the payouts to the ledger" if lang == "en" else "inscrit les versements au journal"
    )
    assert close_hint in page
    done = visitor.post(f"{ORG}/epochs/{e}/close")
    assert done.status_code == 200
    assert ("The epoch is closed" if lang == "en" else "Le cycle est clos") in done.text
    assert ">50<" in done.text and ">100<" in done.text  # everything is visible once closed
    with c.uow(readonly=True) as u:
        (d_posted,) = distributions.distributions(u, actor=c.admin)
        assert ledger.check(u, actor=c.admin).ok
    assert f'href="{ORG}/distributions/{d_posted.id}"' in done.text
    result = visitor.get(f"{ORG}/distributions/{d_posted.id}").text
    chloe = "300,00\u00a0€" if lang == "fr" else "€300.00"
    assert chloe in result and "Chloé" in result
    again = visitor.post(f"{ORG}/epochs/{e}/close")
    assert again.status_code == 409
    refused = visitor.post(f"{ORG}/epochs/{e}/gifts", {f"points-{ch}": "1"})
    assert refused.status_code == 400
    assert written(c)[1:] == (1, 2)


def test_closing_with_a_fund_too_small_is_refused(visitor: Visitor, community: Community) -> None:
    c = community
    e = open_epoch(c, budget=5_000_000)
    give(c, c.bruno, e, [(c.chloe.member.id, 10)])
    visitor.sign_in("aicha")
    page = visitor.post(f"{ORG}/epochs/{e}/close")
    assert page.status_code == 400
    assert "does not hold enough to pay this epoch" in page.text
    assert written(c) == (1, 0, 1)


@pytest.mark.parametrize(
    "path", ["/o/autre/epochs", "/o/autre/epochs/1", "/o/tiers-lieux/epochs/99"]
)
def test_another_organizations_epoch_is_not_found(
    visitor: Visitor, uow: UnitOfWorkFactory, clock: FakeClock, community: Community, path: str
) -> None:
    other = make_community(uow, clock, slug="autre")
    open_epoch(other)
    visitor.sign_in("bruno")
    page = visitor.get(path)
    assert page.status_code == 404
    assert "Printemps" not in page.text
    posted = visitor.post(
        path.replace("/epochs/", "/epochs/") + ("/gifts" if path[-1].isdigit() else ""), {}
    )
    assert posted.status_code == 404
