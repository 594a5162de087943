"""Importing a git history of 5,000 commits into an organization.

Generates a repository with ``git fast-import`` in a temporary directory (40 authors, one
commit in five co-authored, a few files touched each, an empty commit now and then), then
times, on a fresh SQLite database: ``git log`` alone (the reference: reading the history,
the least an import must do), the whole import (git, parsing, members, bulk inserts, one
commit), and importing the same history again (every commit already there). Run: make bench.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from partage.core.community import LegalForm
from partage.core.currency import iso_currency
from partage.core.git_log import LOG_FORMAT
from partage.services import git_import
from partage.services.accounts import find_or_create_user
from partage.services.organizations import create_organization
from partage.storage.database import make_engine
from partage.storage.migrate import upgrade
from partage.storage.uow import UnitOfWorkFactory

NOW = datetime(2026, 6, 1, tzinfo=UTC)
GIT = shutil.which("git") or sys.exit("git is not installed")
START = int(datetime(2022, 1, 3, tzinfo=UTC).timestamp())


def fast_import_stream(commits: int, authors: int, files: int, seed: int = 5) -> bytes:
    rng = random.Random(seed)
    people = [(f"Author {i} Ünïcode", f"author{i}@example.org") for i in range(authors)]
    out: list[bytes] = []
    for n in range(1, commits + 1):
        name, email = people[min(int(rng.paretovariate(1.2)) - 1, authors - 1)]
        when = START + n * 3_600 * 5
        message = f"Change {n}: tidy | things; part {n % 7}\n"
        if n % 5 == 0:
            co_name, co_email = rng.choice(people)
            message += f"\nCo-authored-by: {co_name} <{co_email}>\n"
        body = message.encode()
        out.append(b"commit refs/heads/main\n")
        out.append(f"mark :{n}\n".encode())
        out.append(f"author {name} <{email}> {when} +0000\n".encode())
        out.append(f"committer {name} <{email}> {when} +0000\n".encode())
        out.append(b"data %d\n%s\n" % (len(body), body))
        if n > 1:
            out.append(f"from :{n - 1}\n".encode())
        if n % 50:  # one commit in fifty is empty
            for _ in range(rng.randint(1, 6)):
                content = f"{n} {rng.random()}\n".encode()
                path = f"src/module{rng.randrange(files):04}.py"
                out.append(f"M 100644 inline {path}\n".encode())
                out.append(b"data %d\n%s\n" % (len(content), content))
    return b"".join(out)


def make_repository(where: Path, commits: int) -> None:
    subprocess.run([GIT, "init", "-q", "-b", "main", str(where)], check=True)
    subprocess.run(
        [GIT, "-C", str(where), "fast-import", "--quiet"],
        input=fast_import_stream(commits, authors=40, files=800),
        check=True,
    )


def main(commits: int = 5_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repository = Path(tmp) / "repo"
        start = time.perf_counter()
        make_repository(repository, commits)
        print(
            f"{commits} commits generated with git fast-import "
            f"in {time.perf_counter() - start:.2f} s"
        )

        engine = make_engine(f"sqlite:///{tmp}/partage.db")
        upgrade(engine)
        uow = UnitOfWorkFactory(engine)
        with uow() as u:
            user = find_or_create_user(
                u, email="admin@example.org", display_name="Admin", password=None, now=NOW
            )
            admin = create_organization(
                u,
                name="Bench",
                slug="bench",
                currency=iso_currency("EUR"),
                legal_form=LegalForm.ASSOCIATION,
                founder_user_id=user,
                founder_name="Admin",
                now=NOW,
            )

        start = time.perf_counter()
        log = subprocess.run(
            [
                GIT,
                "-C",
                str(repository),
                "log",
                "-z",
                "-M",
                "--numstat",
                f"--format={LOG_FORMAT}",
            ],
            capture_output=True,
            check=True,
        )
        reference = time.perf_counter() - start
        print(f"git log alone (reference): {reference * 1000:.0f} ms, {len(log.stdout)} bytes")

        timings = []
        for label in ("first import", "same history again"):
            start = time.perf_counter()
            with uow() as u:
                report = git_import.import_git(u, actor=admin, path=repository, now=NOW)
            took = time.perf_counter() - start
            timings.append(took)
            print(
                f"{label:<20} {took * 1000:7.0f} ms  ratio {took / reference:5.1f}x  "
                f"{report.contributions_added} contributions added, "
                f"{report.already_imported} already there, "
                f"{len(report.members_added)} members added, {report.files_linked} files linked"
            )
        engine.dispose()
        if timings[0] <= 0:
            sys.exit("no time measured")


if __name__ == "__main__":
    main()
