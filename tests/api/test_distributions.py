"""Distributions over HTTP: preview for members, posting for admins, one balanced entry."""

from __future__ import annotations

from partage.services import contributions
from tests.api.conftest import ORG, Api


def test_preview_and_post_a_distribution(api: Api) -> None:
    c = api.community
    with c.uow() as u:
        contributions.record(
            u,
            actor=c.bruno,
            activity="Animation",
            occurred_on="2026-02-02",
            hours="10",
            now=c.clock(),
        )
    with c.uow() as u:
        contributions.record(
            u,
            actor=c.chloe,
            activity="Animation",
            occurred_on="2026-02-03",
            hours="5",
            now=c.clock(),
        )
    grid = {"type": "rate_grid", "rates": {"Animation": "30.00"}}
    body = {
        "budget": "400.00",
        "models": [grid, {"type": "proportional", "by": "hours"}],
        "since": "2026-02-01",
    }
    seen = api.client.post(f"{ORG}/distributions/preview", json=body, headers=api.as_("bruno"))
    assert seen.status_code == 200, seen.text
    grid_result, hours_result = seen.json()["results"]
    b, ch = str(api.member_id("bruno")), str(api.member_id("chloe"))
    assert grid_result["allocations"] == {b: "266.67", ch: "133.33"}  # 450 of value scaled into 400
    assert hours_result["allocations"] == {b: "266.67", ch: "133.33"}
    assert seen.json()["names"][b] == "Bruno"
    run = {"budget": "400.00", "model": grid, "fund": "commons"}
    assert (
        api.client.post(f"{ORG}/distributions", json=run, headers=api.as_("bruno")).status_code
        == 403
    )
    posted = api.client.post(f"{ORG}/distributions", json=run, headers=api.as_("aicha"))
    assert posted.status_code == 201, posted.text
    done = posted.json()
    assert done["result"]["unallocated"] == "0.00" and done["entry_seq"] is not None
    assert "scaled by" in done["result"]["explanations"][b]
    listed = api.client.get(f"{ORG}/distributions", headers=api.as_("chloe")).json()
    assert [d["id"] for d in listed] == [done["id"]]
    check = api.client.get(f"{ORG}/ledger/check", headers=api.as_("chloe")).json()
    assert check["ok"] is True
    for bad, code in (
        ({**run, "budget": 12.5}, "amount.float"),
        ({**run, "model": {"type": "grain", "policy": "balanced"}}, "distribution.no_scores"),
        ({**run, "model": {"type": "slicing_pie"}}, "distribution.bad_model"),
        ({**run, "model": {"type": "rate_grid", "rates": {"Animation": 30.5}}}, "spec.float"),
    ):
        refused = api.client.post(f"{ORG}/distributions", json=bad, headers=api.as_("aicha"))
        assert (refused.status_code, refused.json()["error"]["code"]) == (422, code)
    assert api.client.get(f"{ORG}/distributions/99", headers=api.as_("aicha")).status_code == 404


def test_grain_scores_over_http(api: Api) -> None:
    b, ch = str(api.member_id("bruno")), str(api.member_id("chloe"))
    body = {
        "budget": "90.00",
        "models": [{"type": "grain", "policy": "recent", "discount": "0.5"}],
        "scores": {b: ["4", "0"], ch: ["0", "4"]},
    }
    seen = api.client.post(f"{ORG}/distributions/preview", json=body, headers=api.as_("bruno"))
    assert seen.status_code == 200, seen.text
    # Decayed: Bruno 4 × 0.5 = 2, Chloé 4: the budget goes 1 : 2.
    assert seen.json()["results"][0]["allocations"] == {b: "30.00", ch: "60.00"}
    bad = api.client.post(
        f"{ORG}/distributions/preview",
        json={**body, "scores": {b: ["4"], ch: ["1", "2"]}},
        headers=api.as_("bruno"),
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "distribution.ragged_scores")


def test_grain_over_the_organizations_cred_over_http(api: Api) -> None:
    c = api.community
    for who, hours in ((c.bruno, "6"), (c.chloe, "2")):
        with c.uow() as u:
            contributions.record(
                u,
                actor=who,
                activity="Animation",
                occurred_on="2026-02-02",
                hours=hours,
                now=c.clock(),
            )
    b, ch = str(api.member_id("bruno")), str(api.member_id("chloe"))
    body = {"budget": "80.00", "models": [{"type": "grain", "policy": "immediate"}], "cred": True}
    seen = api.client.post(f"{ORG}/distributions/preview", json=body, headers=api.as_("chloe"))
    assert seen.status_code == 200, seen.text
    result = seen.json()["results"][0]
    # One week, one activity: cred goes 6 : 2, and so does the grain.
    assert result["allocations"][b] == "60.00" and result["allocations"][ch] == "20.00"
    assert "Your cred in these weeks came from Animation" in result["explanations"][b]
    both = api.client.post(
        f"{ORG}/distributions/preview",
        json={**body, "scores": {b: ["1"]}},
        headers=api.as_("chloe"),
    )
    assert both.json()["error"]["code"] == "distribution.scores_and_cred"
