"""The OpenAPI document describes the API, and the interactive docs are served."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_openapi_document_loads_and_lists_every_concept(client: TestClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    paths = document["paths"]
    for path in (
        "/api/tokens",
        "/api/me",
        "/api/orgs/{slug}",
        "/api/orgs/{slug}/members",
        "/api/orgs/{slug}/colleges",
        "/api/orgs/{slug}/contributions",
        "/api/orgs/{slug}/contributions/import",
        "/api/orgs/{slug}/rounds",
        "/api/orgs/{slug}/rounds/{round_id}",
        "/api/orgs/{slug}/rounds/{round_id}/close",
        "/api/orgs/{slug}/rounds/{round_id}/claims",
        "/api/orgs/{slug}/claims/{claim_id}",
        "/api/orgs/{slug}/claims/{claim_id}/objections",
        "/api/orgs/{slug}/claims/{claim_id}/objections/{objection_id}/withdraw",
        "/api/orgs/{slug}/claims/{claim_id}/comments",
        "/api/orgs/{slug}/claims/{claim_id}/amend",
        "/api/orgs/{slug}/claims/{claim_id}/withdraw",
        "/api/orgs/{slug}/claims/{claim_id}/disposition",
        "/api/orgs/{slug}/ledger/journal",
        "/api/orgs/{slug}/ledger/balances",
        "/api/orgs/{slug}/ledger/check",
        "/api/orgs/{slug}/ledger/deposits",
        "/api/orgs/{slug}/ledger/payouts",
        "/api/orgs/{slug}/ledger/entries/{seq}/reverse",
        "/api/public/{slug}",
        "/api/orgs/{slug}/cred",
        "/api/orgs/{slug}/cred/weights",
        "/api/tally",
        "/api/orgs/{slug}/bodies",
        "/api/orgs/{slug}/roles",
        "/api/orgs/{slug}/proposals",
        "/api/orgs/{slug}/proposals/{proposal_id}",
        "/api/orgs/{slug}/proposals/{proposal_id}/votes",
        "/api/orgs/{slug}/proposals/{proposal_id}/objections",
        "/api/orgs/{slug}/proposals/{proposal_id}/amendments",
        "/api/orgs/{slug}/proposals/{proposal_id}/advice",
        "/api/orgs/{slug}/proposals/{proposal_id}/comments",
        "/api/orgs/{slug}/proposals/{proposal_id}/close",
        "/api/orgs/{slug}/decisions",
        "/api/orgs/{slug}/contribution-power",
    ):
        assert path in paths, path
    schemas = document["components"]["schemas"]
    assert set(schemas["MoneyOut"]["properties"]) == {"minor", "value", "currency"}
    assert "ErrorOut" in schemas
    amount = schemas["ClaimIn"]["properties"]["amount"]
    assert {"type": "integer"} in amount["anyOf"]
    assert "token" in document["components"]["securitySchemes"]
    assert "/api/{path}" not in paths


def test_the_docs_page_is_served(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "swagger" in page.text.lower()
