"""Who sees what: other organizations are a 404, observers read but never act."""

from __future__ import annotations

import pytest

from partage.services.context import UnitOfWorkFactory
from tests.conftest import Community, FakeClock, make_community
from tests.web.conftest import Visitor, declare, open_round


@pytest.mark.parametrize(
    "path",
    [
        "/o/autre",
        "/o/autre/rounds/1",
        "/o/autre/claims/1",
        "/o/autre/members",
        "/o/autre/members/1",
        "/o/autre/contributions",
        "/o/autre/ledger",
        "/o/autre/settings",
        "/o/autre/rounds/new",
    ],
)
def test_another_organizations_pages_are_not_found(
    visitor: Visitor, uow: UnitOfWorkFactory, clock: FakeClock, path: str
) -> None:
    other = make_community(uow, clock, slug="autre")
    open_round(other, name="Budget secret")
    visitor.sign_in("bruno")
    page = visitor.get(path)
    assert page.status_code == 404
    assert "Budget secret" not in page.text
    assert "Réseau autre" not in page.text


def test_posting_into_another_organization_is_not_found(
    visitor: Visitor, uow: UnitOfWorkFactory, clock: FakeClock
) -> None:
    other = make_community(uow, clock, slug="autre")
    round_id = open_round(other)
    visitor.sign_in("bruno")
    page = visitor.post(
        f"/o/autre/rounds/{round_id}/claims", {"amount": "10", "justification": "x"}
    )
    assert page.status_code == 404


def test_an_observer_reads_but_cannot_declare(visitor: Visitor, community: Community) -> None:
    round_id = open_round(community)
    visitor.sign_in("olga")
    page = visitor.get(f"/o/tiers-lieux/rounds/{round_id}")
    assert page.status_code == 200
    assert "Declare a claim" not in page.text  # the form is not offered…
    refused = visitor.post(  # …and the service refuses it anyway
        f"/o/tiers-lieux/rounds/{round_id}/claims",
        {"amount": "10", "justification": "atelier"},
    )
    assert refused.status_code == 403
    assert "Observers can read but not act in this organization." in refused.text
    assert "No claim yet." in refused.text


def test_an_observer_cannot_object(visitor: Visitor, community: Community) -> None:
    round_id = open_round(community)
    claim_id = declare(community, community.bruno, round_id, 10_000)
    visitor.sign_in("olga")
    page = visitor.post(f"/o/tiers-lieux/claims/{claim_id}/object", {"reason": "trop"})
    assert page.status_code == 403
    assert "Observers can read but not act in this organization." in page.text
    assert 'id="objections"' not in page.text  # no objection was recorded


def test_members_cannot_use_admin_pages(visitor: Visitor, community: Community) -> None:
    round_id = open_round(community)
    visitor.sign_in("bruno")
    assert visitor.get("/o/tiers-lieux/rounds/new").status_code == 403
    closing = visitor.post(f"/o/tiers-lieux/rounds/{round_id}/close")
    assert closing.status_code == 403
    assert "Only an admin of the organization can do this." in closing.text
    payout = visitor.post(
        "/o/tiers-lieux/ledger/payout",
        {"member": str(community.bruno.member.id), "amount": "1", "reference": "x"},
    )
    assert payout.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/o/tiers-lieux/rounds/abc",
        "/o/tiers-lieux/claims/1e3",
        "/o/tiers-lieux/rounds/999",
        "/o/tiers-lieux/members/999",
        "/o/tiers-lieux/members/-1",
    ],
)
def test_malformed_or_unknown_ids_are_a_404_page(visitor: Visitor, path: str) -> None:
    visitor.sign_in("bruno")
    page = visitor.get(path)
    assert page.status_code == 404
    assert "<html" in page.text


def test_unknown_addresses_get_an_html_404(visitor: Visitor) -> None:
    page = visitor.get("/nowhere")
    assert page.status_code == 404
    assert "Page not found" in page.text
