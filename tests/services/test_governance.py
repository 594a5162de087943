"""Deciding together: proposals in bodies, decided by consent, advice, vote, college vote or
score, and the decisions that take effect — as a collective lives them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, update

from partage.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from partage.services import governance as gov
from partage.services.context import Actor
from partage.storage import tables as t
from tests.conftest import Community

DAY = timedelta(days=1)
ASSEMBLY = 1
ADMINS = 2
GOVERNANCE_TABLES = (
    t.governance_bodies,
    t.governance_body_members,
    t.governance_roles,
    t.proposals,
    t.proposal_votes,
    t.proposal_participants,
    t.proposal_counts,
    t.proposal_objections,
    t.proposal_advice,
    t.proposal_outcomes,
    t.governance_log,
    t.member_removals,
    t.governance_settings,
)


def propose(
    c: Community,
    who: Actor,
    *,
    method: str = "vote",
    body: int = ASSEMBLY,
    days: float = 3,
    title: str = "Ouvrir la page publique",
    **kw: Any,
) -> int:
    with c.uow() as u:
        return gov.open_proposal(
            u,
            actor=who,
            body_id=body,
            title=title,
            text="Montrer nos comptes et nos décisions à tous.",
            method=method,
            closes_at=c.clock() + timedelta(days=days),
            now=c.clock(),
            **kw,
        ).proposal.id


def cast(
    c: Community, who: Actor, proposal_id: int, choice: str | None = None, **kw: Any
) -> gov.ProposalView:
    with c.uow() as u:
        return gov.vote(u, actor=who, proposal_id=proposal_id, now=c.clock(), choice=choice, **kw)


def close(c: Community, proposal_id: int, who: Actor | None = None) -> gov.ProposalView:
    with c.uow() as u:
        return gov.close_proposal(u, actor=who or c.bruno, proposal_id=proposal_id, now=c.clock())


def view(c: Community, proposal_id: int, who: Actor | None = None) -> gov.ProposalView:
    with c.uow(readonly=True) as u:
        return gov.view_proposal(u, actor=who or c.bruno, proposal_id=proposal_id, now=c.clock())


def rows(c: Community) -> dict[str, list[dict[str, Any]]]:
    """Every governance table's rows, as the database holds them."""
    with c.uow(readonly=True) as u:
        conn = u.governance.conn
        return {
            table.name: [dict(r._mapping) for r in conn.execute(select(table)).all()]
            for table in GOVERNANCE_TABLES
        }


def refused(c: Community, kind: type[DomainError], code: str, call: Any) -> DomainError:
    """``call`` raises ``kind`` with ``code`` and writes nothing."""
    before = rows(c)
    with pytest.raises(kind) as caught, c.uow() as u:
        call(u)
    assert caught.value.code == code, caught.value.message
    assert rows(c) == before
    return caught.value


def assert_no_link(c: Community, voters: set[int], proposals: set[int]) -> None:
    """No row of any governance table names both a voter and a choice on ``proposals``."""
    choices = ("agree", "disagree", "abstain", "block")
    not_people = ("organization_id", "proposal_id", "body_id", "id")
    for table, found in rows(c).items():
        for row in found:
            if row.get("proposal_id") not in (None, *proposals):
                continue  # another proposal (an open vote in the same community)
            people = {
                v
                for k, v in row.items()
                if isinstance(v, int) and k.endswith("_id") and k not in not_people
            }
            said = [v for v in row.values() if isinstance(v, str) and any(w in v for w in choices)]
            assert not (people & voters and said), (table, row)


def place(c: Community, placements: Mapping[str, Actor]) -> None:
    """Put members in colleges (set up as an admin would)."""
    with c.uow() as u:
        colleges = {col.name: col.id for col in u.community.colleges(c.admin.org_id)}
        for college, who in placements.items():
            u.governance.set_member_college(c.admin.org_id, who.member.id, colleges[college])
        u.commit()


# -- the example: a consent that changes a setting ----------------------------------


def test_a_consent_objected_to_then_amended_passes_and_turns_the_public_page_on(
    community: Community,
) -> None:
    c = community
    assert not c.admin.organization.public_page
    pid = propose(c, c.bruno, method="consent", action={"kind": "set_public_page", "public": True})
    opened = view(c, pid)
    assert opened.status == "open"
    assert opened.proposal.window == 3 * DAY
    assert opened.proposal.action is not None
    assert opened.proposal.action.summary == "turn the public page on"

    c.clock.advance(days=1)
    with c.uow() as u:
        objected = gov.raise_objection(
            u, actor=c.chloe, proposal_id=pid, reason="Pas les noms des donateurs", now=c.clock()
        )
    assert [o.standing for o in objected.objections] == [True]
    with c.uow() as u:
        gov.comment(
            u,
            actor=c.bruno,
            proposal_id=pid,
            text="D'accord, on peut les retirer",
            now=c.clock(),
        )
    c.clock.advance(days=1)
    with c.uow() as u:
        amended = gov.amend_proposal(
            u,
            actor=c.bruno,
            proposal_id=pid,
            text="Montrer nos comptes, sans le nom des donateurs.",
            note="les dons restent anonymes",
            now=c.clock(),
        )
    assert amended.objections[0].resolution == "amended"
    assert amended.proposal.closes_at == c.clock() + 3 * DAY  # the window restarted

    c.clock.advance(days=2)  # the first window would have ended; this one has not
    refused(
        c,
        InvalidInput,
        "proposal.not_due",
        lambda u: gov.close_proposal(u, actor=c.dario, proposal_id=pid, now=c.clock()),
    )
    c.clock.advance(days=1)
    closed = close(c, pid, c.dario)
    assert closed.status == "closed"
    assert closed.outcome is not None
    assert closed.outcome.outcome == "passed"
    assert closed.outcome.action_status == "applied"
    assert c.actor(c.admin).organization.public_page

    with c.uow(readonly=True) as u:
        log = gov.decision_log(u, actor=c.admin, proposal_id=pid)
    assert [e.kind for e in log] == [
        "proposal_opened",
        "objection_raised",
        "comment",
        "proposal_amended",
        "proposal_closed",
        "action_applied",
    ]
    assert "Pas les noms des donateurs" in log[1].text
    assert log[2].text == "Bruno: D'accord, on peut les retirer"
    assert "les dons restent anonymes" in log[3].text
    assert log[3].data["previous_text"] == "Montrer nos comptes et nos décisions à tous."
    assert log[5].text == "applied: turn the public page on"


def test_a_standing_objection_rejects_a_consent_and_nothing_changes(community: Community) -> None:
    c = community
    pid = propose(c, c.bruno, method="consent", action={"kind": "set_public_page", "public": True})
    with c.uow() as u:
        gov.raise_objection(u, actor=c.chloe, proposal_id=pid, reason="trop tôt", now=c.clock())
    cast(c, c.dario, pid, "agree")
    c.clock.advance(days=3)
    closed = close(c, pid)
    assert closed.outcome is not None
    assert closed.outcome.outcome == "rejected"
    assert closed.outcome.action_status is None
    assert closed.outcome.tally["standing_objections"] == [str(c.chloe.member.id)]
    assert not c.actor(c.admin).organization.public_page


def test_a_withdrawn_objection_lets_the_consent_pass(community: Community) -> None:
    c = community
    pid = propose(c, c.bruno, method="consent")
    with c.uow() as u:
        objected = gov.raise_objection(
            u, actor=c.chloe, proposal_id=pid, reason="à discuter", now=c.clock()
        )
    objection_id = objected.objections[0].id
    refused(
        c,
        Forbidden,
        "objection.not_yours",
        lambda u: gov.withdraw_objection(
            u, actor=c.dario, proposal_id=pid, objection_id=objection_id, now=c.clock()
        ),
    )
    refused(
        c,
        InvalidInput,
        "vote.objection_stands",
        lambda u: gov.vote(u, actor=c.chloe, proposal_id=pid, now=c.clock(), choice="agree"),
    )
    with c.uow() as u:
        gov.withdraw_objection(
            u, actor=c.chloe, proposal_id=pid, objection_id=objection_id, now=c.clock()
        )
    c.clock.advance(days=3)
    closed = close(c, pid)
    assert closed.outcome is not None and closed.outcome.outcome == "passed"
    assert closed.objections[0].resolution == "withdrawn"


# -- votes ----------------------------------------------------------------------------------


def test_an_open_vote_can_be_changed_until_closing_and_the_log_keeps_both(
    community: Community,
) -> None:
    c = community
    pid = propose(c, c.bruno, threshold="two_thirds")
    cast(c, c.bruno, pid, "agree")
    cast(c, c.chloe, pid, "disagree")
    cast(c, c.dario, pid, "agree")
    changed = cast(c, c.chloe, pid, "agree")
    assert changed.my_choice == "agree"
    assert {v.voter_name: v.choice for v in changed.votes} == {
        "Bruno": "agree",
        "Chloé": "agree",
        "Dario": "agree",
    }
    refused(
        c,
        InvalidInput,
        "vote.unchanged",
        lambda u: gov.vote(u, actor=c.chloe, proposal_id=pid, now=c.clock(), choice="agree"),
    )
    c.clock.advance(days=3)
    refused(
        c,
        InvalidInput,
        "proposal.closed",
        lambda u: gov.vote(u, actor=c.chloe, proposal_id=pid, now=c.clock(), choice="disagree"),
    )
    closed = close(c, pid)
    assert closed.outcome is not None
    assert closed.outcome.outcome == "passed"
    assert closed.outcome.result == "1.000000"
    # Aïcha (admin) did not vote: 3 of the 4 members who are not observers.
    assert closed.outcome.turnout == "0.750000"
    kinds = [e.kind for e in closed.events]
    assert kinds.count("vote_cast") == 3 and kinds.count("vote_changed") == 1
    changed_entry = next(e for e in closed.events if e.kind == "vote_changed")
    assert changed_entry.data == {
        "choice": "agree",
        "scores": None,
        "previous": "disagree",
        "previous_scores": None,
    }
    refused(
        c,
        DomainError,
        "proposal.closed",
        lambda u: gov.close_proposal(u, actor=c.bruno, proposal_id=pid, now=c.clock()),
    )


def test_who_may_vote_and_how(community: Community) -> None:
    c = community
    with c.uow() as u:
        circle = gov.create_circle(
            u,
            actor=c.admin,
            name="Cercle jardin",
            member_ids=(c.bruno.member.id, c.chloe.member.id),
            now=c.clock(),
        )
    assert circle.id == 3 and circle.member_ids == (c.bruno.member.id, c.chloe.member.id)
    pid = propose(c, c.bruno, body=circle.id, title="Acheter des graines")
    refused(
        c,
        Forbidden,
        "body.not_member",
        lambda u: gov.vote(u, actor=c.dario, proposal_id=pid, now=c.clock(), choice="agree"),
    )
    refused(
        c,
        Forbidden,
        "role.observer",
        lambda u: gov.vote(u, actor=c.observer, proposal_id=pid, now=c.clock(), choice="agree"),
    )
    refused(
        c,
        InvalidInput,
        "vote.block_not_allowed",
        lambda u: gov.vote(u, actor=c.chloe, proposal_id=pid, now=c.clock(), choice="block"),
    )
    refused(
        c,
        InvalidInput,
        "vote.bad_choice",
        lambda u: gov.vote(u, actor=c.chloe, proposal_id=pid, now=c.clock(), choice="peut-être"),
    )
    refused(
        c,
        Forbidden,
        "role.observer",
        lambda u: gov.open_proposal(
            u,
            actor=c.observer,
            body_id=ASSEMBLY,
            title="x",
            text="y",
            method="vote",
            closes_at=c.clock() + DAY,
            now=c.clock(),
        ),
    )
    refused(
        c,
        Forbidden,
        "body.not_member",
        lambda u: gov.open_proposal(
            u,
            actor=c.bruno,
            body_id=ADMINS,
            title="x",
            text="y",
            method="vote",
            closes_at=c.clock() + DAY,
            now=c.clock(),
        ),
    )
    refused(
        c,
        NotFound,
        "proposal.not_found",
        lambda u: gov.vote(u, actor=c.bruno, proposal_id=999, now=c.clock(), choice="agree"),
    )


def test_blocks_where_the_body_allows_them(community: Community) -> None:
    c = community
    # The admins' body allows blocks: one block is enough.
    pid = propose(c, c.admin, body=ADMINS, title="Changer de banque")
    cast(c, c.admin, pid, "block")
    c.clock.advance(days=3)
    closed = close(c, pid, c.admin)
    assert closed.outcome is not None and closed.outcome.outcome == "blocked"


def test_opening_refuses_rules_that_do_not_fit(community: Community) -> None:
    c = community

    def opening(**kw: Any) -> Any:
        args: dict[str, Any] = {
            "actor": c.bruno,
            "body_id": ASSEMBLY,
            "title": "Titre",
            "text": "Texte",
            "method": "vote",
            "closes_at": c.clock() + DAY,
            "now": c.clock(),
        }
        args.update(kw)
        return lambda u: gov.open_proposal(u, **args)

    refused(c, InvalidInput, "proposal.closes_in_past", opening(closes_at=c.clock()))
    refused(c, InvalidInput, "proposal.unknown_method", opening(method="tirage"))
    refused(c, InvalidInput, "proposal.secret_method", opening(method="consent", secret=True))
    refused(
        c,
        InvalidInput,
        "proposal.threshold_not_used",
        opening(method="consent", threshold="majority"),
    )
    refused(c, InvalidInput, "proposal.quorum_range", opening(quorum="1.5"))
    refused(c, InvalidInput, "proposal.options", opening(method="score", options=("seul",)))
    # Everyone is in the college Contributeurs: Lieux and Soutiens have nobody.
    refused(c, InvalidInput, "proposal.empty_college", opening(method="college_vote"))


# -- a secret vote keeps no link between a voter and a choice --------------------------------


def test_a_secret_college_vote_keeps_counts_and_who_voted_but_no_link(
    community: Community,
) -> None:
    c = community
    place(c, {"Lieux": c.bruno, "Soutiens": c.dario})
    # Aïcha goes in Lieux too, so that Lieux has two voters.
    with c.uow() as u:
        lieux = u.community.college_by_name(c.admin.org_id, "Lieux")
        assert lieux is not None
        u.governance.set_member_college(c.admin.org_id, c.admin.member.id, lieux.id)
        u.commit()
    pid = propose(c, c.bruno, method="college_vote", secret=True, title="Budget 2027")
    cast(c, c.admin, pid, "disagree")
    cast(c, c.bruno, pid, "agree")
    cast(c, c.chloe, pid, "agree")
    mine = cast(c, c.dario, pid, "abstain")
    assert mine.voted and mine.my_choice is None and mine.votes == () and mine.counts == ()
    assert mine.voters == 4

    refused(
        c,
        InvalidInput,
        "vote.already_cast",
        lambda u: gov.vote(u, actor=c.bruno, proposal_id=pid, now=c.clock(), choice="disagree"),
    )

    voters = {a.member.id for a in (c.admin, c.bruno, c.chloe, c.dario)}
    assert_no_link(c, voters, {pid})
    assert rows(c)["proposal_votes"] == []
    assert {r["member_id"] for r in rows(c)["proposal_participants"]} == voters

    c.clock.advance(days=3)
    closed = close(c, pid)
    assert closed.outcome is not None
    # Lieux (40): 1 agree of 2 expressed; Contributeurs (40): 1 of 1; Soutiens (20) abstained
    # and is left out: (40 × 1/2 + 40 × 1) / 80 = 0.75.
    assert closed.outcome.result == "0.750000"
    assert closed.outcome.outcome == "passed"
    counts = {cc.college: (cc.agree, cc.disagree, cc.abstain) for cc in closed.counts}
    assert counts["Lieux"] == (1, 1, 0) and counts["Soutiens"] == (0, 0, 1)
    assert closed.outcome.tally["blocked_by"] == []


def test_a_scic_refuses_a_college_vote_with_weights_outside_the_law(
    community: Community,
) -> None:
    c = community
    place(c, {"Lieux": c.bruno, "Soutiens": c.dario})
    with c.uow() as u:
        u.governance.conn.execute(
            update(t.organizations)
            .where(t.organizations.c.id == c.admin.org_id)
            .values(legal_form="scic")
        )
        u.commit()
    bruno = c.actor(c.bruno)
    # 40 / 40 / 20 fits the law.
    propose(c, bruno, method="college_vote", title="Conforme")
    with c.uow() as u:
        for college in u.community.colleges(c.admin.org_id):
            weight = {"Lieux": "60", "Contributeurs": "30", "Soutiens": "10"}[college.name]
            u.governance.set_college_weight(c.admin.org_id, college.id, Decimal(weight))
        u.commit()
    error = refused(
        c,
        InvalidInput,
        "proposal.scic_weight",
        lambda u: gov.open_proposal(
            u,
            actor=bruno,
            body_id=ASSEMBLY,
            title="Hors la loi",
            text="t",
            method="college_vote",
            closes_at=c.clock() + DAY,
            now=c.clock(),
        ),
    )
    assert "Lieux" in error.message and "60" in error.message
    with c.uow() as u:
        lieux = u.community.college_by_name(c.admin.org_id, "Lieux")
        assert lieux is not None
        u.governance.set_college_weight(c.admin.org_id, lieux.id, Decimal(50))
        u.commit()
    error = refused(
        c,
        InvalidInput,
        "proposal.weights_sum",
        lambda u: gov.open_proposal(
            u,
            actor=bruno,
            body_id=ASSEMBLY,
            title="Mal pesé",
            text="t",
            method="college_vote",
            closes_at=c.clock() + DAY,
            now=c.clock(),
        ),
    )
    assert "sum to 90, not 100" in error.message


# -- advice and score -----------------------------------------------------------------------


def test_advice_is_recorded_then_the_decider_decides(community: Community) -> None:
    c = community
    pid = propose(
        c,
        c.bruno,
        method="advice",
        decider_id=c.chloe.member.id,
        title="Nouveau fournisseur de café",
        action={"kind": "set_public_page", "public": True},
    )
    with c.uow() as u:
        gov.give_advice(u, actor=c.dario, proposal_id=pid, text="Prendre le local", now=c.clock())
    refused(
        c,
        InvalidInput,
        "vote.advice",
        lambda u: gov.vote(u, actor=c.dario, proposal_id=pid, now=c.clock(), choice="agree"),
    )
    refused(
        c,
        InvalidInput,
        "decision.too_early",
        lambda u: gov.decide(
            u, actor=c.chloe, proposal_id=pid, adopt=True, text="ok", now=c.clock()
        ),
    )
    c.clock.advance(days=3)
    refused(
        c,
        Forbidden,
        "decision.not_decider",
        lambda u: gov.decide(
            u, actor=c.bruno, proposal_id=pid, adopt=True, text="ok", now=c.clock()
        ),
    )
    with c.uow() as u:
        due = gov.close_due(u, actor=c.bruno, now=c.clock())
    assert due == []  # an advice proposal waits for its decider
    with c.uow() as u:
        decided = gov.decide(
            u,
            actor=c.chloe,
            proposal_id=pid,
            adopt=True,
            text="Le local, comme Dario le conseille",
            now=c.clock(),
        )
    assert decided.outcome is not None
    assert decided.outcome.outcome == "passed"
    assert decided.outcome.decision_text == "Le local, comme Dario le conseille"
    assert [a.text for a in decided.advice] == ["Prendre le local"]
    assert c.actor(c.admin).organization.public_page


def test_a_score_chooses_the_best_mean(community: Community) -> None:
    c = community
    pid = propose(c, c.bruno, method="score", options=("Lyon", "Nantes"), title="Où se retrouver")
    cast(c, c.bruno, pid, scores={"Lyon": 5, "Nantes": 2})
    cast(c, c.chloe, pid, scores={"Lyon": 1, "Nantes": 3})
    cast(c, c.dario, pid, scores={"Nantes": 5})
    refused(
        c,
        InvalidInput,
        "vote.score_range",
        lambda u: gov.vote(u, actor=c.admin, proposal_id=pid, now=c.clock(), scores={"Lyon": 6}),
    )
    c.clock.advance(days=3)
    with c.uow() as u:
        assert gov.close_due(u, actor=c.dario, now=c.clock()) == [pid]
    closed = view(c, pid)
    assert closed.outcome is not None
    # Lyon (5 + 1) / 2 = 3; Nantes (2 + 3 + 5) / 3 = 10/3.
    assert closed.outcome.chosen == "Nantes"
    assert closed.outcome.outcome == "passed"
    options: Any = closed.outcome.tally["options"]
    assert options["Nantes"]["score"] == "3.333333"


def test_the_assembly_and_the_admins_exist_from_the_start(community: Community) -> None:
    c = community
    with c.uow(readonly=True) as u:
        shown = gov.bodies(u, actor=c.observer)
    assert [(b.id, b.kind, b.allows_blocks) for b in shown] == [
        (1, "assembly", False),
        (2, "admins", True),
    ]
    everyone = {a.member.id for a in (c.admin, c.bruno, c.chloe, c.dario)}
    assert set(shown[0].member_ids) == everyone  # the observer sits in no body
    assert shown[1].member_ids == (c.admin.member.id,)
    assert rows(c)["governance_bodies"] == []  # reading wrote nothing
    refused(
        c,
        Forbidden,
        "role.not_admin",
        lambda u: gov.create_circle(
            u, actor=c.bruno, name="Cercle", member_ids=(c.bruno.member.id,), now=c.clock()
        ),
    )
    refused(
        c,
        InvalidInput,
        "body.observer",
        lambda u: gov.create_circle(
            u, actor=c.admin, name="Cercle", member_ids=(c.observer.member.id,), now=c.clock()
        ),
    )


def test_a_proposal_is_due_after_its_closing_time_until_counted_and_a_quorum_counts(
    community: Community,
) -> None:
    c = community
    pid = propose(c, c.bruno, quorum="0.75", days=1)
    cast(c, c.bruno, pid, "agree")
    cast(c, c.chloe, pid, "agree")
    with c.uow(readonly=True) as u:
        assert [p.status for p in gov.proposals(u, actor=c.dario, now=c.clock())] == ["open"]
    c.clock.advance(days=1)
    with c.uow(readonly=True) as u:
        assert [
            p.proposal.id for p in gov.proposals(u, actor=c.dario, now=c.clock(), status="due")
        ] == [pid]
        assert gov.proposals(u, actor=c.dario, now=c.clock(), status="closed") == []
    refused(
        c,
        Forbidden,
        "role.observer",
        lambda u: gov.close_proposal(u, actor=c.observer, proposal_id=pid, now=c.clock()),
    )
    closed = close(c, pid, c.dario)
    assert closed.outcome is not None
    # 2 of the 4 members took part: below three quarters, nothing was decided.
    assert (closed.outcome.outcome, closed.outcome.turnout) == ("no_quorum", "0.500000")


def test_only_the_author_amends_and_only_a_consent_takes_objections(community: Community) -> None:
    c = community
    consent = propose(c, c.bruno, method="consent")
    voted = propose(c, c.bruno)
    refused(
        c,
        Forbidden,
        "proposal.not_author",
        lambda u: gov.amend_proposal(
            u, actor=c.chloe, proposal_id=consent, text="autre", now=c.clock()
        ),
    )
    refused(
        c,
        InvalidInput,
        "objection.own_proposal",
        lambda u: gov.raise_objection(
            u, actor=c.bruno, proposal_id=consent, reason="r", now=c.clock()
        ),
    )
    refused(
        c,
        InvalidInput,
        "objection.not_consent",
        lambda u: gov.raise_objection(
            u, actor=c.chloe, proposal_id=voted, reason="r", now=c.clock()
        ),
    )
    refused(
        c,
        InvalidInput,
        "reason.required",
        lambda u: gov.raise_objection(
            u, actor=c.chloe, proposal_id=consent, reason="  ", now=c.clock()
        ),
    )
    refused(
        c,
        InvalidInput,
        "vote.bad_choice",
        lambda u: gov.vote(u, actor=c.chloe, proposal_id=consent, now=c.clock(), choice="disagree"),
    )


def test_a_quorum_per_college_needs_every_college_to_take_part(community: Community) -> None:
    c = community
    place(c, {"Lieux": c.bruno, "Soutiens": c.dario})
    pid = propose(c, c.bruno, method="college_vote", quorum="1", quorum_per_college=True)
    cast(c, c.bruno, pid, "agree")
    cast(c, c.chloe, pid, "agree")
    refused(
        c,
        InvalidInput,
        "vote.no_college",
        lambda u: gov.vote(u, actor=c.admin, proposal_id=pid, now=c.clock(), choice="agree"),
    )
    c.clock.advance(days=3)
    closed = close(c, pid)
    assert closed.outcome is not None and closed.outcome.outcome == "no_quorum"
    colleges: Any = closed.outcome.tally["colleges"]
    assert colleges["Soutiens"]["quorum_met"] is False
    assert colleges["Lieux"]["quorum_met"] is True
    refused(
        c,
        InvalidInput,
        "proposal.quorum_per_college",
        lambda u: gov.open_proposal(
            u,
            actor=c.bruno,
            body_id=ASSEMBLY,
            title="t",
            text="t",
            method="vote",
            closes_at=c.clock() + DAY,
            now=c.clock(),
            quorum="0.5",
            quorum_per_college=True,
        ),
    )
