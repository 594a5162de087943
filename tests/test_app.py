"""The assembled application: limits that hold for every entry point."""

from __future__ import annotations

from fastapi.testclient import TestClient

from partage.app import MAX_REQUEST_BYTES, create_app
from partage.settings import Settings
from tests.conftest import FakeClock


def test_an_oversized_request_is_refused_unread(db_url: str, clock: FakeClock) -> None:
    app = create_app(Settings(database_url=db_url, secret_key="test"), clock=clock)
    with TestClient(app) as client:
        big = b"x" * (MAX_REQUEST_BYTES + 1)
        page = client.post(
            "/signin", content=big, headers={"content-type": "application/x-www-form-urlencoded"}
        )
        assert page.status_code == 413
        bad = client.post("/signin", content=b"a=b", headers={"content-length": "abc"})
        assert bad.status_code == 400
        assert client.get("/").status_code == 200


def test_the_program_routes_database_commands_past_the_batch_fast_path() -> None:
    from partage.cli import batch

    assert batch.handles(["cred", "compute", "graph.json"])
    assert batch.handles(["tally", "-"])
    assert not batch.handles(["cred", "org", "tiers-lieux"])
    assert not batch.handles(["cred", "weights", "tiers-lieux"])
    assert not batch.handles(["--as", "a@b.example", "cred", "org", "x"])
    assert not batch.handles([])


def test_a_batch_command_loads_neither_the_database_nor_the_other_commands() -> None:
    import subprocess
    import sys

    probe = (
        "import sys; from partage.cli import batch; batch.program('cred'); "
        "print(sorted(m for m in ('sqlalchemy', 'fastapi', 'pyarrow', "
        "'partage.cli.tally_commands', 'partage.cli.simulate_commands') if m in sys.modules))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == "[]"
