"""The subscriptions page: plans and subscribers for everyone, forms for admins."""

from __future__ import annotations

from tests.conftest import Community
from tests.web.conftest import Visitor

PAGE = "/o/tiers-lieux/subscriptions"


def test_an_admin_defines_a_licence_subscribes_and_charges(
    visitor: Visitor, community: Community
) -> None:
    c = community
    visitor.sign_in("aicha")
    assert "Subscriptions and licences" in visitor.get("/o/tiers-lieux/ledger").text
    refused = visitor.post(
        f"{PAGE}/plans", {"name": "Licence", "period": "monthly", "status_0": "producer"}
    )
    assert refused.status_code == 400
    assert "each fee needs a status and an amount" in refused.text
    made = visitor.post(
        f"{PAGE}/plans",
        {
            "name": "Licence",
            "period": "monthly",
            "status_0": "producer",
            "fee_0": "30",
            "status_1": "distributor",
            "fee_1": "50,50",
            "destination": "reserve",
        },
    )
    assert "The plan is defined." in made.text
    assert "producer €30.00" in made.text and "distributor €50.50" in made.text
    subscribed = visitor.post(
        f"{PAGE}/subscribe",
        {
            "plan": "Licence",
            "member": str(c.bruno.member.id),
            "status": "producer",
            "starts_on": "2026-02-01",
        },
    )
    assert "The member is subscribed." in subscribed.text
    charged = visitor.post(f"{PAGE}/charge", {})
    assert "Every period that has begun is charged." in charged.text
    assert ">2</td>" in charged.text  # two periods charged: February and March
    ended = visitor.post(
        f"{PAGE}/end",
        {"plan": "Licence", "member": str(c.bruno.member.id), "last_day": "2026-03-31"},
    )
    assert "The subscription will end on its last day." in ended.text
    assert "ended" in ended.text


def test_members_read_the_page_without_forms_in_french(
    visitor: Visitor, community: Community
) -> None:
    visitor.sign_in("bruno")
    page = visitor.get(PAGE, **{"Accept-Language": "fr"})
    assert page.status_code == 200
    assert "Abonnements et licences" in page.text
    assert "Définir une formule" not in page.text
    refused = visitor.post(f"{PAGE}/charge", {})
    assert refused.status_code == 403
