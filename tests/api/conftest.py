"""An HTTP client on the whole application, and a bearer token for each member of the
community of tests/conftest.py (Aïcha admin, Bruno, Chloé, Dario, Olga observer)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from partage.app import create_app
from partage.services import accounts, ledger
from partage.services.context import Actor
from partage.settings import Settings
from tests.conftest import Community, FakeClock

SLUG = "tiers-lieux"
ORG = f"/api/orgs/{SLUG}"


@dataclass
class Api:
    """The client, the community behind it, and each member's Authorization header."""

    client: TestClient
    community: Community
    headers: dict[str, dict[str, str]]

    def as_(self, who: str) -> dict[str, str]:
        return self.headers[who]

    def get(self, path: str, who: str = "aicha", **kw: Any) -> Any:
        return self.client.get(path, headers=self.as_(who), **kw)

    def post(self, path: str, who: str = "aicha", **kw: Any) -> Any:
        return self.client.post(path, headers=self.as_(who), **kw)

    def ok(self, method: str, path: str, who: str = "aicha", status: int = 200, **kw: Any) -> Any:
        """The JSON of a request that must succeed with ``status``."""
        response = self.client.request(method, path, headers=self.as_(who), **kw)
        assert response.status_code == status, response.text
        return response.json()

    def member_id(self, who: str) -> int:
        return self.actor(who).member.id

    def actor(self, who: str) -> Actor:
        c = self.community
        return {
            "aicha": c.admin,
            "bruno": c.bruno,
            "chloe": c.chloe,
            "dario": c.dario,
            "olga": c.observer,
        }[who]

    def journal_size(self) -> int:
        with self.community.uow(readonly=True) as u:
            return len(ledger.journal(u, actor=self.community.admin))


def bearer(community: Community, actor: Actor) -> dict[str, str]:
    # Tokens are made through the service (argon2 sign-in is slow); POST /api/tokens has its
    # own tests.
    with community.uow() as u:
        token = accounts.create_token(u, actor=actor, label="tests", now=community.clock())
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def client(db_url: str, clock: FakeClock) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=db_url, secret_key="test"), clock=clock)
    with TestClient(app) as test_client:
        yield test_client
    # The application's own engine: closing its pooled connections is the app's owner's job.
    app.state.uow.engine.dispose()


@pytest.fixture
def api(client: TestClient, community: Community) -> Api:
    c = community
    actors = {"aicha": c.admin, "bruno": c.bruno, "chloe": c.chloe, "dario": c.dario}
    headers = {name: bearer(c, actor) for name, actor in {**actors, "olga": c.observer}.items()}
    return Api(client, c, headers)


def snapshot(api: Api) -> tuple[object, ...]:
    """Everything an API call could write, read through the services: to assert it did not."""
    from partage.services import contributions, organizations, rounds

    c = api.community
    with c.uow(readonly=True) as u:
        admin = c.admin
        claims = []
        for r in rounds.rounds(u, actor=admin):
            view = rounds.view_round(u, actor=admin, round_id=r.id, now=c.clock())
            for record in view.claims:
                detail = rounds.view_claim(u, actor=admin, claim_id=record.id, now=c.clock())
                claims.append((record.claim, record.granted, record.carried, len(detail.events)))
        return (
            len(ledger.journal(u, actor=admin)),
            [(r.id, r.status) for r in rounds.rounds(u, actor=admin)],
            claims,
            [v.member for v in organizations.members(u, actor=admin)],
            organizations.colleges(u, actor=admin),
            contributions.find(u, actor=admin),
            c.actor(admin).organization,
        )
