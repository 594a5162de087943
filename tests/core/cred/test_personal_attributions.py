"""Personal attributions: a participant passing a share of their cred on, as SourceCred does.

On SourceCred's sample instance with attributions, a rename and a merge added
(tests/fixtures/sourcecred-attributions, SourceCred 0.11.2's own output), partage must give
SourceCred's cred week by week; on a tiny graph the effect can be worked out by hand; and
a bad attributions file is refused naming the file and the thing.
"""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from partage.core.cred.attribution import Attribution
from partage.core.cred.credrank import Cred, credrank
from partage.core.errors import InvalidInput
from partage.services.cred import compute_file, parse_graph

FIXTURES = Path(__file__).parents[2] / "fixtures"
INSTANCE = FIXTURES / "sourcecred-test-instance"
EXPECTED = FIXTURES / "sourcecred-attributions"
WEEK = 7 * 24 * 3600 * 1000
SUNDAY = 1642896000000  # 2022-01-23 00:00 UTC, a Sunday


def instance_with(tmp_path: Path, attributions: Any, *, ledger_lines: str = "") -> Path:
    copy = tmp_path / "instance"
    shutil.copytree(INSTANCE, copy)
    text = attributions if isinstance(attributions, str) else json.dumps(attributions)
    (copy / "config" / "personalAttributions.json").write_text(text)
    if ledger_lines:
        with (copy / "data" / "ledger.json").open("a") as ledger:
            ledger.write(ledger_lines)
    return copy


def test_sourcecreds_own_cred_with_attributions_renames_and_merges(tmp_path: Path) -> None:
    folder = instance_with(
        tmp_path,
        (EXPECTED / "personalAttributions.json").read_text(),
        ledger_lines=(EXPECTED / "ledger-additions.json").read_text(),
    )
    result = compute_file(folder)
    view = json.loads(zlib.decompress((EXPECTED / "credGrainView").read_bytes()))
    expected = {p["identity"]["name"]: p["credPerInterval"] for p in view["participants"]}
    # Renamed under their new name; credbot merged into dl-proto.
    assert list(result["participants"]) == list(expected)
    assert "will-i-am" in expected and "credbot" not in expected
    assert result["interval_starts"] == [i["startTimeMs"] for i in view["intervals"]]
    for name, weeks in expected.items():
        mine, theirs = np.array(result["participants"][name]["per_interval"]), np.array(weeks)
        shown = theirs != 0
        assert np.all(mine[~shown] == 0), name
        if shown.any():
            worst = np.max(np.abs(mine[shown] - theirs[shown]) / np.abs(theirs[shown]))
            assert worst < 1e-9, name
    # The attributions moved cred: without them beanow had most of it.
    assert result["participants"]["beanow"]["cred"] < result["participants"]["will-i-am"]["cred"]


# A tiny graph: c0 (mint 1) → alice in week 1, c1 (mint 3) → bob in week 2; no way back.
def tiny(*attributions: Attribution) -> Cred:
    graph, params, _, _ = parse_graph(
        {
            "nodes": [
                {"id": "c0", "timestamp_ms": SUNDAY + 1, "weight": 1},
                {"id": "c1", "timestamp_ms": SUNDAY + WEEK + 1, "weight": 3},
                {"id": "alice", "participant": True},
                {"id": "bob", "participant": True},
                {"id": "carol", "participant": True},
            ],
            "edges": [
                {"src": "c0", "dst": "alice", "timestamp_ms": SUNDAY + 1, "backward": 0},
                {"src": "c1", "dst": "bob", "timestamp_ms": SUNDAY + WEEK + 1, "backward": 0},
            ],
        }
    )
    starts = np.array([SUNDAY, SUNDAY + WEEK], dtype=np.int64)
    return credrank(graph, params, starts, SUNDAY + 2 * WEEK, attributions)


ALICE, BOB, CAROL = 2, 3, 4  # graph nodes


def totals(cred: Cred) -> dict[str, float]:
    return dict(zip(cred.participants, cred.totals().tolist(), strict=True))


def test_attributing_half_moves_cred_as_worked_out_by_hand() -> None:
    # Each participant's week nodes form a closed group (webbing stays inside), flowing
    # out β = 0.4 (payout) and R = 1 − β − γf − γb = 0.4 (radiation, no base edges out).
    # Alice's group receives f, bob's 3f. With alice passing x of β to bob, bob's group
    # also receives β·x·A where A = f / (β + R) is alice's mass; paid out, alice : bob =
    # (1 − x)·f : 3f + x·f·β / (β + R) = 0.5 : 3.25 for x = 0.5, out of a mint of 4.
    plain = totals(tiny())
    assert plain["alice"] == pytest.approx(1, rel=1e-6)
    half = totals(tiny(Attribution(ALICE, BOB, (SUNDAY,), (0.5,))))
    assert half["alice"] == pytest.approx(4 * 0.5 / 3.75, rel=1e-6)
    assert half["bob"] == pytest.approx(4 * 3.25 / 3.75, rel=1e-6)
    assert half["carol"] < 1e-12
    # Still conserved: the participants hold what was minted.
    assert sum(half.values()) == pytest.approx(4, rel=1e-6)


def test_a_proportion_takes_effect_from_the_first_interval_starting_after_it() -> None:
    # All of alice's cred to bob, from Monday of week 1: week 1 is untouched, week 2 is bob's.
    cred = tiny(Attribution(ALICE, BOB, (SUNDAY + 24 * 3600 * 1000,), (1.0,)))
    alice = cred.per_interval[cred.participants.index("alice")]
    assert alice[0] > 0.5 and alice[1] == 0
    # From the boundary itself: that very week.
    cred = tiny(Attribution(ALICE, BOB, (SUNDAY, SUNDAY + WEEK), (0.0, 1.0)))
    alice_from_boundary = cred.per_interval[cred.participants.index("alice")]
    assert alice_from_boundary[1] == 0
    np.testing.assert_allclose(alice_from_boundary, alice, rtol=1e-12)
    # Before its first entry an attribution does nothing.
    late = tiny(Attribution(ALICE, BOB, (SUNDAY + 5 * WEEK,), (1.0,)))
    np.testing.assert_array_equal(late.per_interval, tiny().per_interval)


def test_attributions_summing_to_one_are_allowed_above_one_refused() -> None:
    whole = tiny(
        Attribution(ALICE, BOB, (SUNDAY,), (0.75,)), Attribution(ALICE, CAROL, (SUNDAY,), (0.25,))
    )
    assert whole.per_interval[whole.participants.index("alice")].max() == 0
    with pytest.raises(InvalidInput) as err:
        tiny(
            Attribution(ALICE, BOB, (SUNDAY,), (0.75,)),
            Attribution(ALICE, CAROL, (SUNDAY + WEEK,), (0.5,)),
        )
    assert err.value.code == "cred.bad_attribution"
    assert "alice" in err.value.message and "2022-01-30" in err.value.message


@pytest.mark.parametrize(
    ("attributions", "says"),
    [
        ((Attribution(0, BOB, (SUNDAY,), (0.5,)),), "c0 is no participant"),
        ((Attribution(ALICE, BOB, (SUNDAY,), (1.5,)),), "outside [0, 1]"),
        ((Attribution(ALICE, BOB, (SUNDAY + WEEK, SUNDAY), (0.1, 0.2)),), "chronological"),
        (
            (
                Attribution(ALICE, BOB, (SUNDAY,), (0.1,)),
                Attribution(ALICE, BOB, (SUNDAY,), (0.1,)),
            ),
            "twice",
        ),
    ],
)
def test_bad_attributions_are_refused(attributions: tuple[Attribution, ...], says: str) -> None:
    with pytest.raises(InvalidInput) as err:
        tiny(*attributions)
    assert err.value.code == "cred.bad_attribution" and says in err.value.message


BEANOW = {"fromParticipantName": "beanow", "recipients": []}


def to(name: str, *proportions: tuple[str, Any]) -> dict[str, Any]:
    return {
        "toParticipantName": name,
        "proportions": [{"startDate": d, "decimalProportion": p} for d, p in proportions],
    }


@pytest.mark.parametrize(
    ("document", "code", "says"),
    [
        ("{not json", "cred.bad_instance", "not valid JSON"),
        ({"beanow": 1}, "cred.bad_instance", "must be a list"),
        ([{"recipients": []}], "cred.bad_instance", "[0] must be an object with"),
        ([{**BEANOW, "recipients": {}}], "cred.bad_instance", "recipients must be a list"),
        ([{**BEANOW, "fromParticipantName": "nobody"}], "cred.unknown_identity", "'nobody'"),
        (
            [{**BEANOW, "fromParticipantId": "AAAAAAAAAAAAAAAAAAAAAA"}],
            "cred.unknown_identity",
            "id AAAAAAAAAAAAAAAAAAAAAA",
        ),
        (
            [{**BEANOW, "recipients": [to("nobody", ("2019-01-01", 0.5))]}],
            "cred.unknown_identity",
            "[0].recipients[0]",
        ),
        (
            [{**BEANOW, "recipients": [to("william", ("2019-01-01", 1.5))]}],
            "cred.bad_attribution",
            "decimalProportion is 1.5",
        ),
        (
            [{**BEANOW, "recipients": [to("william", ("2019-01-01", "half"))]}],
            "cred.bad_instance",
            "must be a number",
        ),
        (
            [{**BEANOW, "recipients": [to("william", ("someday", 0.5))]}],
            "cred.bad_date",
            "'someday'",
        ),
        (
            [
                {
                    **BEANOW,
                    "recipients": [
                        to("william", ("2019-01-01", 0.6)),
                        to("dandelion", ("2019-11-04", 0.5)),
                    ],
                }
            ],
            "cred.bad_attribution",
            "beanow attributes 1.1 of their cred in the interval starting 2019-11-10",
        ),
        ([BEANOW, BEANOW], "cred.bad_attribution", "second list"),
        (
            [
                {
                    **BEANOW,
                    "recipients": [
                        to("william", ("2019-01-01", 0.1)),
                        to("william", ("2019-01-01", 0.1)),
                    ],
                }
            ],
            "cred.bad_attribution",
            "twice",
        ),
        (
            [
                {
                    **BEANOW,
                    "recipients": [to("william", ("2019-02-01", 0.1), ("2019-01-01", 0.2))],
                }
            ],
            "cred.bad_attribution",
            "chronological",
        ),
    ],
)
def test_a_bad_attributions_file_is_refused_naming_it(
    tmp_path: Path, document: Any, code: str, says: str
) -> None:
    folder = instance_with(tmp_path, document)
    with pytest.raises(InvalidInput) as err:
        compute_file(folder)
    assert err.value.code == code, err.value.message
    assert "personalAttributions.json" in err.value.message and says in err.value.message


@pytest.mark.parametrize("text", ["", "[]", "[\n]"])
def test_no_attributions_change_nothing(tmp_path: Path, text: str) -> None:
    assert compute_file(instance_with(tmp_path, text)) == compute_file(INSTANCE)


def test_the_command_exits_2_on_a_bad_attributions_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from partage.cli.context import CliContext
    from partage.cli.main import app

    folder = instance_with(tmp_path, [{**BEANOW, "fromParticipantName": "nobody"}])
    context = CliContext(make_uow=lambda: None, clock=lambda: None, database_url="")  # type: ignore[arg-type, return-value]
    done = CliRunner().invoke(app, ["cred", "compute", str(folder), "--json"], obj=context)
    assert done.exit_code == 2
    error = json.loads(done.stdout)["error"]
    assert error["code"] == "cred.unknown_identity"
    assert "personalAttributions.json" in error["message"] and "'nobody'" in error["message"]
