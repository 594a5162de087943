"""Importing a local git repository's history as contributions: `partage import git PATH`.

Each commit becomes one contribution per author and co-author (activity ``commit`` unless
told otherwise), dated by its author date in UTC, described by its subject, keyed
``git:<commit id>`` and linked to ``file:<path>`` for each file it touched. Together they
feed the organization's contribution graph: a commit is one node with an authorship edge to
each of its people, and commits touching the same file are linked through it.

* **Offline.** The repository is read with the ``git`` program on this machine; nothing is
  fetched.
* **Once.** A commit whose key is already in the organization is skipped: importing the same
  history twice adds nothing, and importing it again later adds only the new commits.
* **All or nothing.** One unit of work; a bad path, a bad reference or a history with
  nothing to read is refused before anything is written; ``dry_run`` reports and writes
  nothing.
* **Merge commits are skipped.** Their changes are those of the commits they merge, which
  are imported themselves; counting the merge too would credit its author twice for
  others' work (a merge's own conflict resolutions are not told apart from it).
* **Authors become members.** An author is recognised by the alias ``git:<email>`` (lower
  case); else by a member whose name is exactly theirs (the alias is then recorded); else a
  new member is added — a person, role member, no account — with the alias, unless
  ``new_members`` is false, in which case their commits are skipped and they are reported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from partage.core.community import MemberKind, check_name
from partage.core.errors import InvalidInput
from partage.core.git_log import LOG_FORMAT, GitCommit, GitPerson, parse_log
from partage.core.roles import Role, require_admin
from partage.services.context import Actor, UnitOfWork
from partage.services.contributions import parse_day
from partage.storage.contributions_repo import NewContribution

SOURCE = "git"
KEY_PREFIX = "git:"
# A commit touching more files than this (vendored code, a reformat, a licence header)
# says little about which files belong together; linking all of them would tie the whole
# tree into one cluster and fill the links table. Its first files, in git's order, are
# linked; the summary counts such commits.
MAX_FILES_PER_COMMIT = 100
MAX_LINK = 500  # the links table's target column
MAX_DESCRIPTION = 500
GIT_TIMEOUT_SECONDS = 600


@dataclass(frozen=True, slots=True)
class ImportedAuthor:
    member_id: int
    name: str
    email: str
    added: bool  # a new member made by this import


@dataclass(frozen=True, slots=True)
class GitImportReport:
    """What an import read and did (or, in a dry run, would do)."""

    repository: str
    ref: str
    commits_read: int
    contributions_added: int
    commits_imported: int
    merges_skipped: int
    already_imported: int
    before_since: int
    future_skipped: int
    unknown_authors_skipped: int
    capped_commits: int
    files_linked: int  # distinct files the imported commits are linked to
    members_matched: tuple[ImportedAuthor, ...]
    members_added: tuple[ImportedAuthor, ...]
    authors_skipped: tuple[GitPerson, ...] = field(default_factory=tuple)
    dry_run: bool = False


def import_git(
    uow: UnitOfWork,
    *,
    actor: Actor,
    path: str | Path,
    now: datetime,
    since: str | date | None = None,
    ref: str | None = None,
    activity: str = "commit",
    new_members: bool = True,
    dry_run: bool = False,
) -> GitImportReport:
    require_admin(actor.role)
    clean_activity = check_name(activity, field="activity", limit=100)
    first_day = parse_day(since, field="since") if since else None
    repository, revision = _resolve(Path(path), ref or "HEAD")
    commits = _read_commits(repository, revision)
    if not commits:
        raise InvalidInput("git.no_commits", f"{ref or 'HEAD'} has no commits", field="ref")

    org = actor.org_id
    known = uow.contributions.source_keys(org, prefix=KEY_PREFIX)
    people = _People(uow, actor, now=now, new_members=new_members)
    items: list[NewContribution] = []
    counts = dict.fromkeys(("merges", "known", "before", "future", "unknown", "capped", "ok"), 0)
    # git prints newest first; contributions are numbered in the order they were authored.
    for commit in sorted(reversed(commits), key=lambda c: c.authored_at):
        key = KEY_PREFIX + commit.sha
        skip = _skip_reason(commit, key, known, first_day, now.date())
        if skip:
            counts[skip] += 1
            continue
        member_ids = list(dict.fromkeys(people.member_of(p) for p in commit.people))
        if None in member_ids:
            member_ids = [m for m in member_ids if m is not None]
            if not member_ids:
                counts["unknown"] += 1
                continue
        links = _links(commit.paths)
        counts["capped"] += len(commit.paths) > MAX_FILES_PER_COMMIT
        counts["ok"] += 1
        description = commit.subject[:MAX_DESCRIPTION].strip()
        items.extend(
            NewContribution(
                member_id=member_id,
                activity=clean_activity,
                occurred_on=commit.authored_on,
                hours=None,
                quantity=None,
                description=description,
                link=None,
                source_key=key,
                links=links,
            )
            for member_id in member_ids
            if member_id is not None
        )
    uow.contributions.add_many(org, items, by=actor.member.id, now=now)
    if not dry_run:
        uow.commit()
    return GitImportReport(
        repository=str(repository),
        ref=ref or "HEAD",
        commits_read=len(commits),
        contributions_added=len(items),
        commits_imported=counts["ok"],
        merges_skipped=counts["merges"],
        already_imported=counts["known"],
        before_since=counts["before"],
        future_skipped=counts["future"],
        unknown_authors_skipped=counts["unknown"],
        capped_commits=counts["capped"],
        files_linked=len({target for i in items for target in i.links}),
        members_matched=tuple(people.matched.values()),
        members_added=tuple(people.added.values()),
        authors_skipped=tuple(people.skipped.values()),
        dry_run=dry_run,
    )


def _skip_reason(
    commit: GitCommit, key: str, known: set[str], first_day: date | None, today: date
) -> str | None:
    if commit.is_merge:
        return "merges"
    if key in known:
        return "known"
    if first_day is not None and commit.authored_on < first_day:
        return "before"
    if commit.authored_on > today:
        # a clock set wrong; a contribution is recorded once done, as everywhere else
        return "future"
    return None


def _links(paths: tuple[str, ...]) -> tuple[str, ...]:
    targets = (f"file:{p}" for p in paths[:MAX_FILES_PER_COMMIT])
    return tuple(t for t in targets if len(t) <= MAX_LINK)


class _People:
    """Who each git identity is in the organization, deciding once per identity."""

    def __init__(self, uow: UnitOfWork, actor: Actor, *, now: datetime, new_members: bool):
        self.uow = uow
        self.actor = actor
        self.now = now
        self.new_members = new_members
        members = uow.community.members(actor.org_id)
        self.by_name: dict[str, int] = {}
        for m in sorted(members, key=lambda m: m.id):  # the oldest of namesakes
            self.by_name.setdefault(m.name, m.id)
        self.names = {m.id: m.name for m in members}
        self.decided: dict[str, int | None] = {}
        self.matched: dict[int, ImportedAuthor] = {}
        self.added: dict[int, ImportedAuthor] = {}
        self.skipped: dict[str, GitPerson] = {}

    def member_of(self, person: GitPerson) -> int | None:
        alias = _alias(person)
        if alias in self.decided:
            return self.decided[alias]
        org = self.actor.org_id
        member_id = self.uow.aliases.member_of(org, alias)
        name = _member_name(person)
        if member_id is None and name in self.by_name:
            member_id = self.by_name[name]
            self.uow.aliases.add(org, alias=alias, member_id=member_id, source=SOURCE, now=self.now)
        if member_id is not None:
            if member_id not in self.added:
                self.matched.setdefault(
                    member_id,
                    ImportedAuthor(member_id, self.names.get(member_id, name), person.email, False),
                )
        elif self.new_members:
            member = self.uow.community.add_member(
                org,
                name=name,
                kind=MemberKind.PERSON,
                role=Role.MEMBER,
                college_id=None,
                user_id=None,
                now=self.now,
            )
            member_id = member.id
            self.uow.aliases.add(org, alias=alias, member_id=member_id, source=SOURCE, now=self.now)
            self.by_name.setdefault(name, member_id)
            self.names[member_id] = name
            self.added[member_id] = ImportedAuthor(member_id, name, person.email, True)
        else:
            self.skipped[alias] = person
        self.decided[alias] = member_id
        return member_id


def _alias(person: GitPerson) -> str:
    return f"{KEY_PREFIX}{person.key}" if person.key else f"{KEY_PREFIX}name:{person.name}"


def _member_name(person: GitPerson) -> str:
    """The author's name as a member's name: without control characters, within the
    column; an author with no name is called by their address."""
    raw = person.name or person.email.split("@")[0] or "git author"
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in raw).split())
    return text[:200] or "git author"


# -- reading the repository (the only I/O of this use case) --------------------------------


def _git(repository: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",  # never wait for a password
        "GIT_OPTIONAL_LOCKS": "0",  # a read takes no lock on someone's working tree
        "LC_ALL": "C",
    }
    program = shutil.which("git")
    if program is None:
        raise InvalidInput(
            "git.not_installed", "the git program is not installed on this machine", "path"
        )
    try:
        # a list of arguments, no shell; the reference was checked not to be an option
        return subprocess.run(  # noqa: S603
            [program, "-C", str(repository), *args],
            capture_output=True,
            env=env,
            check=False,
            timeout=GIT_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise InvalidInput(
            "git.timeout", f"git took longer than {GIT_TIMEOUT_SECONDS} s reading {repository}"
        ) from None


def _resolve(path: Path, ref: str) -> tuple[Path, str]:
    """The repository at ``path`` and the commit ``ref`` names, or a clear refusal."""
    if not path.is_dir():
        raise InvalidInput("git.no_directory", f"{path} is not a directory", field="path")
    inside = _git(path, "rev-parse", "--show-toplevel")
    bare = _git(path, "rev-parse", "--is-bare-repository")
    if inside.returncode != 0 and bare.stdout.strip() != b"true":
        raise InvalidInput("git.not_a_repository", f"{path} is not a git repository", "path")
    if ref.startswith("-") or not ref.strip() or any(ch.isspace() for ch in ref):
        raise InvalidInput("git.bad_ref", f"'{ref[:100]}' is not a branch or commit", "branch")
    found = _git(path, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if found.returncode != 0:
        if ref == "HEAD" and _git(path, "rev-parse", "--verify", "--quiet", "HEAD").returncode:
            raise InvalidInput("git.no_commits", f"{path} has no commits yet", field="path")
        raise InvalidInput(
            "git.bad_ref", f"{path} has no branch or commit '{ref[:100]}'", field="branch"
        )
    return path.resolve(), found.stdout.decode().strip()


def _read_commits(repository: Path, commit: str) -> list[GitCommit]:
    done = _git(
        repository,
        "-c",
        "log.showSignature=false",
        "log",
        "-z",
        "-M",
        "--numstat",
        "--no-color",
        "--encoding=UTF-8",
        f"--format={LOG_FORMAT}",
        commit,
        "--",
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InvalidInput(
            "git.log_failed",
            f"git could not read {repository}: {message[-1] if message else 'unknown error'}",
            field="path",
        )
    try:
        # a name or path in another encoding than UTF-8 is kept, its odd bytes shown as �
        return parse_log(done.stdout.decode("utf-8", "replace"))
    except ValueError as exc:
        raise InvalidInput("git.unreadable_log", f"{repository}: {exc}", "path") from None
