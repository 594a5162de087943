"""Peer-allocation epochs: members give points, the budget follows them, posted once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from partage.core import chart
from partage.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from partage.core.models import peer_allocation
from partage.core.models.base import Gift, Spec
from partage.services import distributions, epochs, ledger
from tests.conftest import Community, FakeClock, make_community


def _open(c: Community, *, blinded: bool = False, budget: int = 90_000) -> int:
    with c.uow() as u:
        return epochs.open_epoch(
            u,
            actor=c.admin,
            name="Printemps",
            budget=budget,
            fund="commons",
            blinded=blinded,
            now=c.clock(),
        ).id


def _give(c: Community, who: object, epoch_id: int, gifts: list[tuple[int, int]]) -> None:
    with c.uow() as u:
        epochs.give(u, actor=who, epoch_id=epoch_id, gifts=gifts, now=c.clock())  # type: ignore[arg-type]


def test_an_epoch_from_opening_to_one_balanced_entry(community: Community) -> None:
    c = community
    e = _open(c)
    b, ch, d, a = (x.member.id for x in (c.bruno, c.chloe, c.dario, c.admin))
    _give(c, c.bruno, e, [(ch, 60), (d, 40)])
    _give(c, c.chloe, e, [(b, 50), (d, 10), (a, 0)])
    _give(c, c.chloe, e, [(b, 30), (d, 30)])  # a change of mind replaces the allocation
    _give(c, c.dario, e, [(b, 20), (ch, 80)])
    with c.uow() as u:
        epochs.opt_out(u, actor=c.admin, epoch_id=e, now=c.clock())
    with c.uow(readonly=True) as u:
        seen = epochs.epoch(u, actor=c.observer, epoch_id=e)
    assert not seen.hidden and seen.givers == 3 and seen.opted_out == (a,)
    assert {(g.giver_id, g.receiver_id, g.points) for g in seen.gifts if g.giver_id == ch} == {
        (ch, b, 30),
        (ch, d, 30),
    }
    with c.uow() as u:
        closed = epochs.close_epoch(u, actor=c.admin, epoch_id=e, now=c.clock())
    assert closed.distribution is not None and closed.epoch.distribution_id is not None
    # The same model on the same gifts gives the same amounts.
    spec = Spec(
        currency=c.admin.organization.currency,
        budget=90_000,
        gifts=(
            Gift(str(b), str(ch), 60),
            Gift(str(b), str(d), 40),
            Gift(str(ch), str(b), 30),
            Gift(str(ch), str(d), 30),
            Gift(str(d), str(b), 20),
            Gift(str(d), str(ch), 80),
        ),
    )
    expected = peer_allocation.run(spec, {"opt_out": [str(a)]}, "m")
    # Received: Bruno 50, Chloé 140, Dario 70 of 260 → 173.0769, 484.6154, 242.3077 EUR;
    # the two cents left go to the largest remainders (Dario, then Bruno).
    assert expected.allocations == {str(a): 0, str(b): 17_308, str(ch): 48_461, str(d): 24_231}
    with c.uow(readonly=True) as u:
        [posted] = [e_ for e_ in ledger.journal(u, actor=c.admin) if e_.entry.cause == f"epoch:{e}"]
        assert posted.seq == closed.distribution.entry_seq
        for who in (b, ch, d):
            owed = ledger.balance_of(u, actor=c.admin, account=chart.member_account(who)).minor
            assert owed == expected.allocations[str(who)]
        assert (
            ledger.balance_of(u, actor=c.admin, account=chart.COMMONS).minor == 1_000_000 - 90_000
        )
        assert ledger.check(u, actor=c.admin).ok
        listed = distributions.distributions(u, actor=c.bruno)
    assert [(x.id, x.model) for x in listed] == [(closed.distribution.id, "peer_allocation")]
    french = closed.distribution.result["explanations_fr"][str(ch)]
    assert "Points reçus : 140 sur un total de 260" in french
    with pytest.raises(Conflict) as err, c.uow() as u:
        epochs.close_epoch(u, actor=c.admin, epoch_id=e, now=c.clock())
    assert err.value.code == "epoch.closed"
    with pytest.raises(InvalidInput) as err2, c.uow() as u:
        epochs.give(u, actor=c.bruno, epoch_id=e, gifts=[(ch, 1)], now=c.clock())
    assert err2.value.code == "epoch.closed"


def test_a_blinded_epoch_shows_only_ones_own_gifts_until_closed(community: Community) -> None:
    c = community
    e = _open(c, blinded=True)
    ch, d = c.chloe.member.id, c.dario.member.id
    _give(c, c.bruno, e, [(ch, 70)])
    _give(c, c.chloe, e, [(d, 100)])
    with c.uow(readonly=True) as u:
        bruno = epochs.epoch(u, actor=c.bruno, epoch_id=e)
        admin = epochs.epoch(u, actor=c.admin, epoch_id=e)
        olga = epochs.epoch(u, actor=c.observer, epoch_id=e)
    assert bruno.hidden and [(g.receiver_id, g.points) for g in bruno.gifts] == [(ch, 70)]
    assert bruno.givers == 2
    assert admin.gifts == () and olga.gifts == () and admin.givers == 2
    with c.uow() as u:
        epochs.close_epoch(u, actor=c.admin, epoch_id=e, now=c.clock())
    with c.uow(readonly=True) as u:
        after = epochs.epoch(u, actor=c.dario, epoch_id=e)
    assert not after.hidden and len(after.gifts) == 2


def test_gifts_to_a_member_who_opts_out_are_refused_then_ignored(community: Community) -> None:
    c = community
    e = _open(c, budget=10_000)
    b, ch = c.bruno.member.id, c.chloe.member.id
    _give(c, c.bruno, e, [(ch, 50)])
    _give(c, c.dario, e, [(b, 50)])
    with c.uow() as u:
        epochs.opt_out(u, actor=c.chloe, epoch_id=e, now=c.clock())
    with pytest.raises(InvalidInput) as err, c.uow() as u:
        epochs.give(u, actor=c.dario, epoch_id=e, gifts=[(ch, 10)], now=c.clock())
    assert err.value.code == "epoch.opted_out"
    with c.uow() as u:
        done = epochs.close_epoch(u, actor=c.admin, epoch_id=e, now=c.clock())
    assert done.distribution is not None
    assert done.distribution.result["allocations"][str(b)] == "100.00"
    assert done.distribution.result["allocations"][str(ch)] == "0.00"


@pytest.mark.parametrize(
    ("who", "gifts", "error", "code"),
    [
        ("bruno", [("chloe", 60), ("dario", 41)], InvalidInput, "epoch.over_budget"),
        ("bruno", [("bruno", 10)], InvalidInput, "epoch.self_gift"),
        ("bruno", [("olga", 10)], InvalidInput, "epoch.unknown_receiver"),
        ("bruno", [(999, 10)], InvalidInput, "epoch.unknown_receiver"),
        ("bruno", [("chloe", -1)], InvalidInput, "epoch.bad_points"),
        ("bruno", [("chloe", 5), ("chloe", 5)], InvalidInput, "epoch.duplicate_receiver"),
        ("olga", [("chloe", 10)], Forbidden, "role.observer"),
    ],
)
def test_bad_gifts_write_nothing(
    community: Community, who: str, gifts: list[tuple[object, int]], error: type, code: str
) -> None:
    c = community
    e = _open(c)
    people = {"bruno": c.bruno, "chloe": c.chloe, "dario": c.dario, "olga": c.observer}
    resolved = [(people[r].member.id if isinstance(r, str) else r, p) for r, p in gifts]
    _give(c, c.dario, e, [(c.bruno.member.id, 10)])
    with pytest.raises(error) as err, c.uow() as u:
        epochs.give(u, actor=people[who], epoch_id=e, gifts=resolved, now=c.clock())  # type: ignore[arg-type]
    assert err.value.code == code
    with c.uow(readonly=True) as u:
        assert len(epochs.epoch(u, actor=c.admin, epoch_id=e).gifts) == 1


def test_only_admins_open_and_close_and_other_organizations_are_not_found(
    community: Community, clock: FakeClock
) -> None:
    c = community
    with pytest.raises(Forbidden), c.uow() as u:
        epochs.open_epoch(u, actor=c.bruno, name="x", budget=100, now=c.clock())
    for bad, code in (({"budget": 0}, "amount.zero"), ({"fund": "member:2"}, "epoch.bad_fund")):
        args: dict[str, object] = {"name": "x", "budget": 100, **bad}
        with pytest.raises(InvalidInput) as err, c.uow() as u:
            epochs.open_epoch(u, actor=c.admin, now=c.clock(), **args)  # type: ignore[arg-type]
        assert err.value.code == code
    e = _open(c)
    with pytest.raises(Forbidden), c.uow() as u:
        epochs.close_epoch(u, actor=c.bruno, epoch_id=e, now=c.clock())
    other = make_community(c.uow, clock, slug="autre-lieu", fund=0)
    with pytest.raises(NotFound), c.uow(readonly=True) as u:
        epochs.epoch(u, actor=other.admin, epoch_id=e)
    with pytest.raises(NotFound), c.uow() as u:
        epochs.close_epoch(u, actor=other.admin, epoch_id=e, now=c.clock())


def test_closing_beyond_the_fund_writes_nothing(community: Community) -> None:
    c = community
    e = _open(c, budget=2_000_000)
    _give(c, c.bruno, e, [(c.chloe.member.id, 10)])
    with pytest.raises(InvalidInput) as err, c.uow() as u:
        epochs.close_epoch(u, actor=c.admin, epoch_id=e, now=c.clock())
    assert err.value.code == "epoch.insufficient_fund"
    with c.uow(readonly=True) as u:
        assert epochs.epoch(u, actor=c.admin, epoch_id=e).epoch.is_open
        assert distributions.distributions(u, actor=c.admin) == []


def test_twenty_concurrent_closes_post_once(community: Community) -> None:
    c = community
    e = _open(c)
    _give(c, c.bruno, e, [(c.chloe.member.id, 60), (c.dario.member.id, 40)])

    def close() -> str:
        try:
            with c.uow() as u:
                epochs.close_epoch(u, actor=c.admin, epoch_id=e, now=c.clock())
            return "closed"
        except Conflict:
            return "conflict"
        except DomainError as error:  # pragma: no cover - shown if it happens
            return error.code

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda _: close(), range(20)))
    assert results.count("closed") == 1 and results.count("conflict") == 19
    with c.uow(readonly=True) as u:
        posted = [x for x in ledger.journal(u, actor=c.admin) if x.entry.cause == f"epoch:{e}"]
        assert len(posted) == 1
        assert len(distributions.distributions(u, actor=c.admin)) == 1
        assert ledger.check(u, actor=c.admin).ok
