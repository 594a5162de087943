"""Importing a SourceCred community of 10,000 identities and 200 grain distributions of
10,000 receipts each (2,000,000 receipts, a ledger of about 200 MB).

Generates the ledger in a temporary directory (every identity with one plugin alias, one in
ten inactive, distributions alternating BALANCED and IMMEDIATE with receipts that sum to the
budget, as SourceCred writes them), then times:

* the reference: parsing every line with orjson, the least any import must do;
* reading and replaying the ledger alone (msgspec, receipts summed as they are read);
* the whole import on a fresh database (members, aliases, distributions, one commit);
* the same ledger again (everything matched, nothing added).

SQLite by default; ``--postgres URL`` runs the same on a PostgreSQL database it creates and
drops. Run: ``.venv/bin/python bench/sourcecred_import.py [--identities N]
[--distributions D] [--postgres URL]``.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import orjson
from sqlalchemy import text
from sqlalchemy.engine import make_url

from partage.core.community import LegalForm
from partage.core.currency import iso_currency
from partage.core.grain_units import GrainRate
from partage.services.accounts import find_or_create_user
from partage.services.context import acting
from partage.services.organizations import create_organization
from partage.services.sourcecred_community import import_community
from partage.services.sourcecred_ledger import read_ledger
from partage.storage.database import make_engine, normalize_url
from partage.storage.migrate import upgrade
from partage.storage.uow import UnitOfWorkFactory

NOW = datetime(2026, 6, 1, tzinfo=UTC)
GRAIN = 10**18
WEEK_MS = 604_800_000
START_MS = 1_609_632_000_000  # 2021-01-03, a Sunday


def uuid(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(rng.choice(alphabet) for _ in range(22))


def write_ledger(path: Path, identities: int, distributions: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    ids = [uuid(rng) for _ in range(identities)]
    stamp = START_MS
    with path.open("wb") as out:

        def event(action: dict[str, object]) -> None:
            nonlocal stamp
            stamp += 17
            out.write(
                orjson.dumps(
                    {
                        "action": action,
                        "ledgerTimestamp": stamp,
                        "uuid": uuid(rng),
                        "version": "1",
                    }
                )
                + b"\n"
            )

        for n, ident in enumerate(ids):
            event(
                {
                    "type": "CREATE_IDENTITY",
                    "identity": {
                        "address": f"N\0sourcecred\0core\0IDENTITY\0{ident}\0",
                        "aliases": [],
                        "id": ident,
                        "name": f"user-{n}",
                        "subtype": "USER" if n % 50 else "BOT",
                    },
                }
            )
            event(
                {
                    "type": "ADD_ALIAS",
                    "identityId": ident,
                    "alias": {
                        "address": f"N\0sourcecred\0discourse\0user\0https://forum.example\0u{n}\0",
                        "description": f"discourse/@u{n}",
                    },
                }
            )
            if n % 10:
                event({"type": "TOGGLE_ACTIVATION", "identityId": ident})
        for d in range(distributions):
            budget = 10_000 * GRAIN
            weights = [rng.paretovariate(1.3) for _ in ids]
            total = sum(weights)
            amounts = [int(budget * w / total) for w in weights]
            amounts[-1] += budget - sum(amounts)  # SourceCred's leftover to the last entry
            event(
                {
                    "type": "DISTRIBUTE_GRAIN",
                    "distribution": {
                        "id": uuid(rng),
                        "credTimestamp": START_MS + d * WEEK_MS,
                        "allocations": [
                            {
                                "id": uuid(rng),
                                "policy": {
                                    "policyType": "BALANCED" if d % 2 else "IMMEDIATE",
                                    "budget": str(budget),
                                    "numIntervalsLookback": 0 if d % 2 else 1,
                                },
                                "receipts": [
                                    {"id": who, "amount": str(amount)}
                                    for who, amount in zip(ids, amounts, strict=True)
                                ],
                            }
                        ],
                    },
                }
            )


def organization(url: str) -> tuple[UnitOfWorkFactory, str]:
    engine = make_engine(url)
    upgrade(engine)
    uow = UnitOfWorkFactory(engine)
    with uow() as u:
        user = find_or_create_user(
            u, email="admin@example.org", display_name="Admin", password=None, now=NOW
        )
        create_organization(
            u,
            name="Bench",
            slug="bench",
            currency=iso_currency("EUR"),
            legal_form=LegalForm.ASSOCIATION,
            founder_user_id=user,
            founder_name="Admin",
            now=NOW,
        )
    return uow, "admin@example.org"


def timed_imports(uow: UnitOfWorkFactory, ledger: Path, reference: float) -> None:
    with uow(readonly=True) as u:
        user = u.community.user_by_email("admin@example.org")
        assert user is not None
        admin = acting(u, slug="bench", user_id=int(user.id))
    for label in ("whole import", "same ledger again"):
        start = time.perf_counter()
        with uow() as u:
            report = import_community(u, actor=admin, path=ledger, now=NOW)
        took = time.perf_counter() - start
        print(
            f"{label:<20} {took:7.2f} s  ratio {took / reference:5.1f}x  "
            f"members +{report.members_added} ={report.members_matched}, "
            f"aliases +{report.aliases_added}, distributions +{report.distributions_imported}, "
            f"paid {report.totals['EUR']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--identities", type=int, default=10_000)
    parser.add_argument("--distributions", type=int, default=200)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to run on as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "ledger.json"
        start = time.perf_counter()
        write_ledger(ledger, args.identities, args.distributions)
        size = ledger.stat().st_size
        print(
            f"ledger: {args.identities} identities, {args.distributions} distributions × "
            f"{args.identities} receipts, {size / 1e6:.0f} MB, "
            f"written in {time.perf_counter() - start:.1f} s"
        )

        start = time.perf_counter()
        for line in ledger.read_bytes().splitlines():
            orjson.loads(line)
        reference = time.perf_counter() - start
        print(f"{'orjson, every line':<20} {reference:7.2f} s  (reference)")

        start = time.perf_counter()
        history = read_ledger(ledger, GrainRate(Fraction(1), 2))
        took = time.perf_counter() - start
        print(
            f"{'read and replay':<20} {took:7.2f} s  ratio {took / reference:5.1f}x  "
            f"{len(history.identities)} identities, {len(history.distributions)} distributions"
        )
        del history

        print("SQLite:")
        uow, _ = organization(f"sqlite:///{tmp}/partage.db")
        timed_imports(uow, ledger, reference)
        uow.engine.dispose()

        if args.postgres:
            name = "partage_bench_sourcecred"
            server = make_engine(args.postgres, isolation_level="AUTOCOMMIT")
            with server.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(normalize_url(args.postgres)).set(database=name)
            print("PostgreSQL:")
            uow, _ = organization(url.render_as_string(hide_password=False))
            timed_imports(uow, ledger, reference)
            uow.engine.dispose()
            with server.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            server.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
