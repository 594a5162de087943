"""Recording contributions, finding them, and importing a CSV file all or nothing."""

from __future__ import annotations

from tests.api.conftest import ORG, Api, snapshot

CSV = "text/csv"


def upload(api: Api, data: bytes, who: str = "aicha") -> object:
    files = {"file": ("contributions.csv", data, CSV)}
    return api.client.post(f"{ORG}/contributions/import", files=files, headers=api.as_(who))


def test_a_member_records_and_finds_contributions(api: Api) -> None:
    body = {"activity": "Accueil", "date": "2026-03-01", "hours": "2.5", "description": "samedi"}
    made = api.ok("POST", f"{ORG}/contributions", "bruno", json=body, status=201)
    assert (made["hours"], made["member_id"]) == ("2.5", api.member_id("bruno"))
    body = {"activity": "Compta", "date": "2026-02-10", "quantity": "3"}
    api.ok("POST", f"{ORG}/contributions", "chloe", json=body, status=201)
    everything = api.ok("GET", f"{ORG}/contributions", "olga")
    assert [c["activity"] for c in everything] == ["Accueil", "Compta"]
    only = {"member": api.member_id("chloe")}
    assert [c["activity"] for c in api.ok("GET", f"{ORG}/contributions", params=only)] == ["Compta"]
    march = {"since": "2026-03-01", "until": "2026-03-31", "activity": "accueil"}
    assert len(api.ok("GET", f"{ORG}/contributions", params=march)) == 1


def test_contribution_rules_are_enforced(api: Api) -> None:
    before = snapshot(api)
    for body, code in (
        ({"activity": "a", "date": "2026-04-01", "hours": "1"}, "contribution.future"),
        ({"activity": "a", "date": "2026-03-01"}, "contribution.no_measure"),
        ({"activity": "a", "date": "le 1er mars", "hours": "1"}, "date.bad"),
        (
            {"activity": "a", "date": "2026-03-01", "hours": "1", "member": 1},
            "contribution.other_member",
        ),
        ({"activity": "a", "date": "2026-03-01", "hours": 1.5}, "amount.float"),
        (
            {"activity": "a", "date": "2026-03-01", "hours": "1", "link": "ftp://x"},
            "contribution.bad_link",
        ),
    ):
        refused = api.post(f"{ORG}/contributions", "bruno", json=body)
        assert refused.status_code == 422, body
        assert refused.json()["error"]["code"] == code
    bad_filter = api.get(f"{ORG}/contributions", params={"since": "2026-13-01"})
    assert bad_filter.status_code == 422
    assert bad_filter.json()["error"]["field"] == "since"
    assert snapshot(api) == before


def test_a_good_csv_is_imported(api: Api) -> None:
    data = (
        "member,activity,date,hours,quantity,description,link\n"
        "Bruno,Accueil,2026-02-01,3,,permanence,\n"
        f"{api.member_id('chloe')},Jardin,2026-02-02,1.25,,,https://example.org/photo\n"
    ).encode()
    imported = upload(api, data)
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"imported": 2}
    assert {c["hours"] for c in api.ok("GET", f"{ORG}/contributions")} == {"3", "1.25"}


def test_a_csv_with_bad_rows_imports_nothing_and_names_them(api: Api) -> None:
    before = snapshot(api)
    data = (
        b"member,activity,date,hours\n"
        b"Bruno,Accueil,2026-02-01,3\n"
        b"Personne,Accueil,2026-02-01,3\n"
        b"Bruno,Accueil,2099-01-01,3\n"
        b"Bruno,Accueil,2026-02-01,-2\n"
    )
    refused = upload(api, data)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == ("import.invalid_rows", "file")
    assert [(d["line"], d["field"]) for d in error["details"]] == [
        (3, "member"),
        (4, "date"),
        (5, "hours"),
    ]
    assert snapshot(api) == before


def test_unreadable_files_are_refused(api: Api) -> None:
    before = snapshot(api)
    for data, code in (
        (b"who,what\nBruno,x\n", "import.bad_header"),
        (b"member,activity,date\n", "import.empty"),
        (b"\xff\xfegarbage", "import.encoding"),
        (b"member,activity,date,hours\nBruno,Acc\x00ueil,2026-02-01,3\n", "import.nul"),
    ):
        refused = upload(api, data)
        assert refused.status_code == 422
        assert refused.json()["error"]["code"] == code
    missing = api.client.post(f"{ORG}/contributions/import", headers=api.as_("aicha"))
    assert missing.status_code == 422
    assert missing.json()["error"]["field"] == "file"
    assert snapshot(api) == before


def test_members_import_only_their_own_rows_and_observers_nothing(api: Api) -> None:
    data = b"member,activity,date,hours\nChlo\xc3\xa9,Accueil,2026-02-01,3\n"
    refused = upload(api, data, who="bruno")
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "member"
    assert upload(api, data, who="olga").status_code == 403


def test_imports_may_exceed_one_mebibyte_but_not_ten(api: Api) -> None:
    # Past the 1 MiB of other requests, the file is read (and refused for its content)…
    roomy = b"who,what\n" + b"x" * (2 * 1024 * 1024)
    assert upload(api, roomy).json()["error"]["code"] == "import.bad_header"
    # …but past 10 MiB it is not read at all.
    huge = b"member,activity,date,hours\n" + b"x" * (10 * 1024 * 1024)
    refused = upload(api, huge)
    assert refused.status_code == 413
    assert refused.json()["error"]["code"] == "request.too_large"
