"""Fixtures for the web pages: the app on the test database, and a signed-in visitor."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from httpx2 import Response

from partage.app import create_app
from partage.core.closing import Policy, UnspentRule
from partage.services import rounds
from partage.settings import Settings
from tests.conftest import PASSWORD, Community, FakeClock

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Visitor:
    """A browser without JavaScript: follows forms, carries its cookies and CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def get(self, url: str, **headers: str) -> Response:
        return self.client.get(url, headers=headers)

    def token(self) -> str:
        found = CSRF.search(self.client.get("/signin").text)
        assert found, "every page with a form carries the CSRF token"
        return found.group(1)

    def post(
        self,
        url: str,
        data: Mapping[str, str | list[str]] | None = None,
        *,
        csrf: bool = True,
        follow: bool = True,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> Response:
        form: dict[str, str | list[str]] = dict(data or {})
        if csrf:
            form["csrf"] = self.token()
        return self.client.post(url, data=form, files=files, follow_redirects=follow)

    def sign_in(self, who: str, slug: str = "tiers-lieux", password: str = PASSWORD) -> Response:
        return self.post("/signin", {"email": f"{who}@{slug}.example", "password": password})


@pytest.fixture
def client(db_url: str, clock: FakeClock, community: Community) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=db_url, secret_key="test"), clock=clock)
    with TestClient(app, headers={"Accept-Language": "en"}) as test_client:
        yield test_client
    app.state.uow.engine.dispose()


@pytest.fixture
def visitor(client: TestClient) -> Visitor:
    return Visitor(client)


def open_round(c: Community, envelope: int = 500_000, name: str = "Printemps 2026") -> int:
    with c.uow() as u:
        return rounds.open_round(
            u,
            actor=c.admin,
            name=name,
            envelope=envelope,
            window=timedelta(days=7),
            policy=Policy.PRO_RATA,
            unspent_rule=UnspentRule.ROLLOVER,
            now=c.clock(),
        ).id


def declare(c: Community, who_actor: object, round_id: int, amount: int) -> int:
    with c.uow() as u:
        return rounds.declare_claim(
            u,
            actor=who_actor,  # type: ignore[arg-type]
            round_id=round_id,
            amount=amount,
            justification="Animation de l'atelier vélo",
            now=c.clock(),
        ).id


# -- a real browser -------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def serve(db_url: str, clock: FakeClock) -> Iterator[str]:
    """The app under uvicorn in a background thread on a free local port; its base URL."""
    app = create_app(Settings(database_url=db_url, secret_key="browser-test"), clock=clock)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", ws="none", http="h11", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        app.state.uow.engine.dispose()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One headless Chromium per test module; each person gets their own context."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def shoot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
