"""The tally: worked examples checked by hand, the edge cases, and every refusal."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from partage.core.errors import InvalidInput
from partage.core.governance import College, Counts, Objection, Rules, Vote, tally
from partage.core.governance.document import decimal_text, read, tally_document


def votes(**choices: str) -> list[Vote]:
    return [Vote(voter, choice) for voter, choice in choices.items()]


def members(*names: str) -> tuple[College, ...]:
    return (College("members", members=names),)


SCANI = (
    College("workers", size=16, weight=Decimal(40), counts=Counts(9, 3, 2)),
    College("users", size=457, weight=Decimal(25), counts=Counts(60, 40, 20)),
    College("professionals", size=146, weight=Decimal(25), counts=Counts(20, 30, 5)),
    College("supporters", size=252, weight=Decimal(10), counts=Counts(30, 10, 10)),
)


# ---- worked examples ----


def test_an_assembly_weighted_40_25_25_10_with_abstentions() -> None:
    done = tally(Rules("college_vote", "majority", legal_form="scic"), SCANI)
    # 0.40 × 9/12 + 0.25 × 60/100 + 0.25 × 20/50 + 0.10 × 30/40
    # = 0.300 + 0.150 + 0.100 + 0.075 = 0.625 = 5/8; abstentions (2, 20, 5, 10) not expressed.
    assert done.result == Fraction(5, 8)
    assert done.outcome == "passed"
    # 14 + 120 + 55 + 50 = 239 voters of 16 + 457 + 146 + 252 = 871 members.
    assert (done.voters, done.members, done.turnout) == (239, 871, Fraction(239, 871))
    assert [c.share for c in done.colleges] == [
        Fraction(3, 4),
        Fraction(3, 5),
        Fraction(2, 5),
        Fraction(3, 4),
    ]
    # 5/8 is below two thirds: the same ballot fails a two-thirds threshold.
    assert tally(Rules("college_vote", "two_thirds"), SCANI).outcome == "rejected"


def test_the_same_assembly_one_member_one_vote_is_counted_differently() -> None:
    as_one = (College("all", size=871, counts=Counts(119, 83, 37)),)
    done = tally(Rules("vote", "majority"), as_one)
    assert done.result == Fraction(119, 202)  # 9+60+20+30 agree of 12+100+50+40 expressed


def test_a_college_with_no_expressed_vote_is_left_out_and_the_others_rescaled() -> None:
    colleges = (
        College("workers", ("ana", "ben", "carla", "dan"), weight=Decimal(40)),
        College("users", ("eve", "fred", "gus", "hana"), weight=Decimal(25)),
        College("partners", ("ivo", "jo"), weight=Decimal(25)),
        College("supporters", ("kim", "lou"), weight=Decimal(10)),
    )
    cast = votes(
        ana="agree", ben="agree", carla="disagree", dan="abstain",
        eve="agree", fred="disagree", gus="disagree",
        ivo="abstain", jo="abstain", kim="agree",
    )  # fmt: skip
    done = tally(Rules("college_vote", "majority", legal_form="scic"), colleges, cast)
    # (40 × 2/3 + 25 × 1/3 + 10 × 1) / (40 + 25 + 10) = 45 / 75 = 3/5
    assert done.result == Fraction(3, 5)
    assert [c.weight_used for c in done.colleges] == [
        Fraction(40, 75),
        Fraction(25, 75),
        Fraction(0),
        Fraction(10, 75),
    ]
    assert done.colleges[2].share is None
    assert done.outcome == "passed"


def test_quorum_not_reached_voids_even_a_unanimous_vote() -> None:
    ten = members(*[f"m{i}" for i in range(10)])
    cast = [Vote(f"m{i}", "agree") for i in range(4)]
    done = tally(Rules("vote", "majority", quorum=Decimal("0.5")), ten, cast)
    assert (done.outcome, done.quorum_met, done.turnout) == ("no_quorum", False, Fraction(2, 5))
    assert done.result == 1
    # Abstentions count for the quorum: one more member abstaining makes it 5/10 = 0.5.
    done = tally(Rules("vote", quorum=Decimal("0.5")), ten, [*cast, Vote("m9", "abstain")])
    assert (done.outcome, done.quorum_met) == ("passed", True)


def test_a_tie_is_not_a_majority() -> None:
    four = members("a", "b", "c", "d", "e")
    done = tally(Rules("vote", "majority"), four, votes(a="agree", b="agree", c="disagree",
                                                         d="disagree", e="abstain"))  # fmt: skip
    assert (done.result, done.outcome) == (Fraction(1, 2), "rejected")


def test_two_thirds_is_compared_exactly() -> None:
    three = members("a", "b", "c")
    done = tally(Rules("vote", "two_thirds"), three, votes(a="agree", b="agree", c="disagree"))
    assert done.result == Fraction(2, 3)
    assert done.outcome == "passed"
    assert (
        tally_document(
            {
                "method": "vote",
                "threshold": "two_thirds",
                "members": ["a", "b", "c"],
                "votes": [
                    {"voter": "a", "choice": "agree"},
                    {"voter": "b", "choice": "agree"},
                    {"voter": "c", "choice": "disagree"},
                ],
            }
        )["result"]
        == "0.666667"
    )
    # Just under two thirds (in a college vote, 2/3 - 1/300) is rejected.
    colleges = (
        College("x", size=3, weight=Decimal(99), counts=Counts(2, 1)),
        College("y", size=1, weight=Decimal(1), counts=Counts(0, 1)),
    )
    done = tally(Rules("college_vote", "two_thirds"), colleges)
    assert done.result == Fraction(99, 100) * Fraction(2, 3)
    assert done.outcome == "rejected"


def test_unanimity_ignores_abstentions_but_not_one_disagree() -> None:
    five = members("a", "b", "c", "d", "e")
    agreeing = votes(a="agree", b="agree", c="agree", d="abstain")
    assert tally(Rules("vote", "unanimity"), five, agreeing).outcome == "passed"
    one_against = [*agreeing, Vote("e", "disagree")]
    done = tally(Rules("vote", "unanimity"), five, one_against)
    assert (done.result, done.outcome) == (Fraction(3, 4), "rejected")
    # The same three against one passes by majority and by two thirds.
    assert tally(Rules("vote", "majority"), five, one_against).outcome == "passed"
    assert tally(Rules("vote", "two_thirds"), five, one_against).outcome == "passed"


@pytest.mark.parametrize("threshold", ["majority", "two_thirds", "unanimity"])
def test_no_expressed_vote_is_rejected_under_every_threshold(threshold: Any) -> None:
    three = members("a", "b", "c")
    done = tally(Rules("vote", threshold), three, votes(a="abstain", b="abstain"))
    assert (done.result, done.outcome) == (Fraction(0), "rejected")
    nobody = tally(Rules("vote", threshold), three)
    assert (nobody.result, nobody.turnout, nobody.outcome) == (Fraction(0), Fraction(0), "rejected")


def test_a_block_blocks_whatever_the_majority() -> None:
    five = members("aicha", "bruno", "chloe", "dario", "olga")
    cast = votes(aicha="agree", bruno="agree", chloe="agree", dario="block", olga="disagree")
    done = tally(Rules("vote", "majority"), five, cast)
    # A block is expressed and is not agree: 3 / 5.
    assert (done.outcome, done.result, done.blocked_by) == ("blocked", Fraction(3, 5), ("dario",))


def test_a_block_in_a_secret_vote_blocks_too() -> None:
    secret = (College("members", size=10, counts=Counts(agree=8, block=1)),)
    assert tally(Rules("vote"), secret).outcome == "blocked"


def test_no_quorum_comes_before_a_block() -> None:
    five = members("a", "b", "c", "d", "e")
    done = tally(Rules("vote", quorum=Decimal("0.5")), five, votes(a="block"))
    assert done.outcome == "no_quorum"


def test_consent_with_a_standing_objection_is_rejected() -> None:
    four = members("ana", "ben", "carla", "dan")
    done = tally(
        Rules("consent"),
        four,
        votes(ana="agree", carla="abstain"),
        [Objection("ben", standing=True), Objection("dan", standing=False)],
    )
    # Four took part (ana, carla, ben, dan); one stands against: 3/4.
    assert (done.outcome, done.result, done.turnout) == ("rejected", Fraction(3, 4), Fraction(1))
    assert done.standing_objections == ("ben",)


def test_consent_passes_by_silence_and_a_withdrawn_objection() -> None:
    four = members("ana", "ben", "carla", "dan")
    assert tally(Rules("consent"), four).outcome == "passed"
    assert tally(Rules("consent"), four).result == 1
    withdrawn = tally(Rules("consent"), four, (), [Objection("ben", standing=False)])
    assert (withdrawn.outcome, withdrawn.voters) == ("passed", 1)


def test_consent_quorum_counts_those_who_took_part() -> None:
    four = members("ana", "ben", "carla", "dan")
    rules = Rules("consent", quorum=Decimal("0.5"))
    assert tally(rules, four, votes(ana="agree")).outcome == "no_quorum"
    done = tally(rules, four, votes(ana="agree"), [Objection("ben", standing=False)])
    assert done.outcome == "passed"


def test_quorum_per_college() -> None:
    colleges = (
        College("workers", ("ana", "ben"), weight=Decimal(50)),
        College("users", ("eve", "fred", "gus"), weight=Decimal(50)),
    )
    cast = votes(ana="agree", ben="agree", eve="disagree")
    overall = tally(Rules("college_vote", quorum=Decimal("0.5")), colleges, cast)
    # Overall 3/5 ≥ 0.5; result 0.5 × 1 + 0.5 × 0 = 1/2: a tie, rejected.
    assert (overall.quorum_met, overall.outcome) == (True, "rejected")
    per = tally(
        Rules("college_vote", quorum=Decimal("0.5"), quorum_per_college=True), colleges, cast
    )
    # users: 1/3 < 0.5.
    assert [c.quorum_met for c in per.colleges] == [True, False]
    assert per.outcome == "no_quorum"


def test_named_and_secret_colleges_mix() -> None:
    colleges = (
        College("workers", ("ana", "ben"), weight=Decimal(50)),
        College("users", size=100, weight=Decimal(50), counts=Counts(30, 10, 5)),
    )
    done = tally(Rules("college_vote"), colleges, votes(ana="agree", ben="disagree"))
    # 0.5 × 1/2 + 0.5 × 30/40 = 1/4 + 3/8 = 5/8
    assert done.result == Fraction(5, 8)
    assert done.voters == 47


def test_decimal_text_rounds_half_to_even() -> None:
    assert decimal_text(Fraction(2, 3)) == "0.666667"
    assert decimal_text(Fraction(1, 3)) == "0.333333"
    assert decimal_text(Fraction(1, 2 * 10**6)) == "0.000000"  # 0.0000005 → even (0)
    assert decimal_text(Fraction(3, 2 * 10**6)) == "0.000002"  # 0.0000015 → even (2)
    assert decimal_text(Fraction(1)) == "1.000000"
    assert decimal_text(Fraction(160, 3)) == "53.333333"


# ---- refusals, each naming the rule and the thing ----

SCIC4 = [
    {"name": "workers", "weight": "40", "members": ["ana"]},
    {"name": "users", "weight": "25", "members": ["eve"]},
    {"name": "partners", "weight": "25", "members": ["ivo"]},
    {"name": "supporters", "weight": "10", "members": ["kim"]},
]


def refused(document: dict[str, Any]) -> InvalidInput:
    with pytest.raises(InvalidInput) as raised:
        tally_document(document)
    return raised.value


def vote_doc(**extra: Any) -> dict[str, Any]:
    return {"method": "vote", "members": ["ana", "ben"], "votes": [], **extra}


def college_doc(colleges: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"method": "college_vote", "colleges": colleges, "votes": [], **extra}


@pytest.mark.parametrize(
    ("document", "code", "field", "words"),
    [
        (
            vote_doc(votes=[{"voter": "zoe", "choice": "agree"}]),
            "tally.unknown_voter",
            "votes[0].voter",
            "'zoe' votes but is not among the members",
        ),
        (
            vote_doc(votes=[{"voter": "ana", "choice": "agree"}] * 2),
            "tally.duplicate_vote",
            "votes[1].voter",
            "'ana' votes twice",
        ),
        (
            vote_doc(votes=[{"voter": "ana", "choice": "maybe"}]),
            "tally.unknown_choice",
            "votes[0].choice",
            "'ana' chose 'maybe'",
        ),
        (
            vote_doc(blocks=False, votes=[{"voter": "ben", "choice": "block"}]),
            "tally.block_not_allowed",
            "votes[0].choice",
            "'ben' blocks",
        ),
        (
            college_doc(
                [
                    {"name": "a", "weight": "50", "members": ["ana", "ben"]},
                    {"name": "b", "weight": "50", "members": ["ben"]},
                ]
            ),
            "tally.duplicate_member",
            "colleges[1].members",
            "'ben' is a member of two colleges, 'a' and 'b'",
        ),
        (
            vote_doc(members=["ana", "ana"]),
            "tally.duplicate_member",
            "colleges[0].members",
            "'ana' is listed twice",
        ),
        (
            college_doc(
                [
                    {"name": "a", "weight": "60", "members": ["ana"]},
                    {"name": "b", "weight": "30", "members": ["ben"]},
                ]
            ),
            "tally.weights_sum",
            "colleges",
            "sum to 90, not 100",
        ),
        (
            college_doc(
                [
                    {"name": "a", "weight": "120", "members": ["ana"]},
                    {"name": "b", "weight": "-20", "members": ["ben"]},
                ]
            ),
            "tally.weight_range",
            "colleges[1].weight",
            "the weight of the college 'b' is -20",
        ),
        (
            college_doc([{"name": "a", "weight": "lots", "members": ["ana"]}]),
            "tally.not_a_number",
            "colleges[0].weight",
            "'lots', not a decimal number",
        ),
        (
            college_doc([{"name": "a", "weight": 1e2, "members": ["ana"]}]),
            "tally.not_a_number",
            "colleges[0].weight",
            "must be a decimal number",
        ),
        (
            college_doc([{"name": "a", "weight": "NaN", "members": ["ana"]}]),
            "tally.not_a_number",
            "colleges[0].weight",
            "not a decimal number",
        ),
        (
            college_doc([{"name": "a", "members": ["ana"]}]),
            "tally.weight_missing",
            "colleges[0].weight",
            "the college 'a' has no weight",
        ),
        (
            {"method": "vote", "colleges": [{"name": "a", "weight": "100", "members": ["x"]}]},
            "tally.weight_not_used",
            "colleges[0].weight",
            "weights count only in a college_vote",
        ),
        (
            college_doc(SCIC4[:2], legal_form="scic"),
            "tally.scic_colleges",
            "colleges",
            "at least 3 of them (loi 47-1775, art. 19 octies); this vote has 2",
        ),
        (
            college_doc(
                [{**SCIC4[0], "weight": "55"}, {**SCIC4[1], "weight": "35"}, SCIC4[3]],
                legal_form="scic",
            ),
            "tally.scic_weight",
            "colleges[0].weight",
            "the college 'workers' weighs 55 %",
        ),
        (
            college_doc(
                [
                    {**SCIC4[0], "weight": "45"},
                    {**SCIC4[1], "weight": "47"},
                    {**SCIC4[3], "weight": "8"},
                ],
                legal_form="scic",
            ),
            "tally.scic_weight",
            "colleges[2].weight",
            "the college 'supporters' weighs 8 %",
        ),
        (
            college_doc(SCIC4, legal_form="sarl"),
            "tally.unknown_legal_form",
            "legal_form",
            "'sarl'",
        ),
        (
            college_doc([{**SCIC4[0], "weight": "50"}, {**SCIC4[0], "weight": "50"}]),
            "tally.duplicate_college",
            "colleges[1].name",
            "the college 'workers' is given twice",
        ),
        (
            vote_doc(members=[]),
            "tally.empty_college",
            "colleges[0].members",
            "has no members",
        ),
        (
            {"method": "vote", "votes": []},
            "tally.no_members",
            "members",
            "nobody can vote",
        ),
        (
            {"method": "vote", "members": 10, "counts": {"agree": 8, "disagree": 3}},
            "tally.too_many_votes",
            "colleges[0].counts",
            "counts 11 votes for 10 members",
        ),
        (
            {"method": "vote", "members": 10, "counts": {"agree": -1}},
            "tally.not_a_count",
            "counts.agree",
            "a count is a whole number",
        ),
        (
            {"method": "vote", "members": 10, "counts": {"agree": "2.5"}},
            "tally.not_a_count",
            "counts.agree",
            "'2.5'",
        ),
        (
            {"method": "vote", "members": 10, "counts": {"yes": 2}},
            "tally.unknown_field",
            "counts.yes",
            "'yes' is not a count",
        ),
        (
            {"method": "vote", "members": 10},
            "tally.counts_missing",
            "colleges[0].counts",
            "give its counts too",
        ),
        (
            {
                "method": "vote",
                "colleges": [{"name": "s", "members": ["ana"], "counts": {"agree": 1}}],
                "votes": [{"voter": "ana", "choice": "agree"}],
            },
            "tally.counted_college",
            "votes[0].voter",
            "'ana' votes by name, but the college 's' gives counts",
        ),
        (
            {"method": "vote", "members": 3, "counts": {"block": 1}, "blocks": False},
            "tally.block_not_allowed",
            "colleges[0].counts.block",
            "counts 1 blocks",
        ),
        (
            vote_doc(threshhold="majority"),
            "tally.unknown_field",
            "threshhold",
            "'threshhold' is not a field",
        ),
        (
            vote_doc(votes=[{"voter": "ana", "choise": "agree"}]),
            "tally.unknown_field",
            "votes[0].choise",
            "'choise' is not a field of a vote (voter, choice)",
        ),
        (
            {"method": "consent", "members": ["ana"], "objections": [{"by": "ana", "why": "x"}]},
            "tally.unknown_field",
            "objections[0].why",
            "'why' is not a field of an objection (by, standing)",
        ),
        (
            college_doc([{"name": "a", "weight": "100", "members": ["x"], "size": 3}]),
            "tally.unknown_field",
            "colleges[0].size",
            "'size' is not a field of a college (name, weight, members, counts)",
        ),
        (vote_doc(method="lottery"), "tally.unknown_method", "method", "'lottery'"),
        (vote_doc(threshold="most"), "tally.unknown_threshold", "threshold", "'most'"),
        (vote_doc(quorum="1.5"), "tally.quorum_range", "quorum", "between 0 and 1"),
        (vote_doc(quorum="-0.1"), "tally.quorum_range", "quorum", "between 0 and 1"),
        (vote_doc(quorum_per_college=True), "tally.quorum_missing", "quorum_per_college", ""),
        (vote_doc(blocks="no"), "tally.malformed", "blocks", "true or false"),
        (vote_doc(votes={"ana": "agree"}), "tally.malformed", "votes", "must be a list"),
        (
            vote_doc(votes=[{"voter": "", "choice": "agree"}]),
            "tally.malformed",
            "votes[0].voter",
            "",
        ),
        (
            vote_doc(objections=[{"by": "ana"}]),
            "tally.objections_not_used",
            "objections",
            "objections count only in a consent",
        ),
        (
            {"method": "consent", "threshold": "majority", "members": ["ana"]},
            "tally.threshold_not_used",
            "threshold",
            "a consent has no threshold",
        ),
        (
            {
                "method": "consent",
                "members": ["ana"],
                "votes": [{"voter": "ana", "choice": "disagree"}],
            },
            "tally.unknown_choice",
            "votes[0].choice",
            "disagree by objecting",
        ),
        (
            {"method": "consent", "members": ["ana"], "objections": [{"by": "zoe"}]},
            "tally.unknown_voter",
            "objections[0].by",
            "'zoe' objects but is not among the members",
        ),
        (
            {"method": "consent", "members": ["ana"], "objections": [{"by": "ana"}] * 2},
            "tally.duplicate_objection",
            "objections[1].by",
            "'ana' objects twice",
        ),
        (
            {
                "method": "consent",
                "members": ["ana"],
                "votes": [{"voter": "ana", "choice": "agree"}],
                "objections": [{"by": "ana", "standing": True}],
            },
            "tally.objector_consented",
            "objections[0].by",
            "'ana' both consents and stands by an objection",
        ),
        (
            {"method": "consent", "members": 4, "counts": {"agree": 2}},
            "tally.counts_not_used",
            "colleges[0].counts",
            "a consent is counted from named objections",
        ),
        (
            {"method": "vote", "members": ["a"], "colleges": []},
            "tally.members_and_colleges",
            "members",
            "not both",
        ),
        ([], "tally.malformed", None, "must be an object"),
    ],
    ids=lambda v: v if isinstance(v, str) and v.startswith("tally.") else "",
)
def test_refusals_name_the_rule_and_the_thing(
    document: Any, code: str, field: str | None, words: str
) -> None:
    error = refused(document)
    assert error.code == code
    assert error.field == field
    assert words in error.message, error.message


def test_the_default_threshold_is_majority_and_is_said() -> None:
    request = read({"method": "vote", "members": ["a"]})
    assert request.rules.threshold == "majority"
    assert read({"method": "consent", "members": ["a"]}).rules.threshold is None


def test_numbers_may_be_text_or_plain() -> None:
    as_text = {"method": "vote", "members": "3", "counts": {"agree": "2", "disagree": "1"}}
    plain = {"method": "vote", "members": 3, "counts": {"agree": 2, "disagree": Decimal(1)}}
    assert tally_document(as_text) == tally_document(plain)
    weights: list[dict[str, Any]] = [
        {"name": "a", "weight": Decimal("12.5"), "members": ["x"]},
        {"name": "b", "weight": "87.50", "members": ["y"]},
    ]
    answer = tally_document(college_doc(weights))
    assert [c["weight"] for c in answer["colleges"].values()] == ["12.5", "87.5"]


def test_a_college_emptied_mid_vote_counts_nobody() -> None:
    # Workers 60 (ana agrees, ben does not vote), users 40 emptied: 1 of 2 members took part,
    # which meets a quorum of a half (a phantom member of users would make it 1 of 3).
    workers = College("workers", members=("ana", "ben"), weight=Decimal(60))
    emptied = College("users", size=0, weight=Decimal(40), counts=Counts())
    votes = [Vote("ana", "agree")]
    done = tally(Rules("college_vote", quorum=Decimal("0.5")), [workers, emptied], votes)
    assert (done.outcome, done.members, done.turnout, done.result) == ("passed", 2, 0.5, 1)
    per_college = tally(
        Rules("college_vote", quorum=Decimal("1"), quorum_per_college=True),
        [workers, emptied],
        votes,
    )
    assert [c.quorum_met for c in per_college.colleges] == [False, None]
    assert per_college.outcome == "no_quorum"  # ben's college missed it, not the empty one
    alone = College("users", size=0, weight=Decimal(100), counts=Counts())
    nobody = tally(Rules("college_vote", quorum=Decimal("0.1")), [alone], [])
    assert (nobody.outcome, nobody.turnout) == ("no_quorum", 0)
    with pytest.raises(InvalidInput) as refused:
        tally(Rules("vote"), [College("", size=0)], [])
    assert refused.value.code == "tally.empty_college"
