"""Properties of deciding: the order in which members vote never changes the outcome."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partage.services.context import Actor
from tests.conftest import Community
from tests.services.test_governance import assert_no_link, cast, close, place, propose

CHOICES = st.sampled_from(["agree", "disagree", "abstain"])


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    choices=st.lists(CHOICES, min_size=4, max_size=4),
    order=st.permutations(range(4)),
    secret=st.booleans(),
)
def test_the_order_of_votes_does_not_change_a_college_vote(
    community: Community, choices: list[str], order: list[int], secret: bool
) -> None:
    c = community
    place(c, {"Lieux": c.bruno, "Soutiens": c.dario})
    voters: list[Actor] = [c.admin, c.bruno, c.chloe, c.dario]
    with c.uow() as u:
        contributeurs = u.community.college_by_name(c.admin.org_id, "Contributeurs")
        assert contributeurs is not None
        u.governance.set_member_college(c.admin.org_id, c.admin.member.id, contributeurs.id)
        u.commit()
    first = propose(c, c.bruno, method="college_vote", secret=secret, days=1)
    second = propose(c, c.bruno, method="college_vote", secret=secret, days=1)
    for i in range(4):
        cast(c, voters[i], first, choices[i])
    for i in order:
        cast(c, voters[i], second, choices[i])
    if secret:
        assert_no_link(c, {v.member.id for v in voters}, {first, second})
    c.clock.advance(days=1)
    a, b = close(c, first).outcome, close(c, second).outcome
    assert a is not None and b is not None
    assert (a.outcome, a.result, a.turnout) == (b.outcome, b.result, b.turnout)
    assert a.tally["colleges"] == b.tally["colleges"]
