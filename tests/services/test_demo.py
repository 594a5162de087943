"""The demo community is believable, consistent, and loaded once."""

from __future__ import annotations

from partage.core.claims import ClaimStatus, Disposition
from partage.core.rounds import RoundStatus
from partage.services import demo, ledger, organizations, rounds, units
from partage.services.accounts import sign_in
from partage.services.context import acting
from partage.storage.uow import UnitOfWorkFactory
from tests.conftest import FakeClock


def test_the_demo_tells_the_whole_story(uow: UnitOfWorkFactory, clock: FakeClock) -> None:
    first = demo.load(uow, now=clock())
    again = demo.load(uow, now=clock())
    assert first.created and not again.created
    with uow(readonly=True) as u:
        user = sign_in(u, email=demo.DEMO_ADMIN, password=demo.DEMO_PASSWORD)
        actor = acting(u, slug=demo.DEMO_SLUG, user_id=user.id)
        members = organizations.members(u, actor=actor)
        assert len(members) == 12
        assert len(organizations.colleges(u, actor=actor)) == 3
        closed, open_ = sorted(rounds.rounds(u, actor=actor), key=lambda r: r.id)
        assert closed.status is RoundStatus.CLOSED and open_.status is RoundStatus.OPEN
        assert open_.rates and open_.rolled_in > 0
        view = rounds.view_round(u, actor=actor, round_id=open_.id, now=clock())
        states = set(view.statuses.values())
        assert {ClaimStatus.ACCEPTED, ClaimStatus.IN_WINDOW, ClaimStatus.UNDER_OBJECTION} <= states
        dispositions = {r.claim.disposition for r in view.claims}
        assert dispositions == {Disposition.TAKE, Disposition.WAIVE, Disposition.REDIRECT}
        assert view.report is None
        winter = rounds.view_round(u, actor=actor, round_id=closed.id, now=clock())
        assert winter.report is not None and winter.report["unspent"] == open_.rolled_in
        payouts = [e for e in ledger.journal(u, actor=actor) if e.entry.cause.startswith("payout:")]
        assert len(payouts) == 3
        assert ledger.check(u, actor=actor).ok
        # the platform's four months: bookings and trainings split by the rules, one refund,
        # the places' quarterly fee charged
        journal = ledger.journal(u, actor=actor)
        causes = [e.entry.cause.split(":")[0] for e in journal]
        assert causes.count("transaction") > 100
        refunds = [
            e
            for e in journal
            if e.entry.cause.startswith("transaction:") and e.entry.postings[0].amount < 0
        ]
        assert len(refunds) == 1
        assert causes.count("subscription") == 3 * 2  # three places, two quarters begun
        pool = ledger.balance_of(u, actor=actor, account="fund:pool:contributeurs").minor
        reserve = ledger.balance_of(u, actor=actor, account="fund:reserve").minor
        assert pool > 0 and reserve > 0
        bank = units.summary(u, actor=actor, code="HEURE")
        assert bank.unit.kind.value == "time" and len(bank.balances) == 5


def test_an_interrupted_demo_says_so(uow: UnitOfWorkFactory, clock: FakeClock) -> None:
    import pytest

    from partage.core.errors import Conflict

    calls = 0
    real = organizations.add_college

    def failing(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(organizations, "add_college", failing)
        with pytest.raises(KeyboardInterrupt):
            demo.load(uow, now=clock())
    with pytest.raises(Conflict) as err:
        demo.load(uow, now=clock())
    assert err.value.code == "demo.incomplete"
