"""The organization's cred over HTTP: read by every member, weights changed by admins only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from partage.services import contributions
from tests.api.conftest import ORG, Api

CRED = f"{ORG}/cred"
WEIGHTS = f"{ORG}/cred/weights"


def _work(api: Api) -> None:
    c = api.community
    for who, activity, day, hours in (
        (c.bruno, "animation", date(2026, 2, 16), "3"),
        (c.chloe, "design", date(2026, 2, 24), "2"),
    ):
        with c.uow() as u:
            contributions.record(
                u,
                actor=who,
                activity=activity,
                occurred_on=day,
                hours=hours,
                description="Atelier",
                now=c.clock(),
            )


def test_every_member_reads_the_cred_with_its_sources(api: Api) -> None:
    _work(api)
    found = api.ok("GET", CRED, who="olga")
    assert found["weeks"] == ["2026-02-15", "2026-02-22"]
    assert found["minted"] == 5 and found["total"] == pytest.approx(5, rel=1e-5)
    assert [m["name"] for m in found["members"]] == ["Bruno", "Chloé", "Aïcha", "Dario", "Olga"]
    bruno = found["members"][0]
    assert bruno["cred"] == pytest.approx(3, rel=1e-4)
    assert bruno["share"] == pytest.approx(0.6, rel=1e-4)
    assert bruno["sources"] == [
        {
            "ref": bruno["sources"][0]["ref"],
            "label": "animation, 3 h, 2026-02-16: Atelier",
            "label_fr": "animation, 3 h, 16 février 2026 : Atelier",
            "week": "2026-02-15",
            "cred": pytest.approx(bruno["cred"], rel=1e-9),
        }
    ]
    later = api.ok("GET", CRED, params={"since": "2026-02-22"})
    assert later["weeks"] == ["2026-02-22"] and later["members"][0]["name"] == "Chloé"


def test_nothing_to_score_and_bad_periods_are_422(api: Api) -> None:
    empty = api.get(CRED)
    assert empty.status_code == 422
    assert empty.json()["error"]["code"] == "cred.nothing_to_score"
    _work(api)
    backwards = api.get(CRED, params={"since": "2026-03-01", "until": "2026-02-01"})
    assert backwards.status_code == 422 and backwards.json()["error"]["field"] == "since"
    assert api.get(CRED, params={"since": "tomorrow"}).status_code == 422
    assert api.client.get(CRED).status_code == 401


def test_weights_read_by_all_changed_by_admins(api: Api) -> None:
    _work(api)
    shown = api.ok("GET", WEIGHTS, who="bruno")
    assert shown["effective"] == {"animation": "1", "design": "1"}
    assert shown["params"] == {
        "alpha": "0.1",
        "beta": "0.4",
        "gamma_forward": "0.1",
        "gamma_backward": "0.1",
    }
    refused = api.client.put(WEIGHTS, headers=api.as_("bruno"), json={"claim": "2"})
    assert refused.status_code == 403
    changed = api.ok(
        "PUT",
        WEIGHTS,
        json={"activities": {"design": "2.5"}, "edges": {"touches": {"backward": 0}}},
    )
    assert changed["activities"] == {"design": "2.5"}
    assert changed["edges"]["touches"] == {"forward": "0.25", "backward": "0"}
    assert api.ok("GET", WEIGHTS, who="olga") == changed
    # Chloé's 2 design hours now weigh 5, Bruno's 3 animation hours 3.
    assert api.ok("GET", CRED)["members"][0]["name"] == "Chloé"
    reset = api.ok("PUT", WEIGHTS, json={"activities": {"design": None}})
    assert reset["activities"] == {}


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"activities": {"design": "-1"}}, "cred.bad_weight", "activities.design"),
        ({"activities": {"design": "beaucoup"}}, "cred.bad_weight", "activities.design"),
        ({"gift": "Infinity"}, "cred.bad_weight", "gift"),
        ({"params": {"alpha": "0.7"}}, "cred.bad_param", "params"),
        ({"params": {"delta": "0.1"}}, "cred.unknown_weight", "params.delta"),
        ({"edges": {"likes": {"forward": "1"}}}, "cred.unknown_weight", "edges.likes"),
        ({"claim": 1.5}, None, None),
        ({"colour": "1"}, None, None),
    ],
)
def test_bad_weights_are_422_and_write_nothing(
    api: Api, body: dict[str, Any], code: str | None, field: str | None
) -> None:
    before = api.ok("GET", WEIGHTS)
    refused = api.client.put(WEIGHTS, headers=api.as_("aicha"), json=body)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    if code is not None:
        assert error["code"] == code and error["field"] == field
    assert api.ok("GET", WEIGHTS) == before
