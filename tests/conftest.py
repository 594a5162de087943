"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL when
PARTAGE_TEST_POSTGRES_URL is set), units of work on it, and a clock the test moves."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from partage.core.community import LegalForm
from partage.core.currency import iso_currency
from partage.core.roles import Role
from partage.services import accounts
from partage.services.accounts import find_or_create_user
from partage.services.context import Actor, acting
from partage.services.ledger import deposit
from partage.services.organizations import add_college, add_member, create_organization
from partage.storage.database import make_engine, normalize_url
from partage.storage.migrate import upgrade
from partage.storage.tables import metadata
from partage.storage.uow import UnitOfWorkFactory

POSTGRES_URL = os.environ.get("PARTAGE_TEST_POSTGRES_URL")


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashing() -> Iterator[None]:
    """Argon2 with its lightest parameters: the same algorithm and checks, a test-suite's speed."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
        yield


@dataclass
class FakeClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "partage.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A fresh database of its own on the server PARTAGE_TEST_POSTGRES_URL names, so that
    concurrent test runs never meet; dropped at the end."""
    if not POSTGRES_URL:
        yield None
        return
    name = f"partage_test_{os.getpid()}"
    server = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = (
        make_url(normalize_url(POSTGRES_URL))
        .set(database=name)
        .render_as_string(hide_password=False)
    )
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template: Path) -> str:
    """Each database test runs on SQLite, and on PostgreSQL too when it is configured."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        engine = make_engine(url)
        names = ", ".join(t.name for t in metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return url
    target = tmp_path / "partage.db"
    shutil.copy(_sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine: Engine) -> UnitOfWorkFactory:
    return UnitOfWorkFactory(engine)


@dataclass
class Community:
    """A small tiers-lieux network: Aïcha (admin), Bruno, Chloé, Dario, and an observer."""

    uow: UnitOfWorkFactory
    clock: FakeClock
    admin: Actor
    bruno: Actor
    chloe: Actor
    dario: Actor
    observer: Actor

    def actor(self, actor: Actor) -> Actor:
        """The same member, re-read (after a role or page change)."""
        with self.uow(readonly=True) as u:
            return acting(u, slug=actor.organization.slug, user_id=actor.member.user_id or 0)


PASSWORD = "correct horse battery"


@pytest.fixture
def community(uow: UnitOfWorkFactory, clock: FakeClock) -> Community:
    return make_community(uow, clock)


def make_community(
    uow: UnitOfWorkFactory, clock: FakeClock, *, slug: str = "tiers-lieux", fund: int = 1_000_000
) -> Community:
    now = clock()
    with uow() as u:
        user_id = find_or_create_user(
            u, email=f"aicha@{slug}.example", display_name="Aïcha", password=PASSWORD, now=now
        )
        admin = create_organization(
            u,
            name=f"Réseau {slug}",
            slug=slug,
            currency=iso_currency("EUR"),
            legal_form=LegalForm.ASSOCIATION,
            founder_user_id=user_id,
            founder_name="Aïcha",
            now=now,
        )
    with uow() as u:
        for name, weight in (("Lieux", "40"), ("Contributeurs", "40"), ("Soutiens", "20")):
            add_college(u, actor=admin, name=name, weight=weight)
    actors = {}
    for name, role in (
        ("Bruno", Role.MEMBER),
        ("Chloé", Role.MEMBER),
        ("Dario", Role.MEMBER),
        ("Olga", Role.OBSERVER),
    ):
        with uow() as u:
            member = add_member(
                u,
                actor=admin,
                name=name,
                role=role,
                now=now,
                email=f"{name.lower()}@{slug}.example",
                password=PASSWORD,
                college="Contributeurs",
            )
        with uow(readonly=True) as u:
            actors[name] = acting(u, slug=slug, user_id=member.user_id or 0)
    if fund:
        with uow() as u:
            deposit(u, actor=admin, amount=fund, memo="Subvention de la Région", now=now)
    return Community(
        uow, clock, admin, actors["Bruno"], actors["Chloé"], actors["Dario"], actors["Olga"]
    )
