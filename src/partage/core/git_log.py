"""A git history read as commits: who wrote each one, when, and which files it touched.

The text parsed here is what ``git log -z -M --numstat --format=LOG_FORMAT`` prints (the
caller runs git; this module does no I/O). It guarantees:

* every commit of the text comes out once, in the order git printed it, with its full id,
  its parents, its author (as git's mailmap names them), the author date in UTC, its
  subject (the first paragraph of the message on one line, as ``%s`` gives it) and its
  co-authors, read from ``Co-authored-by: Name <email>`` lines in any letter case;
* a commit's paths are each listed once, in git's order; a renamed file gives both its old
  and its new path (the rename links the file's history before and after), a binary file
  its path like any other, an empty commit none;
* a co-author who is the author, or who is named twice, is listed once (compared by email,
  without regard to case);
* text that is not such a log raises ``ValueError`` naming what is wrong, never a
  half-read commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

# One commit: a record mark, then id, parents, author name, author email, author time
# (seconds since the epoch) and the raw message, NUL-separated. With -z git ends the
# message with a NUL and prints each --numstat line NUL-terminated (a rename as
# "added\tdeleted\t" NUL old NUL new NUL), so no field needs escaping: a message or a path
# may hold any character but NUL.
RECORD = "\x1e"
LOG_FORMAT = f"{RECORD}%H%x00%P%x00%aN%x00%aE%x00%at%x00%B"

_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_NUMSTAT = re.compile(r"^(?:\d+|-)\t(?:\d+|-)\t(.*)$", re.DOTALL)
_CO_AUTHOR = re.compile(r"^\s*co-authored-by\s*:\s*(.*?)\s*<([^<>]*)>\s*$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True, slots=True)
class GitPerson:
    name: str
    email: str

    @property
    def key(self) -> str:
        """How partage recognises this person again: their address, in lower case."""
        return self.email.strip().lower()


@dataclass(frozen=True, slots=True)
class GitCommit:
    sha: str
    parents: tuple[str, ...]
    author: GitPerson
    authored_at: datetime  # UTC
    subject: str
    co_authors: tuple[GitPerson, ...]
    paths: tuple[str, ...]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def authored_on(self) -> date:
        return self.authored_at.date()

    @property
    def people(self) -> tuple[GitPerson, ...]:
        """The author, then each co-author."""
        return (self.author, *self.co_authors)


def subject_of(message: str) -> str:
    """The first paragraph of a message on one line, control characters as spaces."""
    paragraph: list[str] = []
    for line in message.strip("\n").split("\n"):
        if not line.strip():
            if paragraph:
                break
            continue
        paragraph.append(line.strip())
    return " ".join(_CONTROL.sub(" ", " ".join(paragraph)).split())


def co_authors_of(message: str, author: GitPerson) -> tuple[GitPerson, ...]:
    """``Co-authored-by:`` lines anywhere in the message (GitHub writes them as trailers,
    people also in the body), without the author and without repeats."""
    seen = {author.key}
    found: list[GitPerson] = []
    for line in message.split("\n"):
        match = _CO_AUTHOR.match(line)
        if match is None:
            continue
        person = GitPerson(" ".join(match.group(1).split()), match.group(2).strip())
        if not person.key or person.key in seen:
            continue
        seen.add(person.key)
        found.append(person)
    return tuple(found)


def parse_log(text: str) -> list[GitCommit]:
    """The commits of a ``git log -z -M --numstat --format=LOG_FORMAT`` output."""
    if not text.strip("\x00\n"):
        return []
    if not text.startswith(RECORD):
        raise ValueError("the git log does not start with a commit record")
    tokens = text[1:].split("\x00")
    commits: list[GitCommit] = []
    i = 0
    while i < len(tokens):
        if len(tokens) - i < 6:
            raise ValueError(f"commit record {len(commits) + 1} is cut short")
        sha, parents, name, email, seconds, message = tokens[i : i + 6]
        if not _SHA.match(sha):
            raise ValueError(f"commit record {len(commits) + 1} has no commit id: {sha[:50]!r}")
        try:
            authored_at = datetime.fromtimestamp(int(seconds), tz=UTC)
        except (ValueError, OverflowError):
            raise ValueError(f"commit {sha} has no author date: {seconds[:50]!r}") from None
        i += 6
        paths: list[str] = []
        first = True
        while i < len(tokens):
            token = tokens[i]
            if first:
                # git separates the message from its file list with a line break
                token = token.removeprefix("\n")
                first = False
            if token.startswith(RECORD):
                tokens[i] = token[1:]
                break
            i += 1
            if not token:
                continue
            stat = _NUMSTAT.match(token)
            if stat is None:
                raise ValueError(f"commit {sha} has an unreadable file line: {token[:80]!r}")
            if stat.group(1):
                paths.append(stat.group(1))
            else:  # a rename or copy: the old path, then the new one
                if len(tokens) - i < 2 or not all(tokens[i : i + 2]):
                    raise ValueError(f"commit {sha} has a rename cut short")
                paths.extend(tokens[i : i + 2])
                i += 2
        author = GitPerson(" ".join(name.split()), email.strip())
        commits.append(
            GitCommit(
                sha=sha,
                parents=tuple(parents.split()),
                author=author,
                authored_at=authored_at,
                subject=subject_of(message),
                co_authors=co_authors_of(message, author),
                paths=tuple(_unique(paths)),
            )
        )
    return commits


def _unique(paths: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(p for p in paths if p))
