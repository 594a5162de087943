"""A real git repository built in a test: commits with chosen authors, dates and files."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path


class GitRepo:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        base = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.path),  # no user configuration leaks in
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_COMMITTER_NAME": "Robot",
            "GIT_COMMITTER_EMAIL": "robot@example.org",
            "GIT_COMMITTER_DATE": "2026-02-01T12:00:00Z",
        }
        done = subprocess.run(
            ["git", *args],
            cwd=self.path,
            env={**base, **(env or {})},
            capture_output=True,
            check=True,
        )
        return done.stdout.decode()

    def commit(
        self,
        name: str,
        email: str,
        when: str,
        message: str,
        files: Mapping[str, str | bytes] | None = None,
        *,
        remove: tuple[str, ...] = (),
        move: tuple[str, str] | None = None,
    ) -> str:
        for rel, content in (files or {}).items():
            target = self.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
            self.git("add", rel)
        for rel in remove:
            self.git("rm", "-q", rel)
        if move:
            (self.path / move[1]).parent.mkdir(parents=True, exist_ok=True)
            self.git("mv", *move)
        self.git(
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
            env={"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": when},
        )
        return self.git("rev-parse", "HEAD").strip()
