"""The scheduler, with a fake clock: proposals past their closing time are counted and roles
past their term ended, in every organization, once; a refusal in one organization leaves the
others' work done."""

from __future__ import annotations

from datetime import datetime, timedelta

from partage.core.errors import InvalidInput
from partage.services import governance as gov
from partage.services import governance_due, scheduler
from partage.services.context import UnitOfWork, UnitOfWorkFactory
from tests.conftest import Community, FakeClock, make_community
from tests.services.test_governance import cast, propose, rows
from tests.services.test_governance_actions import passed

DAY = timedelta(days=1)


def test_one_pass_counts_due_proposals_and_ends_roles_in_every_organization(
    community: Community, uow: UnitOfWorkFactory, clock: FakeClock
) -> None:
    c = community
    other = make_community(uow, clock, slug="jardin")
    # Tiers-lieux: Chloé is elected treasurer for 2 days (the vote closes on day 3).
    elected = passed(
        c,
        {"kind": "fill_role", "name": "Trésorière", "holder_id": c.chloe.member.id, "term_days": 2},
    )
    assert elected.outcome is not None and elected.outcome.action_status == "applied"
    role_ends = clock() + 2 * DAY
    # Then a vote that turns the public page on, and an advice (its decider decides, not time).
    public = propose(c, c.bruno, title="Page publique", days=1,
                     action={"kind": "set_public_page", "public": True})  # fmt: skip
    for who in (c.bruno, c.chloe):
        cast(c, who, public, "agree")
    advice = propose(c, c.bruno, method="advice", title="Conseil", days=1)
    # Jardin: a consent nobody objects to.
    consent = propose(other, other.bruno, method="consent", title="Compost", days=1)

    nothing = scheduler.run_due(uow, now=clock())
    assert nothing.organizations == ()

    clock.advance(days=2, seconds=1)
    report = scheduler.run_due(uow, now=clock())
    assert [(o.organization, o.counts) for o in report.organizations] == [
        ("tiers-lieux", {"proposals_closed": 1, "roles_ended": 1}),
        ("jardin", {"proposals_closed": 1}),
    ]
    assert report.organizations[0].done["proposals_closed"] == [public]
    assert report.organizations[1].done["proposals_closed"] == [consent]
    assert (report.total("proposals_closed"), report.total("roles_ended")) == (2, 1)

    with uow(readonly=True) as u:
        shown = gov.view_proposal(u, actor=c.dario, proposal_id=public, now=clock())
        [role] = gov.roles(u, actor=c.dario, now=clock())
        still = gov.view_proposal(u, actor=c.dario, proposal_id=advice, now=clock())
        jardin = gov.view_proposal(u, actor=other.dario, proposal_id=consent, now=clock())
    assert shown.outcome is not None
    assert (shown.outcome.outcome, shown.outcome.action_status) == ("passed", "applied")
    assert shown.outcome.closed_by is None  # time closed it, not a member
    assert c.actor(c.admin).organization.public_page
    assert still.outcome is None and still.status == "due"
    assert jardin.outcome is not None and jardin.outcome.outcome == "passed"
    assert (role.active, role.ended_reason, role.ended_at) == (False, "term", role_ends)
    stored = [r for r in rows(c)["governance_roles"] if r["organization_id"] == c.admin.org_id]
    assert stored[0]["ended_at"] == role_ends and stored[0]["ended_by_proposal"] is None
    ended = [e for e in rows(c)["governance_log"] if e["kind"] == "role_ended"]
    assert len(ended) == 1 and '"reason": "term"' in ended[0]["data"]

    before = rows(c)
    again = scheduler.run_due(uow, now=clock())
    assert again.organizations == ()
    assert rows(c) == before


def test_a_refusal_in_one_organization_leaves_the_others_done(
    community: Community, uow: UnitOfWorkFactory, clock: FakeClock
) -> None:
    c = community
    other = make_community(uow, clock, slug="jardin")
    for who in (c, other):
        propose(who, who.bruno, method="consent", title="Compost", days=1)
    clock.advance(days=2)
    jardin = other.admin.org_id

    def flaky(u: UnitOfWork, org_id: int, now: datetime) -> list[int]:
        if org_id == jardin:
            # Writes, then refuses: its transaction must not keep the write.
            u.governance.log(org_id, kind="comment", at=now, text="half done")
            raise InvalidInput("fee.no_rate", "no fee rate is set", field="rate")
        return governance_due.close_due_proposals(u, org_id=org_id, now=now)

    steps = (scheduler.Step("proposals_closed", scheduler.STEPS[0].due_in, flaky),)
    report = scheduler.run_due(uow, now=clock(), steps=steps)
    [lieux, refused] = report.organizations
    assert (lieux.organization, lieux.counts) == ("tiers-lieux", {"proposals_closed": 1})
    assert (refused.organization, refused.counts) == ("jardin", {})
    assert [(r.step, r.code) for r in refused.refused] == [("proposals_closed", "fee.no_rate")]
    with uow(readonly=True) as u:
        assert u.governance.organizations_with_due_proposals(clock()) == [jardin]
    assert not [e for e in rows(other)["governance_log"] if e["text"] == "half done"]
