"""POST /api/orgs/{slug}/transactions/imports and GET …/imports/{id}: an export uploaded,
its report read back page by page; a wrong file is a 422 that writes nothing."""

from __future__ import annotations

import pytest

from partage.services import transaction_import
from tests.api.conftest import ORG, Api
from tests.services.test_transaction_import import (
    as_csv,
    as_jsonl,
    counts,
    six_rows,
    with_market_rules,
)

IMPORTS = f"{ORG}/transactions/imports"


@pytest.fixture
def market(api: Api) -> Api:
    with_market_rules(api.community)
    return api


@pytest.mark.parametrize("in_process", [False, True])
def test_an_uploaded_export_is_imported_and_its_report_paged(
    market: Api, monkeypatch: pytest.MonkeyPatch, in_process: bool
) -> None:
    # A large upload is checked in a second process, started from the request's thread.
    monkeypatch.setattr(transaction_import, "PROCESS_FROM_BYTES", 1 if in_process else 10**9)
    data = as_csv(six_rows(market.community))
    report = market.ok(
        "POST", IMPORTS, status=201, files={"file": ("market.csv", data, "text/csv")}
    )
    assert (report["posted"], report["failed"], report["status"]) == (4, 2, "done")
    assert report["file_name"] == "market.csv"
    assert [(e["row"], e["code"]) for e in report["errors"]] == [
        (5, "transaction.unknown_status"),
        (6, "transaction.duplicate_reference"),
    ]
    page = market.ok("GET", f"{IMPORTS}/{report['id']}?limit=1&offset=1")
    assert page["error_count"] == 2
    assert [e["row"] for e in page["errors"]] == [6]
    again = market.post(IMPORTS, files={"file": ("again.csv", data, "text/csv")})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "import.already_done"


def test_a_raw_json_lines_body_and_a_dry_run(market: Api) -> None:
    before = counts(market.community)
    response = market.client.post(
        f"{IMPORTS}?dry_run=true",
        content=as_jsonl(six_rows(market.community)),
        headers={**market.as_("aicha"), "Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 200, response.text
    dry = response.json()
    assert (dry["posted"], dry["failed"], dry["format"], dry["id"]) == (4, 2, "jsonl", None)
    assert counts(market.community) == before


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"reference,amount\nS-1,1.00\n", "import.bad_header"),
        (b"reference,occurred_at,amount,status,payee\n\xff\xfe,,,,\n", "import.unreadable"),
    ],
)
def test_a_wrong_header_or_an_unreadable_file_is_a_422_writing_nothing(
    market: Api, data: bytes, code: str
) -> None:
    before = counts(market.community)
    response = market.post(IMPORTS, files={"file": ("bad.csv", data, "text/csv")})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code and error["field"] == "file"
    assert "header" in error["message"] or "UTF-8" in error["message"]
    assert counts(market.community) == before


def test_members_cannot_import_nor_read_an_import(market: Api) -> None:
    data = as_csv(six_rows(market.community))
    before = counts(market.community)
    refused = market.post(IMPORTS, who="bruno", files={"file": ("m.csv", data, "text/csv")})
    assert refused.status_code == 403
    assert counts(market.community) == before
    assert market.get(f"{IMPORTS}/1", who="bruno").status_code == 403
    assert market.get(f"{IMPORTS}/99").status_code == 404
