"""`POST /api/simulate`: open to anyone, exact, and refusing bad specs with 422."""

from __future__ import annotations

from fastapi.testclient import TestClient

from partage.app import create_app
from partage.settings import Settings
from tests.conftest import FakeClock

SPEC = {
    "currency": {"code": "HOUR", "decimals": 2},
    "budget": "40",
    "gifts": [],
    "contributions": [{"recipient": "ana", "hours": "3"}, {"recipient": "ben", "hours": "1"}],
    "models": [{"type": "proportional", "by": "hours"}],
}


def test_simulate_over_http(db_url: str, clock: FakeClock) -> None:
    with TestClient(
        create_app(Settings(database_url=db_url, secret_key="t"), clock=clock)
    ) as client:
        done = client.post("/api/simulate", json=SPEC)
        assert done.status_code == 200, done.text
        [result] = done.json()["results"]
        assert result["currency"] == "HOUR"
        assert result["allocations"] == {"ana": "30.00", "ben": "10.00"}
        bad = client.post("/api/simulate", json={**SPEC, "models": [{"type": "lottery"}]})
        assert bad.status_code == 422
        assert bad.json()["error"]["field"] == "models[0].type"
        floats = client.post(
            "/api/simulate",
            content=b'{"currency": "EUR", "budget": 1e309, "models": [{"type": "proportional"}]}',
            headers={"content-type": "application/json"},
        )
        assert floats.status_code == 422
        assert "/api/simulate" in client.get("/api/openapi.json").json()["paths"]
