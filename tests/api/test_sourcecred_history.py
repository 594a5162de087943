"""Distributions imported from SourceCred, as the API lists them."""

from __future__ import annotations

from pathlib import Path

from partage.services.sourcecred_community import import_community
from tests.api.conftest import ORG, Api

INSTANCE = Path(__file__).parents[1] / "fixtures" / "sourcecred-test-instance"


def test_the_api_lists_imported_distributions(api: Api) -> None:
    c = api.community
    with c.uow() as u:
        import_community(u, actor=c.admin, path=INSTANCE, now=c.clock())
    listed = api.ok("GET", f"{ORG}/distributions", who="bruno")
    assert len(listed) == 6
    first = min(listed, key=lambda d: d["id"])
    assert (first["model"], first["fund"], first["entry_seq"]) == ("grain", "sourcecred", None)
    assert first["source"]["imported_from"] == "sourcecred"
    assert first["source"]["distribution"] == "8CoHqZMDRQ7L1Up6yVqjxQ"
    assert first["params"]["allocations"][0]["budget_grain"] == "1000"
    assert sorted(first["result"]["allocations"].values()) == ["44.76", "955.23"]
    assert first["created_at"].startswith("2020-07-28")
