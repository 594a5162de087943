"""Whatever members do with their units, and whatever admins reverse, no balance goes below
its limit and the books hold: Σ member balances = what the issuing account has put in
circulation, per unit."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partage.core.errors import Conflict, InvalidInput
from partage.services import ledger, units
from tests.conftest import Community

STEP = st.tuples(
    st.sampled_from(["buy", "grant", "spend", "pay", "exchange", "reverse"]),
    st.integers(0, 3),  # who acts (pays, or receives the service)
    st.integers(0, 3),  # the other member
    st.integers(1, 900),  # quantity: credits, or hundredths of an hour; or which to reverse
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(STEP, min_size=1, max_size=16))
def test_random_operations_keep_every_member_within_limit_and_the_books_balanced(
    community: Community, steps: list[tuple[str, int, int, int]]
) -> None:
    c = community
    with c.uow() as u:
        if not u.units.units(c.admin.org_id):
            units.define_unit(
                u,
                actor=c.admin,
                code="CREDIT",
                name="Crédits",
                kind="credit",
                price="0.25",
                negative_limit="3",
                now=c.clock(),
            )
            units.define_unit(
                u,
                actor=c.admin,
                code="HOUR",
                name="Heures",
                kind="time",
                negative_limit="4",
                now=c.clock(),
            )
    members = [c.admin, c.bruno, c.chloe, c.dario]
    for kind, who, other, quantity in steps:
        actor, counterpart = members[who], members[other]
        credits = str(quantity % 40 + 1)
        with c.uow() as u:
            try:
                if kind == "buy":
                    units.buy(
                        u,
                        actor=c.admin,
                        code="CREDIT",
                        member_id=actor.member.id,
                        quantity=str(4 * (quantity % 10 + 1)),
                        now=c.clock(),
                    )
                elif kind == "grant":
                    units.grant(
                        u,
                        actor=c.admin,
                        code="CREDIT",
                        member_id=actor.member.id,
                        quantity=credits,
                        reason="welcome",
                        now=c.clock(),
                    )
                elif kind == "spend":
                    units.spend(
                        u,
                        actor=actor,
                        code="CREDIT",
                        quantity=credits,
                        purpose="offer",
                        now=c.clock(),
                    )
                elif kind == "pay":
                    units.spend(
                        u,
                        actor=actor,
                        code="CREDIT",
                        quantity=credits,
                        purpose="help",
                        to_member=counterpart.member.id,
                        now=c.clock(),
                    )
                elif kind == "reverse":
                    done = units.movements(u, actor=c.admin, limit=1000)
                    if done:
                        units.reverse(
                            u,
                            actor=c.admin,
                            operation_id=done[quantity % len(done)].id,
                            reason="mistake",
                            now=c.clock(),
                        )
                else:
                    units.exchange(
                        u,
                        actor=actor,
                        code="HOUR",
                        giver_id=counterpart.member.id,
                        quantity=f"{quantity / 100:.2f}",
                        service="care",
                        now=c.clock(),
                    )
            except (InvalidInput, Conflict) as refusal:
                assert refusal.code in (
                    "units.insufficient_balance",
                    "units.same_member",
                    "units.reversal_below_limit",
                    "units.reversal_of_reversal",
                    "units.already_reversed",
                )
        with c.uow(readonly=True) as u:
            for code in ("CREDIT", "HOUR"):
                summary = units.summary(u, actor=c.admin, code=code)
                assert sum(summary.balances.values()) == summary.circulation
                assert all(b >= -summary.unit.negative_limit for b in summary.balances.values())
            operations = units.movements(u, actor=c.admin, limit=1000)
            kept = [op for op in operations if op.kind == "buy" and op.reversed_by is None]
            bought = sum(op.money_amount or 0 for op in kept)
            # what buyers paid is in the operations fund, to the cent (0.25 € a credit),
            # less the purchases reversed
            assert ledger.balance_of(u, actor=c.admin, account="fund:operations").minor == bought
            assert bought == sum(25 * op.quantity for op in kept)
            # every reversal names an operation that names it back
            reversed_by = {op.reverses: op.id for op in operations if op.kind == "reversal"}
            assert reversed_by == {
                op.id: op.reversed_by for op in operations if op.reversed_by is not None
            }
    with c.uow(readonly=True) as u:
        assert ledger.check(u, actor=c.admin).ok
