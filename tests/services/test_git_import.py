"""Importing a git history: a small repository made here, its commits as contributions of
their authors and co-authors, linked to the files they touched."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from partage.core.errors import Forbidden, InvalidInput
from partage.services import git_import, org_cred
from partage.storage import tables as t
from tests.conftest import Community
from tests.services.git_repo import GitRepo


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """Bruno starts a guide, Zoé (new here) writes with Chloé, the guide is renamed, a
    picture is added, an empty commit, and a branch merged."""
    r = GitRepo(tmp_path / "guide")
    r.commit(
        "Bruno",
        "bruno@tiers-lieux.example",
        "2026-01-05T10:00:00+01:00",
        "Start the guide",
        {"guide.md": "# Guide\n"},
    )
    r.commit(
        "Zoé Ünïcode",
        "Zoe@Example.org",
        "2026-01-06T23:30:00-03:00",
        "Write the welcome | accueil; part 1\n\nLong body.\n\n"
        "Co-authored-by: Chloé <chloe@tiers-lieux.example>\n"
        "CO-AUTHORED-BY: Bruno <BRUNO@tiers-lieux.example>\n"
        "co-authored-by: Zoé Ünïcode <zoe@example.org>",
        {"guide.md": "# Guide\nBienvenue\n", "welcome.md": "hi\n"},
    )
    r.commit(
        "Bruno",
        "bruno@tiers-lieux.example",
        "2026-01-07T09:00:00Z",
        "Rename the guide",
        move=("guide.md", "docs/guide.md"),
    )
    r.commit(
        "Chloé",
        "chloe@tiers-lieux.example",
        "2026-01-08T09:00:00Z",
        "Add a picture",
        {"docs/map.png": b"\x89PNG\x00\x01\x02"},
    )
    r.commit("Bruno", "bruno@tiers-lieux.example", "2026-01-09T09:00:00Z", "Nudge the build")
    r.git("checkout", "-q", "-b", "side")
    r.commit(
        "Chloé",
        "chloe@tiers-lieux.example",
        "2026-01-10T09:00:00Z",
        "Side work",
        {"side.md": "x\n"},
    )
    r.git("checkout", "-q", "main")
    r.git(
        "merge",
        "-q",
        "--no-ff",
        "--no-edit",
        "side",
        env={
            "GIT_AUTHOR_NAME": "Bruno",
            "GIT_AUTHOR_EMAIL": "bruno@tiers-lieux.example",
            "GIT_AUTHOR_DATE": "2026-01-11T09:00:00Z",
        },
    )
    return r


def _rows(engine: Engine) -> list[tuple[str | None, str, date, str]]:
    c, m = t.contributions.c, t.members.c
    with engine.connect() as conn:
        return [
            (r.source_key, r.name, r.occurred_on, r.description)
            for r in conn.execute(
                select(c.source_key, m.name, c.occurred_on, c.description, c.activity)
                .join(t.members, (m.organization_id == c.organization_id) & (m.id == c.member_id))
                .order_by(c.id)
            )
        ]


def _links(engine: Engine) -> dict[str, set[str]]:
    """Files linked, per commit."""
    c, cl = t.contributions.c, t.contribution_links.c
    found: dict[str, set[str]] = {}
    with engine.connect() as conn:
        for key, target in conn.execute(
            select(c.source_key, cl.target).join(
                t.contributions,
                (c.organization_id == cl.organization_id) & (c.id == cl.contribution_id),
            )
        ):
            found.setdefault(key, set()).add(target)
    return found


def _import(community: Community, repo: GitRepo, **options: object) -> git_import.GitImportReport:
    with community.uow() as u:
        return git_import.import_git(
            u,
            actor=community.admin,
            path=repo.path,
            now=community.clock(),
            **options,  # type: ignore[arg-type]
        )


def test_each_commit_becomes_a_contribution_of_each_of_its_people(
    community: Community, repo: GitRepo, engine: Engine
) -> None:
    shas = repo.git("log", "--format=%H", "--reverse", "--first-parent").split()
    side = repo.git("rev-parse", "side").strip()
    report = _import(community, repo)

    assert report.commits_read == 7
    assert report.merges_skipped == 1
    assert report.commits_imported == 6
    # the co-authored commit counts for Zoé, Chloé and Bruno; Zoé naming herself is no one new
    assert report.contributions_added == 8
    assert [a.name for a in report.members_added] == ["Zoé Ünïcode"]
    assert sorted(a.name for a in report.members_matched) == ["Bruno", "Chloé"]

    rows = _rows(engine)
    start, welcome, rename, picture, empty = shas[:5]
    assert rows == [
        (f"git:{start}", "Bruno", date(2026, 1, 5), "Start the guide"),
        # 23:30 at UTC-3 is the next day in UTC
        (f"git:{welcome}", "Zoé Ünïcode", date(2026, 1, 7), "Write the welcome | accueil; part 1"),
        (f"git:{welcome}", "Chloé", date(2026, 1, 7), "Write the welcome | accueil; part 1"),
        (f"git:{welcome}", "Bruno", date(2026, 1, 7), "Write the welcome | accueil; part 1"),
        (f"git:{rename}", "Bruno", date(2026, 1, 7), "Rename the guide"),
        (f"git:{picture}", "Chloé", date(2026, 1, 8), "Add a picture"),
        (f"git:{empty}", "Bruno", date(2026, 1, 9), "Nudge the build"),
        (f"git:{side}", "Chloé", date(2026, 1, 10), "Side work"),
    ]
    assert _links(engine) == {
        f"git:{start}": {"file:guide.md"},
        f"git:{welcome}": {"file:guide.md", "file:welcome.md"},
        f"git:{rename}": {"file:guide.md", "file:docs/guide.md"},
        f"git:{picture}": {"file:docs/map.png"},
        f"git:{side}": {"file:side.md"},
    }
    with community.uow(readonly=True) as u:
        aliases = {a.alias: a.member_id for a in u.aliases.all(community.admin.org_id)}
        contributions = u.contributions.find(community.admin.org_id, activity="commit")
        zoe = next(m for m in u.community.members(community.admin.org_id) if m.name[0] == "Z")
    assert aliases == {
        "git:bruno@tiers-lieux.example": community.bruno.member.id,
        "git:chloe@tiers-lieux.example": community.chloe.member.id,
        "git:zoe@example.org": zoe.id,
    }
    assert zoe.user_id is None and zoe.role.value == "member" and zoe.kind.value == "person"
    assert all(x.hours is None and x.quantity is None for x in contributions)


def test_the_same_history_twice_adds_nothing_and_new_commits_only_them(
    community: Community, repo: GitRepo, engine: Engine
) -> None:
    _import(community, repo)
    again = _import(community, repo)
    assert again.contributions_added == 0 and again.already_imported == 6
    assert again.members_added == ()
    assert len(_rows(engine)) == 8

    repo.commit(
        "Dario",
        "dario@elsewhere.example",
        "2026-01-20T10:00:00Z",
        "Proofread",
        {"welcome.md": "hello\n"},
    )
    later = _import(community, repo)
    assert (later.contributions_added, later.already_imported) == (1, 6)
    # Dario's address is new, but his name is a member's: he is that member now
    assert [a.member_id for a in later.members_matched] == [community.dario.member.id]
    assert _rows(engine)[-1][1:] == ("Dario", date(2026, 1, 20), "Proofread")


def test_an_alias_is_found_before_a_name(
    community: Community, repo: GitRepo, engine: Engine
) -> None:
    """Once an address is known, the name on the commit no longer matters (a nickname)."""
    _import(community, repo)
    repo.commit(
        "bruno-the-cat",
        "bruno@tiers-lieux.example",
        "2026-01-21T10:00:00Z",
        "Meow",
        {"cat.md": "meow\n"},
    )
    report = _import(community, repo)
    assert report.members_added == ()
    assert _rows(engine)[-1][1] == "Bruno"


def test_options_since_branch_activity_and_no_new_members(
    community: Community, repo: GitRepo, engine: Engine
) -> None:
    report = _import(
        community, repo, since="2026-01-07", ref="side", activity="code", new_members=False
    )
    # on the side branch: the first five commits and the side one; only the first is
    # before the 7th (the welcome, written late on the 6th at UTC-3, is the 7th in UTC)
    assert report.commits_read == 6 and report.before_since == 1
    # Zoé is not added, but her co-authors are credited for the commit they shared
    assert [(p.name, p.email) for p in report.authors_skipped] == [
        ("Zoé Ünïcode", "Zoe@Example.org")
    ]
    assert report.members_added == () and report.unknown_authors_skipped == 0
    assert [r[1] for r in _rows(engine)] == ["Chloé", "Bruno", "Bruno", "Chloé", "Bruno", "Chloé"]
    with community.uow(readonly=True) as u:
        assert u.contributions.activities(community.admin.org_id) == ["code"]
        assert len(u.community.members(community.admin.org_id)) == 5


def test_a_commit_by_someone_unknown_alone_is_skipped_without_new_members(
    community: Community, tmp_path: Path, engine: Engine
) -> None:
    r = GitRepo(tmp_path / "solo")
    r.commit("Stranger", "who@nowhere.example", "2026-01-05T10:00:00Z", "Hello", {"a": "a"})
    r.commit("Bruno", "bruno@tiers-lieux.example", "2026-01-06T10:00:00Z", "Hi", {"a": "b"})
    report = _import(community, r, new_members=False)
    assert report.unknown_authors_skipped == 1 and report.contributions_added == 1
    assert [r[1] for r in _rows(engine)] == ["Bruno"]


def test_a_dry_run_reports_and_writes_nothing(
    community: Community, repo: GitRepo, engine: Engine
) -> None:
    report = _import(community, repo, dry_run=True)
    assert report.dry_run and report.contributions_added == 8
    assert [a.name for a in report.members_added] == ["Zoé Ünïcode"]
    assert _rows(engine) == []
    with community.uow(readonly=True) as u:
        assert u.aliases.all(community.admin.org_id) == []
        assert len(u.community.members(community.admin.org_id)) == 5


def test_a_huge_commit_links_its_first_files_only(
    community: Community, tmp_path: Path, engine: Engine
) -> None:
    r = GitRepo(tmp_path / "vendor")
    many = {f"vendor/{i:04}.txt": str(i) for i in range(git_import.MAX_FILES_PER_COMMIT + 20)}
    r.commit("Bruno", "bruno@tiers-lieux.example", "2026-01-05T10:00:00Z", "Vendor it", many)
    report = _import(community, r)
    assert report.capped_commits == 1
    assert report.files_linked == git_import.MAX_FILES_PER_COMMIT
    [linked] = _links(engine).values()
    assert linked == {f"file:vendor/{i:04}.txt" for i in range(git_import.MAX_FILES_PER_COMMIT)}


def test_a_commit_dated_in_the_future_is_skipped(
    community: Community, tmp_path: Path, engine: Engine
) -> None:
    r = GitRepo(tmp_path / "skew")
    r.commit(
        "Bruno", "bruno@tiers-lieux.example", "2030-01-05T10:00:00Z", "From the future", {"a": "a"}
    )
    r.commit("Bruno", "bruno@tiers-lieux.example", "2026-01-05T10:00:00Z", "Now", {"a": "b"})
    report = _import(community, r)
    assert report.future_skipped == 1 and report.contributions_added == 1


@pytest.mark.parametrize(
    ("where", "options", "code"),
    [
        ("missing", {}, "git.no_directory"),
        ("plain", {}, "git.not_a_repository"),
        ("empty", {}, "git.no_commits"),
        ("repo", {"ref": "no-such-branch"}, "git.bad_ref"),
        ("repo", {"ref": "--all"}, "git.bad_ref"),
        ("repo", {"since": "last tuesday"}, "date.bad"),
        ("repo", {"activity": " "}, "activity.required"),
    ],
)
def test_bad_input_is_refused_naming_it_and_writes_nothing(
    community: Community,
    repo: GitRepo,
    tmp_path: Path,
    engine: Engine,
    where: str,
    options: dict[str, str],
    code: str,
) -> None:
    paths = {"missing": tmp_path / "nope", "plain": tmp_path / "plain", "repo": repo.path}
    (tmp_path / "plain").mkdir()
    if where == "empty":
        paths["empty"] = GitRepo(tmp_path / "empty").path
    with pytest.raises(InvalidInput) as refused, community.uow() as u:
        git_import.import_git(
            u,
            actor=community.admin,
            path=paths[where],
            now=community.clock(),
            **options,  # type: ignore[arg-type]
        )
    assert refused.value.code == code
    if where in ("missing", "plain", "empty"):
        assert str(paths[where]) in refused.value.message
    assert _rows(engine) == []


def test_only_an_admin_imports(community: Community, repo: GitRepo, engine: Engine) -> None:
    with pytest.raises(Forbidden), community.uow() as u:
        git_import.import_git(u, actor=community.bruno, path=repo.path, now=community.clock())
    assert _rows(engine) == []


def test_a_repository_gives_each_author_cred_ordered_as_their_commits(
    community: Community, tmp_path: Path
) -> None:
    """Issue 4's check: Bruno writes five commits, Chloé three, Dario one, on files of their
    own and some shared; their cred follows that order, and the graph's cred is all theirs."""
    r = GitRepo(tmp_path / "project")
    plan = [("Bruno", 5), ("Chloé", 3), ("Dario", 1)]
    day = 5
    for name, count in plan:
        for n in range(count):
            email = f"{name.lower().replace('é', 'e')}@tiers-lieux.example"
            files = {f"{name}/{n}.md": f"{n}\n", "README.md": f"{name} {n}\n"}
            r.commit(name, email, f"2026-01-{day:02}T10:00:00Z", f"{name} {n}", files)
            day += 1
    _import(community, r)
    with community.uow(readonly=True) as u:
        found = org_cred.org_cred(u, actor=community.admin)
    cred = {m.name: m.cred for m in found.members}
    assert cred["Bruno"] > cred["Chloé"] > cred["Dario"] > 0
    assert cred["Aïcha"] == cred["Olga"] == 0
    assert sum(cred.values()) == pytest.approx(found.minted, rel=1e-6)
    [bruno] = [m for m in found.members if m.name == "Bruno"]
    assert {s.ref for s in bruno.sources if s.ref.startswith("git:")}
