"""Importing a SourceCred community: members and aliases, grain history, and ``balanced``
picking up where SourceCred stopped."""

from __future__ import annotations

import json
import zlib
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from partage.core.community import MemberKind
from partage.core.errors import DomainError, Forbidden, InvalidInput
from partage.core.money import parse_minor
from partage.core.roles import Role
from partage.services import distributions, ledger
from partage.services.sourcecred_community import ImportReport, address_alias, import_community
from tests.conftest import Community
from tests.services.sourcecred_ledgers import GRAIN, LedgerWriter

INSTANCE = Path(__file__).parents[1] / "fixtures" / "sourcecred-test-instance"
CENT = 10**16  # attoGrain per cent of a grain (at 1 EUR a grain, 1 cent)


def run(c: Community, path: Path, **options: Any) -> ImportReport:
    with c.uow() as u:
        return import_community(u, actor=c.admin, path=path, now=c.clock(), **options)


def snapshot(c: Community) -> tuple[int, int, int, int]:
    """Members, aliases, distributions and journal entries of the organization."""
    with c.uow(readonly=True) as u:
        org = c.admin.org_id
        return (
            len(u.community.members(org)),
            len(u.aliases.all(org)),
            len(u.distributions.all(org)),
            len(u.ledger.journal(org)),
        )


def paid_by_member(c: Community) -> dict[int, int]:
    """What the recorded grain distributions gave each member, in cents."""
    totals: Counter[int] = Counter()
    with c.uow(readonly=True) as u:
        for d in u.distributions.all(c.admin.org_id):
            assert d.model == "grain"
            for member, amount in d.result["allocations"].items():
                totals[int(member)] += parse_minor(amount, 2, allow_zero=True)
    return dict(totals)


def members_by_name(c: Community) -> dict[str, Any]:
    with c.uow(readonly=True) as u:
        return {m.name: m for m in u.community.members(c.admin.org_id)}


def test_the_sample_instance_becomes_members_and_history(community: Community) -> None:
    c = community
    before = snapshot(c)
    report = run(c, INSTANCE)
    assert (report.identities, report.members_added, report.members_matched) == (10, 10, 0)
    # Each identity's id, and the 10 plugin aliases the ledger gives them.
    assert report.aliases_added == 20
    assert report.inactive == 7
    assert (report.distributions_read, report.distributions_imported) == (6, 6)
    assert report.transfers_skipped == 2

    members = members_by_name(c)
    assert members["SourceCred"].kind is MemberKind.ORGANISATION
    assert members["dandelion"].kind is MemberKind.PERSON
    assert members["dandelion"].role is Role.MEMBER
    assert members["credbot"].role is Role.OBSERVER  # a BOT takes no part in decisions
    assert members["beanow"].role is Role.MEMBER  # inactive in SourceCred: still a member
    with c.uow(readonly=True) as u:
        org = c.admin.org_id
        dandelion = members["dandelion"].id
        assert u.aliases.member_of(org, "sourcecred:YX6zzoNxYwGgLduJqWVoAg") == dandelion
        assert (
            u.aliases.member_of(
                org,
                "sourcecred-alias:sourcecred/discourse/user/"
                "https:%2F%2Fsourcecred-test.discourse.group/d11",
            )
            == dandelion
        )
        # Imported history moves no money: the books are as they were, and balanced.
        assert ledger.check(u, actor=c.admin).ok
    after = snapshot(c)
    assert after == (before[0] + 10, before[1] + 20, before[2] + 6, before[3])

    # Each receipt rounded down to the cent, on its own: computed here from the raw lines.
    expected: Counter[str] = Counter()
    for line in (INSTANCE / "data" / "ledger.json").read_text().splitlines():
        action = json.loads(line)["action"]
        if action["type"] == "DISTRIBUTE_GRAIN":
            for allocation in action["distribution"]["allocations"]:
                for receipt in allocation["receipts"]:
                    expected[receipt["id"]] += int(receipt["amount"]) // CENT
    ids = {m.name: m.identity for m in report.members}
    paid = paid_by_member(c)
    assert {name: paid.get(members[name].id, 0) for name in ids} == {
        name: expected.get(ids[name], 0) for name in ids
    }
    assert report.totals["EUR"].minor == sum(expected.values())

    # SourceCred's own view of what each earned (the repeated distribution counts twice
    # there too): ours is the same, less under a cent per receipt.
    view = json.loads(zlib.decompress((INSTANCE / "output" / "credGrainView").read_bytes()))
    for participant in view["participants"]:
        earned = Fraction(int(participant["grainEarned"]), CENT)
        ours = paid.get(members[participant["identity"]["name"]].id, 0)
        assert earned - 6 < ours <= earned


def test_an_imported_distribution_says_where_it_comes_from(community: Community) -> None:
    c = community
    report = run(c, INSTANCE)
    with c.uow(readonly=True) as u:
        first = u.distributions.get(c.admin.org_id, report.distribution_ids[0])
    assert first is not None
    assert (first.model, first.fund, first.entry_seq) == ("grain", "sourcecred", None)
    assert first.source["imported_from"] == "sourcecred"
    assert first.source["distribution"] == "8CoHqZMDRQ7L1Up6yVqjxQ"
    assert first.source["cred_timestamp_ms"] == 1573344000000
    assert first.source["cred_time"].startswith("2019-11-10")
    assert first.params["policy"] == "balanced"
    [policy] = first.params["allocations"]
    assert policy["budget"] == "1000.00" and policy["budget_grain"] == "1000"
    assert policy["lookback"] == 0
    # 955.230194734145601536 g and 44.769805265854398464 g → 955.23 and 44.76 EUR
    assert (first.budget, first.paid, first.unallocated) == (100000, 99999, 1)
    assert first.created_at.year == 2020  # when SourceCred paid it
    assert first.result["indicators"]["recipients"] == 2


def test_importing_twice_adds_nothing(community: Community) -> None:
    c = community
    run(c, INSTANCE)
    before = snapshot(c)
    again = run(c, INSTANCE)
    assert snapshot(c) == before
    assert (again.members_added, again.members_matched, again.aliases_added) == (0, 10, 0)
    assert (again.distributions_imported, again.distributions_present) == (0, 6)
    assert again.totals["EUR"].minor == 0


def test_a_dry_run_reports_and_writes_nothing(community: Community) -> None:
    c = community
    before = snapshot(c)
    dry = run(c, INSTANCE, dry_run=True)
    assert snapshot(c) == before
    real = run(c, INSTANCE)
    assert dry.dry_run and not real.dry_run
    assert (dry.members_added, dry.aliases_added, dry.distributions_imported) == (10, 20, 6)
    assert dry.totals == real.totals


def test_balanced_picks_up_where_sourcecred_stopped(community: Community, tmp_path: Path) -> None:
    """Three SourceCred participants paid twice; then a partage distribution with the
    balanced policy, over new scores, gives what SourceCred's formula gives on what they
    were paid: perCred = (Σpaid + budget) / Σcred, target = perCred × cred,
    underpaid = max(target − paid, 0), the budget split by underpaid."""
    c = community
    third = 333_333_333_333_333_333_333  # 333.33… grain: rounded down to 333.33 EUR
    folder = (
        LedgerWriter()
        .identity("ada", "ada")
        .identity("bob", "bob")
        .identity("cyd", "cyd", "PROJECT")
        .distribute(
            "d1",
            1_600_000_000_000,
            ("IMMEDIATE", 1000 * GRAIN, {"ada": 1000 * GRAIN - third, "bob": third}),
        )
        .distribute(
            "d2",
            1_600_600_000_000,
            ("BALANCED", 500 * GRAIN, {"bob": 120 * GRAIN, "cyd": 380 * GRAIN}),
        )
        .event(
            {
                "type": "TRANSFER_GRAIN",
                "from": "ada",
                "to": "cyd",
                "amount": str(50 * GRAIN),
                "memo": None,
            }
        )
        .write(tmp_path / "instance")
    )
    run(c, folder, grain_value="1")
    members = members_by_name(c)
    paid = {name: paid_by_member(c)[members[name].id] for name in ("ada", "bob", "cyd")}
    # The transfer earns nothing; each receipt is rounded down to the cent.
    assert paid == {"ada": 66666, "bob": 33333 + 12000, "cyd": 38000}

    scores = {
        str(members["ada"].id): ["1.5", "2"],
        str(members["bob"].id): ["4", "3.25"],
        str(members["cyd"].id): ["0.5", "1"],
        str(c.dario.member.id): ["1", "2.75"],  # no SourceCred past: paid 0
    }
    budget = 70_001  # 700.01 EUR
    with c.uow(readonly=True) as u:
        seen = distributions.preview(
            u,
            actor=c.admin,
            models=[{"type": "grain", "policy": "balanced"}],
            data=distributions.source(scores=scores),
            budget=budget,
        )
    got = {k: parse_minor(v, 2, allow_zero=True) for k, v in seen.results[0]["allocations"].items()}

    # SourceCred's formula, exactly, on the imported amounts.
    cred = {m: sum(Fraction(s) for s in row) for m, row in scores.items()}
    paid_by = {str(members[n].id): v for n, v in paid.items()}
    per_cred = Fraction(sum(paid_by.values()) + budget) / sum(cred.values())
    under = {m: max(per_cred * cred[m] - paid_by.get(m, 0), Fraction(0)) for m in cred}
    exact = {m: budget * u / sum(under.values()) for m, u in under.items()}
    expected = {m: int(v) for m, v in exact.items()}
    left = budget - sum(expected.values())
    for m in sorted(exact, key=lambda m: (-(exact[m] - int(exact[m])), m))[:left]:
        expected[m] += 1
    assert {m: got.get(m, 0) for m in expected} == expected
    assert expected[str(members["cyd"].id)] == 0  # paid beyond their target already
    assert sum(got.values()) == budget


def test_renames_merges_and_types_last_state_wins(community: Community, tmp_path: Path) -> None:
    c = community
    folder = (
        LedgerWriter()
        .identity("ada", "ada")
        .identity("ada2", "ada-old-account")
        .identity("bob", "bob", active=False)
        .alias("ada2", "sourcecred", "github", "USERLIKE", "USER", "ada-gh")
        .identity("ada2b", "ada-third", active=False)
        .distribute(
            "d1", 1_600_000_000_000, ("BALANCED", 11 * GRAIN, {"ada": GRAIN, "ada2": 10 * GRAIN})
        )
        .event({"type": "MERGE_IDENTITIES", "base": "ada2", "target": "ada2b"})
        .event({"type": "MERGE_IDENTITIES", "base": "ada", "target": "ada2"})
        .event({"type": "RENAME_IDENTITY", "identityId": "ada", "newName": "ada-lovelace"})
        .event({"type": "CHANGE_IDENTITY_TYPE", "identityId": "bob", "newType": "BOT"})
        .distribute("d2", 1_600_600_000_000, ("IMMEDIATE", 5 * GRAIN, {"ada2b": 5 * GRAIN}))
        .write(tmp_path / "instance")
    )
    report = run(c, folder)
    assert report.identities == 2 and report.inactive == 1
    members = members_by_name(c)
    assert "ada-old-account" not in members and "ada-third" not in members
    ada = members["ada-lovelace"]
    assert members["bob"].role is Role.OBSERVER
    with c.uow(readonly=True) as u:
        org = c.admin.org_id
        for alias in (
            "sourcecred:ada",
            "sourcecred:ada2",
            "sourcecred:ada2b",
            "sourcecred-alias:sourcecred/github/USERLIKE/USER/ada-gh",
        ):
            assert u.aliases.member_of(org, alias) == ada.id, alias
    # Receipts to the merged accounts, before and after the merge, are the base's.
    assert paid_by_member(c) == {ada.id: 1600}


def test_a_taken_name_is_made_unique(community: Community, tmp_path: Path) -> None:
    c = community
    folder = LedgerWriter().identity("b1", "bruno").identity("o1", "olga").write(tmp_path / "i")
    report = run(c, folder)
    assert sorted(m.member_name for m in report.members) == [
        "bruno (SourceCred)",
        "olga (SourceCred)",
    ]
    members = members_by_name(c)
    assert {"Bruno", "bruno (SourceCred)", "Olga", "olga (SourceCred)"} <= set(members)


def test_grain_value_converts_exactly(community: Community, tmp_path: Path) -> None:
    c = community
    folder = (
        LedgerWriter()
        .identity("ada", "ada")
        .distribute("d1", 1_600_000_000_000, ("IMMEDIATE", 3 * GRAIN, {"ada": 3 * GRAIN - 1}))
        .write(tmp_path / "i")
    )
    report = run(c, folder, grain_value="0,35")
    # (3 g − 1 attoGrain) × 0.35 EUR = 1.0499999… EUR → 1.04 EUR; the budget 1.05 EUR.
    assert report.totals["EUR"].minor == 104
    assert report.grain_value == "0.35"
    with c.uow(readonly=True) as u:
        [d] = u.distributions.all(c.admin.org_id)
    assert (d.budget, d.paid, d.unallocated) == (105, 104, 1)


@pytest.mark.parametrize("value", ["0", "-1", "1e3", "abc", "", "NaN", "1.2.3"])
def test_a_bad_grain_value_is_refused(community: Community, value: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        run(community, INSTANCE, grain_value=value)
    assert refused.value.field == "grain_value"


def refused(c: Community, folder: Path) -> DomainError:
    before = snapshot(c)
    with pytest.raises(DomainError) as error:
        run(c, folder)
    assert snapshot(c) == before  # one transaction: nothing written
    return error.value


def test_bad_ledgers_are_refused_naming_the_line(community: Community, tmp_path: Path) -> None:
    c = community
    missing = refused(c, tmp_path / "nowhere")
    assert missing.code == "sourcecred.missing_ledger" and "nowhere: is missing" in missing.message
    (tmp_path / "empty").mkdir()
    assert "empty/data/ledger.json: is missing" in refused(c, tmp_path / "empty").message

    writer = LedgerWriter().identity("ada", "ada")
    corrupt = writer.write(tmp_path / "corrupt")
    with (corrupt / "data" / "ledger.json").open("a") as f:
        f.write('{"action": {"type": "ADD_ALIAS"\n')
    error = refused(c, corrupt)
    assert error.code == "sourcecred.bad_ledger" and "line 3:" in error.message

    unknown = (
        LedgerWriter()
        .identity("ada", "ada")
        .distribute("d1", 1_600_000_000_000, ("IMMEDIATE", GRAIN, {"ada": 1, "zed": GRAIN - 1}))
        .write(tmp_path / "unknown")
    )
    error = refused(c, unknown)
    assert "line 3:" in error.message and "'zed'" in error.message

    negative = (
        LedgerWriter()
        .identity("ada", "ada")
        .distribute("d1", 1_600_000_000_000, ("IMMEDIATE", GRAIN, {"ada": -5}))
        .write(tmp_path / "negative")
    )
    assert "line 3:" in refused(c, negative).message

    # A ledger that goes wrong after identities and distributions: none of them is kept.
    late = (
        LedgerWriter()
        .identity("ada", "ada")
        .distribute("d1", 1_600_000_000_000, ("IMMEDIATE", GRAIN, {"ada": GRAIN}))
        .event({"type": "RENAME_IDENTITY", "identityId": "nobody", "newName": "x"})
        .write(tmp_path / "late")
    )
    assert "line 4:" in refused(c, late).message


def test_only_an_admin_imports(community: Community) -> None:
    c = community
    before = snapshot(c)
    for who in (c.bruno, c.observer):
        with c.uow() as u, pytest.raises(Forbidden):
            import_community(u, actor=who, path=INSTANCE, now=c.clock())
    assert snapshot(c) == before


def test_a_history_keeps_one_grain_value(community: Community, tmp_path: Path) -> None:
    c = community
    writer = (
        LedgerWriter()
        .identity("ada", "ada")
        .distribute("d1", 1_600_000_000_000, ("IMMEDIATE", 2 * GRAIN, {"ada": 2 * GRAIN}))
    )
    folder = writer.write(tmp_path / "i")
    assert run(c, folder, grain_value="0.5").totals["EUR"].minor == 100
    writer.distribute("d2", 1_600_600_000_000, ("IMMEDIATE", 4 * GRAIN, {"ada": 4 * GRAIN}))
    writer.write(tmp_path / "i")
    before = snapshot(c)
    with pytest.raises(InvalidInput) as refused:
        run(c, folder, grain_value="1")
    assert refused.value.code == "sourcecred.grain_value_changed"
    assert "--grain-value 0.5" in refused.value.message
    assert snapshot(c) == before
    # Left out, the value is the earlier imports' one.
    later = run(c, folder)
    assert (later.grain_value, later.distributions_imported) == ("0.5", 1)
    assert later.totals["EUR"].minor == 200


def test_alias_text_holds_no_nul_and_reads_back() -> None:
    address = "N\0sourcecred\0discourse\0user\0https://forum.example/a b%\0ada\0"
    text = address_alias(address)
    assert (
        text
        == "sourcecred-alias:sourcecred/discourse/user/https:%2F%2Fforum.example%2Fa%20b%25/ada"
    )
    parts = [unquote(p) for p in text.removeprefix("sourcecred-alias:").split("/")]
    assert parts == address.split("\0")[1:-1]
    long = "N\0" + "x" * 400 + "\0"
    shortened = address_alias(long)
    assert len(shortened) <= 300 and "\0" not in shortened
    assert shortened == address_alias(long) != address_alias("N\0" + "x" * 401 + "\0")
