"""`POST /api/tally`: open to anyone, exact, and refusing bad documents with 422 and the code."""

from __future__ import annotations

from fastapi.testclient import TestClient

from partage.app import create_app
from partage.settings import Settings
from tests.conftest import FakeClock

SCIC = {
    "method": "college_vote",
    "threshold": "two_thirds",
    "legal_form": "scic",
    "colleges": [
        {"name": "workers", "weight": "40", "members": ["ana", "ben"]},
        {"name": "users", "weight": "25", "members": ["eve", "fred"]},
        {"name": "partners", "weight": "25", "members": ["ivo"]},
        {"name": "supporters", "weight": "10", "members": ["kim"]},
    ],
    "votes": [
        {"voter": "ana", "choice": "agree"},
        {"voter": "ben", "choice": "abstain"},
        {"voter": "eve", "choice": "disagree"},
        {"voter": "fred", "choice": "agree"},
        {"voter": "ivo", "choice": "agree"},
        {"voter": "kim", "choice": "agree"},
    ],
}


def test_tally_over_http(db_url: str, clock: FakeClock) -> None:
    with TestClient(
        create_app(Settings(database_url=db_url, secret_key="t"), clock=clock)
    ) as client:
        done = client.post("/api/tally", json=SCIC)  # no token: like /api/simulate
        assert done.status_code == 200, done.text
        answer = done.json()
        # 0.40 × 1 + 0.25 × 1/2 + 0.25 × 1 + 0.10 × 1 = 0.875 ≥ 2/3
        assert (answer["outcome"], answer["result"], answer["result_exact"]) == (
            "passed",
            "0.875000",
            "7/8",
        )
        assert answer["colleges"]["users"]["share"] == "0.500000"
        assert answer["turnout"] == "1.000000"

        yaml = "method: consent\nmembers: [ana, ben]\nobjections: [{by: ben}]\n"
        consent = client.post(
            "/api/tally", content=yaml.encode(), headers={"content-type": "application/yaml"}
        )
        assert consent.status_code == 200, consent.text
        assert consent.json()["outcome"] == "rejected"

        two = {**SCIC, "colleges": SCIC["colleges"][:2]}
        refused = client.post("/api/tally", json=two)
        assert refused.status_code == 422
        error = refused.json()["error"]
        assert (error["code"], error["field"]) == ("tally.scic_colleges", "colleges")
        assert "loi 47-1775, art. 19 octies" in error["message"]

        intruder = {**SCIC, "votes": [{"voter": "zoe", "choice": "agree"}]}
        error = client.post("/api/tally", json=intruder).json()["error"]
        assert (error["code"], error["field"]) == ("tally.unknown_voter", "votes[0].voter")

        garbage = client.post(
            "/api/tally", content=b'{"method": ', headers={"content-type": "application/json"}
        )
        assert garbage.status_code == 422
        assert garbage.json()["error"]["code"] == "tally.malformed"
        floats = client.post(
            "/api/tally",
            content=b'{"method": "vote", "members": 5, "counts": {"agree": 1e400}}',
            headers={"content-type": "application/json"},
        )
        assert floats.status_code == 422
        assert floats.json()["error"]["code"] == "tally.not_a_count"
        assert "/api/tally" in client.get("/api/openapi.json").json()["paths"]
