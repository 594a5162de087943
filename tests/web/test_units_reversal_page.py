"""Reversing a unit operation on the credits page: an admin's "Reverse" button with a reason,
reversed movements marked, refusals said in the reader's language with nothing written."""

from __future__ import annotations

import re

import pytest

from partage.core.units import Operation
from partage.services import units
from tests.conftest import Community
from tests.web.conftest import Visitor
from tests.web.test_units_page import ORG, balance, written


def credits_granted(c: Community, quantity: str = "10") -> Operation:
    with c.uow() as u:
        units.define_unit(u, actor=c.admin, code="CREDIT", name="Crédits", now=c.clock())
    with c.uow() as u:
        return units.grant(
            u,
            actor=c.admin,
            code="CREDIT",
            member_id=c.bruno.member.id,
            quantity=quantity,
            reason="welcome credits",
            now=c.clock(),
        )


def reverse_forms(html: str) -> list[str]:
    return re.findall(r'action="/o/tiers-lieux/units/operations/(\d+)/reverse"', html)


def test_an_admin_reverses_a_grant_from_the_page(visitor: Visitor, community: Community) -> None:
    c = community
    granted = credits_granted(c)
    visitor.get("/?lang=en")
    visitor.sign_in("aicha")
    page = visitor.get(f"{ORG}/units")
    assert reverse_forms(page.text) == [str(granted.id)]
    done = visitor.post(
        f"{ORG}/units/operations/{granted.id}/reverse",
        {"operation": str(granted.id), "reason": "wrong member"},
    )
    assert done.status_code == 200
    assert "The operation is reversed: its exact opposite is recorded." in done.text
    assert balance(c, c.bruno, "CREDIT") == 0
    with c.uow(readonly=True) as u:
        [reversal, original] = units.movements(u, actor=c.admin)
    assert original.reversed_by == reversal.id
    # The original is marked and has no button any more; the reversal has none either.
    assert reverse_forms(done.text) == []
    assert "Reversed" in done.text and f"by operation #{reversal.id}" in done.text
    assert f"Reversal of operation #{granted.id}" in done.text
    assert f'href="#operation-{granted.id}"' in done.text and "wrong member" in done.text


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ("This cannot be reversed: Bruno's balance is 3 CREDIT and would go to -7 CREDIT, "
                "below the limit of -0 CREDIT.", "Reverse")),
        ("fr", ("Impossible d’annuler : le solde de Bruno est de 3 CREDIT et passerait à -7 CREDIT, "
                "sous la limite de -0 CREDIT.", "Annuler")),
    ],
)  # fmt: skip
def test_credits_already_spent_cannot_be_taken_back(
    visitor: Visitor, community: Community, lang: str, words: tuple[str, str]
) -> None:
    c = community
    granted = credits_granted(c)
    with c.uow() as u:
        units.spend(u, actor=c.bruno, code="CREDIT", quantity="7", purpose="offer", now=c.clock())
    visitor.get(f"/?lang={lang}")
    visitor.sign_in("aicha")
    before = written(c)
    refused = visitor.post(
        f"{ORG}/units/operations/{granted.id}/reverse",
        {"operation": str(granted.id), "reason": "mistake"},
    )
    assert refused.status_code == 400
    assert words[0] in refused.text.replace("&#39;", "'")
    assert f"<summary>{words[1]}</summary>" in refused.text
    # The refused row's form is open again with what was typed.
    assert re.search(r"<details open>\s*<summary>", refused.text)
    assert 'value="mistake"' in refused.text
    assert written(c) == before and balance(c, c.bruno, "CREDIT") == 3


def test_a_reversal_twice_and_a_blank_reason_are_refused(
    visitor: Visitor, community: Community
) -> None:
    c = community
    granted = credits_granted(c)
    with c.uow() as u:
        units.reverse(u, actor=c.admin, operation_id=granted.id, reason="x", now=c.clock())
    visitor.get("/?lang=en")
    visitor.sign_in("aicha")
    other = credits_granted_again(c)
    before = written(c)
    twice = visitor.post(
        f"{ORG}/units/operations/{granted.id}/reverse",
        {"operation": str(granted.id), "reason": "y"},
    )
    assert twice.status_code == 409 and "This operation is already reversed." in twice.text
    blank = visitor.post(
        f"{ORG}/units/operations/{other.id}/reverse", {"operation": str(other.id), "reason": " "}
    )
    assert blank.status_code == 400
    unknown = visitor.post(f"{ORG}/units/operations/999/reverse", {"reason": "y"})
    assert unknown.status_code == 404 and "There is no such operation." in unknown.text
    assert written(c) == before


def credits_granted_again(c: Community) -> Operation:
    with c.uow() as u:
        return units.grant(
            u,
            actor=c.admin,
            code="CREDIT",
            member_id=c.chloe.member.id,
            quantity="2",
            reason="helping",
            now=c.clock(),
        )


def test_a_member_sees_no_reverse_button_and_cannot_forge_one(
    visitor: Visitor, community: Community
) -> None:
    c = community
    granted = credits_granted(c)
    visitor.sign_in("bruno")
    page = visitor.get(f"{ORG}/units")
    assert page.status_code == 200 and reverse_forms(page.text) == []
    before = written(c)
    forged = visitor.post(
        f"{ORG}/units/operations/{granted.id}/reverse",
        {"operation": str(granted.id), "reason": "x"},
    )
    assert forged.status_code == 403
    assert written(c) == before and balance(c, c.bruno, "CREDIT") == 10
