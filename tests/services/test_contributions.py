"""Recording contributions, and importing them from CSV all or nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from partage.core.errors import Forbidden, InvalidInput
from partage.services import contributions
from tests.conftest import Community


def test_record_and_filter(community: Community) -> None:
    c = community
    with c.uow() as u:
        mine = contributions.record(
            u,
            actor=c.bruno,
            activity="Animation",
            occurred_on="2026-02-27",
            hours="2,5",
            description="atelier",
            link="https://pad.example/atelier",
            now=c.clock(),
        )
    with c.uow() as u:
        contributions.record(
            u,
            actor=c.admin,
            member_id=c.chloe.member.id,
            activity="Matériel",
            occurred_on="2026-02-20",
            quantity="3",
            now=c.clock(),
        )
    assert mine.hours == Decimal("2.5") and mine.member_id == c.bruno.member.id
    with c.uow(readonly=True) as u:
        assert [
            x.id for x in contributions.find(u, actor=c.bruno, member_id=c.bruno.member.id)
        ] == [mine.id]
        assert len(contributions.find(u, actor=c.bruno, activity="matériel")) == 1
        assert contributions.find(u, actor=c.bruno, since="2026-02-25") == [mine]
        assert len(contributions.find(u, actor=c.bruno, until="2026-02-25")) == 1


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"hours": "-1"}, "hours.negative"),
        ({"hours": "1e3"}, "hours.not_a_number"),
        ({"hours": "NaN"}, "hours.not_a_number"),
        ({"hours": "1.234"}, "hours.too_many_decimals"),
        ({"hours": None}, "contribution.no_measure"),
        ({"occurred_on": "2027-01-01"}, "contribution.future"),
        ({"occurred_on": "27/02/2026"}, "date.bad"),
        ({"link": "javascript:alert(1)"}, "contribution.bad_link"),
        ({"member_id": 3}, "contribution.other_member"),
    ],
)
def test_bad_contributions_are_refused(
    community: Community, fields: dict[str, object], code: str
) -> None:
    c = community
    values: dict[str, object] = {"activity": "Animation", "occurred_on": "2026-02-27", "hours": "2"}
    values.update(fields)
    with pytest.raises(InvalidInput) as err, c.uow() as u:
        contributions.record(u, actor=c.bruno, now=c.clock(), **values)  # type: ignore[arg-type]
    assert err.value.code == code
    with c.uow(readonly=True) as u:
        assert contributions.find(u, actor=c.admin) == []


def test_observers_record_nothing(community: Community) -> None:
    with pytest.raises(Forbidden), community.uow() as u:
        contributions.record(
            u,
            actor=community.observer,
            activity="x",
            occurred_on="2026-02-27",
            hours="1",
            now=community.clock(),
        )


GOOD = (
    "member,activity,date,hours,quantity,description,link\n"
    "Bruno,Animation,2026-02-01,3,,rencontre,\n"
    "Chloé,Communication,2026-02-02,1.5,,lettre,https://example.org/lettre\n"
    "2,Matériel,2026-02-03,,4,chaises,\n"
)


def test_csv_import(community: Community) -> None:
    c = community
    with c.uow() as u:
        report = contributions.import_csv(u, actor=c.admin, data=GOOD.encode(), now=c.clock())
    assert report.ok and report.imported == 3
    with c.uow(readonly=True) as u:
        assert len(contributions.find(u, actor=c.admin)) == 3


def test_csv_with_semicolons_and_bom(community: Community) -> None:
    c = community
    data = "\ufeffmember;activity;date;hours\nBruno;Animation;2026-02-01;2,5\n".encode()
    with c.uow() as u:
        report = contributions.import_csv(u, actor=c.admin, data=data, now=c.clock())
    assert report.imported == 1


def test_an_invalid_file_imports_nothing_and_reports_every_row(community: Community) -> None:
    c = community
    bad = (
        GOOD
        + "Personne,Animation,2026-02-01,3,,,\nBruno,Animation,demain,3,,,\nBruno,Animation,2026-02-01,,,,\n"
    )
    with c.uow() as u:
        report = contributions.import_csv(u, actor=c.admin, data=bad.encode(), now=c.clock())
    assert report.imported == 0
    assert [(e.line, e.code) for e in report.errors] == [
        (5, "import.unknown_member"),
        (6, "date.bad"),
        (7, "contribution.no_measure"),
    ]
    with c.uow(readonly=True) as u:
        assert contributions.find(u, actor=c.admin) == []


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "import.bad_header"),
        (b"name,when\nBruno,2026-01-01\n", "import.bad_header"),
        (b"member,activity,date,hours\n", "import.empty"),
        (b"\xff\xfe\x00garbage", "import.encoding"),
        (b"x" * (10 * 1024 * 1024 + 1), "import.too_large"),
    ],
)
def test_malformed_files_are_refused(community: Community, data: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as err, community.uow() as u:
        contributions.import_csv(u, actor=community.admin, data=data, now=community.clock())
    assert err.value.code == code


def test_members_import_only_their_own(community: Community) -> None:
    c = community
    with c.uow() as u:
        report = contributions.import_csv(u, actor=c.bruno, data=GOOD.encode(), now=c.clock())
    # Line 4 names member #2, Bruno himself.
    assert [(e.line, e.code) for e in report.errors] == [(3, "contribution.other_member")]
