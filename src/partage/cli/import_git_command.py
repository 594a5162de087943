"""`partage import git PATH --org SLUG`: a local repository's commits as contributions."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from partage.cli.context import cli_context
from partage.cli.output import EXIT_CODES, Json, emit
from partage.core.errors import DomainError
from partage.services import git_import
from partage.services.git_import import GitImportReport

# Bad input (not a repository, a bad reference, no commits) is a usage error, as for the
# other commands that read a file.
EXIT_INVALID = 2


def register(imports: typer.Typer) -> None:
    """Add the command to the `import` group."""
    imports.command("git")(import_git)


def import_git(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="A local git repository (read offline).")],
    org: Annotated[str, typer.Option("--org", help="The organization's short name.")],
    since: Annotated[
        str | None, typer.Option(help="Only commits authored on or after this date.")
    ] = None,
    branch: Annotated[
        str | None, typer.Option(help="The branch, tag or commit to read (default HEAD).")
    ] = None,
    activity: Annotated[str, typer.Option(help="The activity commits are recorded as.")] = "commit",
    new_members: Annotated[
        bool,
        typer.Option(
            "--new-members/--no-new-members",
            help="Add an author no member matches as a new member (else skip their commits).",
        ),
    ] = True,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be imported; write nothing.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Import a git history: each commit is a contribution of its author and co-authors.

    Commits already imported are skipped, so running it again adds only new commits."""
    c = cli_context(ctx)
    try:
        with c.uow() as u:
            report = git_import.import_git(
                u,
                actor=c.actor(org),
                path=path,
                since=since,
                ref=branch,
                activity=activity,
                new_members=new_members,
                dry_run=dry_run,
                now=c.clock(),
            )
    except DomainError as error:
        if as_json:
            typer.echo(json.dumps({"error": error.as_dict()}, ensure_ascii=False))
        else:
            where = f" [{error.field}]" if error.field else ""
            typer.echo(f"error: {error.message}{where} ({error.code})", err=True)
        code = EXIT_INVALID if error.kind == "invalid" else EXIT_CODES.get(error.kind, 1)
        raise typer.Exit(code) from None
    emit(as_json, report, lambda: typer.echo(summary(report)))


def summary(report: GitImportReport) -> str:
    """What was read and done, for people."""
    would = "would add" if report.dry_run else "added"
    lines = [
        f"{report.repository} ({report.ref}): {report.commits_read} commit(s) read",
        f"  {report.commits_imported} commit(s) imported: {would} "
        f"{report.contributions_added} contribution(s), linked to {report.files_linked} file(s)",
    ]
    skipped = [
        (report.already_imported, "already imported"),
        (report.merges_skipped, "merge commits"),
        (report.before_since, "before --since"),
        (report.future_skipped, "dated in the future"),
        (report.unknown_authors_skipped, "by authors not added (--no-new-members)"),
    ]
    shown = [f"{n} {why}" for n, why in skipped if n]
    if shown:
        lines.append("  skipped: " + ", ".join(shown))
    if report.capped_commits:
        lines.append(
            f"  {report.capped_commits} commit(s) touched more than "
            f"{git_import.MAX_FILES_PER_COMMIT} files: only their first "
            f"{git_import.MAX_FILES_PER_COMMIT} are linked"
        )
    lines.append(f"  members matched: {len(report.members_matched)}")
    for a in report.members_matched:
        lines.append(f"    #{a.member_id} {a.name} <{a.email}>")
    lines.append(
        f"  members {'to add' if report.dry_run else 'added'}: {len(report.members_added)}"
    )
    for a in report.members_added:
        lines.append(f"    #{a.member_id} {a.name} <{a.email}>")
    if report.authors_skipped:
        lines.append(f"  authors skipped (no member): {len(report.authors_skipped)}")
        for p in report.authors_skipped:
            lines.append(f"    {p.name} <{p.email}>")
    if report.dry_run:
        lines.append("  dry run: nothing was written")
    return "\n".join(lines)
