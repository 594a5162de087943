"""Epochs and funding calls over HTTP: open, give or pledge, blinded reading, close."""

from __future__ import annotations

from tests.api.conftest import ORG, Api


def test_an_epoch_over_http(api: Api) -> None:
    b, ch, d = (api.member_id(w) for w in ("bruno", "chloe", "dario"))
    body = {"name": "Printemps", "budget": "300.00", "blinded": True, "points_per_member": 10}
    assert api.post(f"{ORG}/epochs", "bruno", json=body).status_code == 403
    e = api.ok("POST", f"{ORG}/epochs", json=body, status=201)
    assert e["budget"] == {"minor": 30_000, "value": "300.00", "currency": "EUR"}
    url = f"{ORG}/epochs/{e['id']}"
    api.ok("PUT", f"{url}/gifts", "bruno", json={"gifts": [{"to": ch, "points": 10}]})
    api.ok("PUT", f"{url}/gifts", "chloe", json={"gifts": [{"to": d, "points": 5}]})
    api.ok("PUT", f"{url}/gifts", "chloe", json={"gifts": [{"to": b, "points": 10}]})
    seen = api.ok("GET", url, "chloe")
    assert seen["hidden"] and seen["givers"] == 2
    assert seen["gifts"] == [{"giver": ch, "receiver": b, "points": 10}]
    assert api.ok("GET", url, "aicha")["gifts"] == []
    for bad, code, status in (
        ({"gifts": [{"to": ch, "points": 11}]}, "epoch.over_budget", 422),
        ({"gifts": [{"to": b, "points": 1}]}, "epoch.self_gift", 422),
        ({"gifts": [{"to": ch, "points": 1.5}]}, None, 422),
    ):
        refused = api.client.put(f"{url}/gifts", json=bad, headers=api.as_("bruno"))
        assert refused.status_code == status, refused.text
        if code:
            assert refused.json()["error"]["code"] == code
    refused = api.client.put(
        f"{url}/gifts", json={"gifts": [{"to": b, "points": 1}]}, headers=api.as_("olga")
    )
    assert refused.status_code == 403
    api.ok("POST", f"{url}/opt-out", "dario", json={"out": True})
    closed = api.ok("POST", f"{url}/close")
    assert not closed["hidden"] and len(closed["gifts"]) == 2
    assert closed["distribution"]["model"] == "peer_allocation"
    assert closed["distribution"]["result"]["allocations"] == {
        str(b): "150.00",
        str(ch): "150.00",
        str(d): "0.00",  # opted out: listed, paid nothing
    }
    again = api.post(f"{url}/close")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "epoch.closed")
    assert api.ok("GET", f"{ORG}/ledger/check", "chloe")["ok"] is True
    assert [x["id"] for x in api.ok("GET", f"{ORG}/epochs", "olga")] == [e["id"]]
    assert api.get(f"{ORG}/epochs/99").status_code == 404
    assert api.get("/api/orgs/ailleurs/epochs/1").status_code == 404


def test_a_funding_call_over_http(api: Api) -> None:
    body = {"name": "Appel", "pool": "50.00", "projects": ["jardin", "four"], "blinded": False}
    call = api.ok("POST", f"{ORG}/funding-calls", json=body, status=201)
    url = f"{ORG}/funding-calls/{call['id']}"
    api.ok(
        "PUT",
        f"{url}/pledges",
        "bruno",
        json={"pledges": [{"project": "jardin", "amount": "4.00"}]},
    )
    api.ok("PUT", f"{url}/pledges", "chloe", json={"pledges": [{"project": "jardin", "amount": 9}]})
    seen = api.ok("GET", url, "dario")
    assert not seen["hidden"] and seen["pledged"]["jardin"]["value"] == "13.00"
    for bad, code in (
        ({"pledges": [{"project": "jardin", "amount": "0"}]}, "amount.zero"),
        ({"pledges": [{"project": "jardin", "amount": "-1.00"}]}, "amount.negative"),
        ({"pledges": [{"project": "jardin", "amount": 1.5}]}, "amount.float"),
        ({"pledges": [{"project": "piscine", "amount": "1"}]}, "funding.unknown_project"),
    ):
        refused = api.client.put(f"{url}/pledges", json=bad, headers=api.as_("dario"))
        assert (refused.status_code, refused.json()["error"]["code"]) == (422, code), refused.text
    closed = api.ok("POST", f"{url}/close")
    # 2·√(400·900) = 1 200 cents of match.
    assert closed["distribution"]["result"]["allocations"] == {"jardin": "12.00"}
    assert api.post(f"{url}/close").status_code == 409
    assert api.ok("GET", f"{ORG}/ledger/check")["ok"] is True
    assert api.get(f"{ORG}/funding-calls/99").status_code == 404
