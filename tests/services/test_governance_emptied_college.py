"""A college that loses its last member while a college vote is open is counted as what it
is — nobody — never as a phantom member who did not take part."""

from __future__ import annotations

from partage.services import governance as gov
from tests.conftest import Community
from tests.services.test_governance import cast, close, place, propose, rows


def empty_soutiens(c: Community) -> None:
    """Dario, the only member of Soutiens, moves to Contributeurs mid-vote."""
    place(c, {"Contributeurs": c.dario})


def test_an_emptied_college_does_not_count_in_the_quorum(community: Community) -> None:
    c = community
    place(c, {"Lieux": c.bruno, "Soutiens": c.dario})
    pid = propose(c, c.bruno, method="college_vote", quorum="0.6", title="Budget 2027")
    cast(c, c.bruno, pid, "agree")
    cast(c, c.chloe, pid, "agree")
    empty_soutiens(c)
    c.clock.advance(days=3)
    closed = close(c, pid)
    assert closed.outcome is not None
    # At closing the colleges hold Bruno (Lieux), Chloé and Dario (Contributeurs), and nobody
    # in Soutiens: 2 of 3 members took part, 0.667 ≥ 0.6. A phantom in Soutiens would make it
    # 2 of 4 = 0.5, no quorum.
    assert (closed.outcome.outcome, closed.outcome.turnout) == ("passed", "0.666667")
    colleges: dict[str, dict[str, object]] = closed.outcome.tally["colleges"]  # type: ignore[assignment]
    assert colleges["Soutiens"]["members"] == 0
    assert {name: c["members"] for name, c in colleges.items()} == {
        "Lieux": 1,
        "Contributeurs": 2,
        "Soutiens": 0,
    }


def test_an_emptied_college_asks_no_quorum_of_its_own(community: Community) -> None:
    c = community
    place(c, {"Lieux": c.bruno, "Soutiens": c.dario})
    pid = propose(c, c.bruno, method="college_vote", quorum="1", quorum_per_college=True)
    for who in (c.bruno, c.chloe):
        cast(c, who, pid, "agree")
    empty_soutiens(c)
    cast(c, c.dario, pid, "disagree")  # now in Contributeurs, where every member takes part
    c.clock.advance(days=3)
    closed = close(c, pid)
    assert closed.outcome is not None
    colleges: dict[str, dict[str, object]] = closed.outcome.tally["colleges"]  # type: ignore[assignment]
    assert "quorum_met" not in colleges["Soutiens"]  # it asks none
    assert colleges["Lieux"]["quorum_met"] is True
    assert colleges["Contributeurs"]["quorum_met"] is True
    # Lieux (40) 1 of 1 agree, Contributeurs (40) 1 of 2, Soutiens left out:
    # (40 × 1 + 40 × 1/2) / 80 = 0.75.
    assert (closed.outcome.outcome, closed.outcome.result) == ("passed", "0.750000")


def test_a_secret_vote_in_an_emptied_college_counts_only_real_members(
    community: Community,
) -> None:
    c = community
    place(c, {"Lieux": c.bruno, "Soutiens": c.dario})
    pid = propose(c, c.bruno, method="college_vote", secret=True, quorum="0.6")
    cast(c, c.bruno, pid, "agree")
    cast(c, c.chloe, pid, "agree")
    empty_soutiens(c)
    c.clock.advance(days=3)
    before = len(rows(c)["proposal_outcomes"])
    closed = close(c, pid)
    assert closed.outcome is not None
    assert (closed.outcome.outcome, closed.outcome.turnout) == ("passed", "0.666667")
    assert len(rows(c)["proposal_outcomes"]) == before + 1
    with c.uow(readonly=True) as u:
        shown = gov.view_proposal(u, actor=c.chloe, proposal_id=pid, now=c.clock())
    assert shown.outcome is not None and shown.outcome.outcome == "passed"
