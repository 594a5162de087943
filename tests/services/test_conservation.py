"""No sequence of round events creates or destroys money (a Hypothesis state machine).

Members declare, object, withdraw objections, amend, withdraw, waive and redirect; time
passes; rounds open and close; admins pay out. After every step the books balance, the bank
holds exactly what the funds, the open envelopes and the amounts owed to members add up to,
and nothing is owed below zero.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from partage.core import chart
from partage.core.claims import Disposition
from partage.core.closing import Policy, UnspentRule
from partage.core.errors import DomainError
from partage.services import ledger, rounds
from partage.storage.uow import UnitOfWorkFactory
from tests.conftest import Community, FakeClock, make_community

MAX_EXAMPLES = 40
examples_run: list[int] = []


def run_machine(uow: UnitOfWorkFactory, clock: FakeClock) -> None:
    class RoundEvents(RuleBasedStateMachine):
        community: Community
        open_round: int | None
        claims: list[int]

        @initialize()
        def setup(self) -> None:
            self.community = make_community(uow, clock, slug=f"collectif-{next(counter)}")
            self.open_round = None
            self.claims = []

        def member(self, index: int):  # type: ignore[no-untyped-def]
            c = self.community
            return (c.bruno, c.chloe, c.dario)[index % 3]

        def attempt(self, action) -> None:  # type: ignore[no-untyped-def]
            try:
                with uow() as u:
                    action(u)
            except DomainError:
                pass  # refused input writes nothing; the invariants check that too

        @precondition(lambda self: self.open_round is None)
        @rule(
            envelope=st.integers(1, 300_000),
            policy=st.sampled_from(list(Policy)),
            unspent=st.sampled_from(list(UnspentRule)),
        )
        def open(self, envelope: int, policy: Policy, unspent: UnspentRule) -> None:
            with uow() as u:
                self.open_round = rounds.open_round(
                    u,
                    actor=self.community.admin,
                    name="R",
                    envelope=envelope,
                    window=timedelta(days=7),
                    policy=policy,
                    unspent_rule=unspent,
                    now=clock(),
                ).id

        @precondition(lambda self: self.open_round is not None)
        @rule(
            who=st.integers(0, 2),
            amount=st.integers(1, 200_000),
            how=st.sampled_from(list(Disposition)),
        )
        def declare(self, who: int, amount: int, how: Disposition) -> None:
            target = "commons" if how is Disposition.REDIRECT else None
            try:
                with uow() as u:
                    record = rounds.declare_claim(
                        u,
                        actor=self.member(who),
                        round_id=self.open_round or 0,
                        amount=amount,
                        justification="travail",
                        now=clock(),
                        disposition=how,
                        redirect_to=target,
                    )
                self.claims.append(record.id)
            except DomainError:
                pass

        @precondition(lambda self: self.claims)
        @rule(who=st.integers(0, 2), pick=st.integers(0, 99))
        def object(self, who: int, pick: int) -> None:
            claim = self.claims[pick % len(self.claims)]
            self.attempt(
                lambda u: rounds.object_to_claim(
                    u, actor=self.member(who), claim_id=claim, reason="pourquoi ?", now=clock()
                )
            )

        @precondition(lambda self: self.claims)
        @rule(pick=st.integers(0, 99))
        def withdraw_objections(self, pick: int) -> None:
            claim = self.claims[pick % len(self.claims)]
            with uow(readonly=True) as u:
                record = rounds.view_claim(
                    u, actor=self.community.admin, claim_id=claim, now=clock()
                ).record
            for objection in record.claim.objections:
                objector = next(
                    m
                    for m in (self.community.bruno, self.community.chloe, self.community.dario)
                    if m.member.id == objection.objector_id
                )
                self.attempt(
                    lambda u, o=objection, who=objector: rounds.withdraw_objection(
                        u, actor=who, claim_id=claim, objection_id=o.id, now=clock()
                    )
                )

        @precondition(lambda self: self.claims)
        @rule(pick=st.integers(0, 99), amount=st.integers(1, 200_000), who=st.integers(0, 2))
        def amend(self, pick: int, amount: int, who: int) -> None:
            claim = self.claims[pick % len(self.claims)]
            self.attempt(
                lambda u: rounds.amend_claim(
                    u, actor=self.member(who), claim_id=claim, amount=amount, note="", now=clock()
                )
            )

        @precondition(lambda self: self.claims)
        @rule(pick=st.integers(0, 99), who=st.integers(0, 2))
        def withdraw(self, pick: int, who: int) -> None:
            claim = self.claims[pick % len(self.claims)]
            self.attempt(
                lambda u: rounds.withdraw_claim(
                    u, actor=self.member(who), claim_id=claim, now=clock()
                )
            )

        @rule(days=st.integers(1, 9))
        def time_passes(self, days: int) -> None:
            clock.advance(days=days)

        @precondition(lambda self: self.open_round is not None)
        @rule()
        def close(self) -> None:
            with uow() as u:
                rounds.close(
                    u, actor=self.community.admin, round_id=self.open_round or 0, now=clock()
                )
            self.open_round = None

        @rule(who=st.integers(0, 2))
        def pay_everything_owed(self, who: int) -> None:
            member = self.member(who)
            with uow(readonly=True) as u:
                owed = ledger.balance_of(
                    u, actor=self.community.admin, account=chart.member_account(member.member.id)
                )
            if owed.minor:
                with uow() as u:
                    ledger.pay_member(
                        u,
                        actor=self.community.admin,
                        member_id=member.member.id,
                        amount=owed.minor,
                        reference="VIR",
                        now=clock(),
                    )

        @invariant()
        def money_is_conserved(self) -> None:
            if not hasattr(self, "community"):
                return
            with uow(readonly=True) as u:
                shown = {
                    b.account: b.amount.minor
                    for b in ledger.balances(u, actor=self.community.admin)
                }
                assert ledger.check(u, actor=self.community.admin).ok
            held = shown.get(chart.BANK, 0)
            attributed = sum(
                amount
                for account, amount in shown.items()
                if account.split(":")[0] in ("fund", "round", "member")
            )
            assert held == attributed
            # What the collective owes beyond its envelopes is matched by its deficit.
            debts = sum(a for acc, a in shown.items() if acc.startswith("debt:"))
            assert debts == shown.get(chart.DEFICIT, 0)
            assert all(
                a >= 0 for acc, a in shown.items() if acc.startswith(("member:", "debt:", "fund:"))
            )
            if self.open_round is None:
                assert all(a == 0 for acc, a in shown.items() if acc.startswith("round:"))

    counter = iter(range(10**6))
    run_state_machine_as_test(
        RoundEvents,
        settings=settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    examples_run.append(next(counter))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_no_sequence_of_round_events_creates_or_destroys_money(
    uow: UnitOfWorkFactory, clock: FakeClock
) -> None:
    run_machine(uow, clock)
    # Each example builds its own community; make sure Hypothesis really ran them all.
    assert examples_run[-1] >= MAX_EXAMPLES
