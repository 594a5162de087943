"""`POST /api/cred`: a graph in, each participant's cred out; bad graphs get 422."""

from __future__ import annotations

from fastapi.testclient import TestClient

from partage.app import create_app
from partage.settings import Settings
from tests.conftest import FakeClock

SUNDAY = 1642896000000
GRAPH = {
    "nodes": [
        {"id": "c0", "timestamp_ms": SUNDAY + 1, "weight": 2},
        {"id": "alice", "participant": True},
    ],
    "edges": [{"src": "c0", "dst": "alice", "timestamp_ms": SUNDAY + 1, "backward": 0}],
}


def test_cred_over_http(db_url: str, clock: FakeClock) -> None:
    with TestClient(
        create_app(Settings(database_url=db_url, secret_key="t"), clock=clock)
    ) as client:
        done = client.post("/api/cred?nodes=true", json=GRAPH)
        assert done.status_code == 200, done.text
        body = done.json()
        assert body["interval_starts"] == [SUNDAY]
        assert abs(body["participants"]["alice"]["cred"] - 2) < 1e-5  # all that c0 minted
        assert set(body["nodes"]) == {"c0", "alice"}
        bad = client.post("/api/cred", json={**GRAPH, "params": {"alpha": 2}})
        assert bad.status_code == 422
        assert bad.json()["error"]["code"] == "cred.bad_param"
        broken = client.post(
            "/api/cred", content=b"{nope", headers={"content-type": "application/json"}
        )
        assert broken.status_code == 422 and broken.json()["error"]["code"] == "cred.malformed"
        assert "/api/cred" in client.get("/api/openapi.json").json()["paths"]
