"""Twenty closes or claims at once on one round: one closing, posted once, within the envelope."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from partage.core import chart
from partage.core.closing import Policy, UnspentRule
from partage.core.errors import Conflict, DomainError, InvalidInput
from partage.services import ledger, rounds
from tests.conftest import Community


def _round(c: Community, envelope: int = 100_000) -> int:
    with c.uow() as u:
        return rounds.open_round(
            u,
            actor=c.admin,
            name="Concurrent",
            envelope=envelope,
            window=timedelta(days=7),
            policy=Policy.PRO_RATA,
            unspent_rule=UnspentRule.RETURN,
            now=c.clock(),
        ).id


def test_twenty_concurrent_closes_post_once(community: Community) -> None:
    c = community
    r = _round(c)
    for who, amount in ((c.bruno, 70_000), (c.chloe, 60_000)):
        with c.uow() as u:
            rounds.declare_claim(
                u, actor=who, round_id=r, amount=amount, justification="x", now=c.clock()
            )
    c.clock.advance(days=8)

    def close() -> str:
        try:
            with c.uow() as u:
                rounds.close(u, actor=c.admin, round_id=r, now=c.clock())
            return "closed"
        except Conflict:
            return "conflict"

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda _: close(), range(20)))
    assert results.count("closed") == 1 and results.count("conflict") == 19
    with c.uow(readonly=True) as u:
        closings = [
            e for e in ledger.journal(u, actor=c.admin) if e.entry.cause == f"round:{r}:closing"
        ]
        assert len(closings) == 1
        owed = sum(
            ledger.balance_of(u, actor=c.admin, account=chart.member_account(w.member.id)).minor
            for w in (c.bruno, c.chloe)
        )
        assert owed == 100_000
        assert ledger.balance_of(u, actor=c.admin, account=chart.round_account(r)).minor == 0
        assert ledger.check(u, actor=c.admin).ok


def test_claims_racing_a_close_are_either_in_the_round_or_refused(community: Community) -> None:
    c = community
    r = _round(c)
    c.clock.advance(days=1)
    members = [c.bruno, c.chloe, c.dario]

    def act(i: int) -> str:
        try:
            with c.uow() as u:
                if i == 10:
                    rounds.close(u, actor=c.admin, round_id=r, now=c.clock())
                    return "closed"
                rounds.declare_claim(
                    u,
                    actor=members[i % 3],
                    round_id=r,
                    amount=10_000 + i,
                    justification="x",
                    now=c.clock(),
                )
                return "declared"
        except InvalidInput as err:
            assert err.code == "round.closed"
            return "refused"
        except DomainError as err:  # pragma: no cover - would be a bug
            return err.code

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(act, range(21)))
    assert results.count("closed") == 1
    assert set(results) <= {"closed", "declared", "refused"}
    with c.uow(readonly=True) as u:
        view = rounds.view_round(u, actor=c.admin, round_id=r, now=c.clock())
        # Claims declared before the close are still in their window: carried, never dropped.
        assert len(view.claims) == results.count("declared")
        assert all(rec.carried for rec in view.claims)
        assert ledger.check(u, actor=c.admin).ok
