"""Reading `git log -z -M --numstat --format=LOG_FORMAT` text: odd names, odd messages, odd
file lists, and text that is not such a log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from partage.core.git_log import LOG_FORMAT, RECORD, GitPerson, parse_log, subject_of

A = "a" * 40
B = "b" * 40
C = "c" * 40


def record(
    sha: str,
    message: str,
    files: str = "",
    *,
    parents: str = "",
    name: str = "Ana",
    email: str = "ana@example.org",
    seconds: int = 1_767_225_600,
) -> str:
    """One commit as git prints it: the fields, the message, then the file lines."""
    text = f"{RECORD}{sha}\0{parents}\0{name}\0{email}\0{seconds}\0{message}\0"
    return text + (f"\n{files}" if files else "")


def test_the_format_asks_git_for_the_fields_in_the_order_read() -> None:
    assert LOG_FORMAT == "\x1e%H%x00%P%x00%aN%x00%aE%x00%at%x00%B"


def test_commits_come_out_in_order_with_their_fields() -> None:
    text = record(B, "Second\n", "1\t0\tb.txt\0", parents=A) + record(A, "First\n", "3\t1\ta.txt\0")
    second, first = parse_log(text)
    assert second.sha == B and second.parents == (A,) and second.paths == ("b.txt",)
    assert first.parents == () and first.subject == "First"
    assert first.authored_at == datetime(2026, 1, 1, tzinfo=UTC)


def test_unicode_names_and_a_multi_line_subject() -> None:
    [c] = parse_log(
        record(A, "Réparer la\nporte d'entrée\n\nle corps\n", name="Zoé  Ünïcode ", email="z@é.fr")
    )
    assert c.author == GitPerson("Zoé Ünïcode", "z@é.fr")
    # as git's %s: the first paragraph on one line
    assert c.subject == "Réparer la porte d'entrée"


def test_subjects_with_separators_and_control_characters() -> None:
    message = 'fix | a; b\t,c \x1b[31m"quoted" <tag>\n'
    [c] = parse_log(record(A, message, "1\t1\tx|y;z.txt\0"))
    assert c.subject == 'fix | a; b ,c [31m"quoted" <tag>'
    assert c.paths == ("x|y;z.txt",)
    assert subject_of("\n\n  \nTitle\n") == "Title"


def test_co_authors_in_any_letter_case_without_the_author_or_repeats() -> None:
    message = (
        "Pair work\n\nbody\n\n"
        "Co-authored-by: Bruno <bruno@example.org>\n"
        "CO-AUTHORED-BY:Chloé  Durand <Chloe@Example.org>  \n"
        "co-authored-by: Chloé <chloe@example.org>\n"  # the same address again
        "Co-Authored-By: Ana <ANA@example.org>\n"  # the author herself
        "Co-authored-by: nobody without address\n"
        "Signed-off-by: Bruno <bruno@example.org>\n"
    )
    [c] = parse_log(record(A, message))
    assert c.co_authors == (
        GitPerson("Bruno", "bruno@example.org"),
        GitPerson("Chloé Durand", "Chloe@Example.org"),
    )
    assert [p.key for p in c.people] == [
        "ana@example.org",
        "bruno@example.org",
        "chloe@example.org",
    ]


def test_renames_give_both_paths_and_binary_files_their_path() -> None:
    files = "0\t0\t\0old/name.md\0new/name.md\0-\t-\tlogo.png\0" + "2\t0\tnew/name.md\0"
    [c] = parse_log(record(A, "Move\n", files))
    assert c.paths == ("old/name.md", "new/name.md", "logo.png")


def test_paths_with_spaces_tabs_and_line_breaks_are_kept_whole() -> None:
    files = "1\t0\tmy file.txt\0" + "1\t0\tweird\tname\nx\0"
    [c] = parse_log(record(A, "Odd\n", files))
    assert c.paths == ("my file.txt", "weird\tname\nx")


def test_empty_commits_and_empty_messages_between_others() -> None:
    text = (
        record(C, "Last\n", "1\t0\tc\0", parents=B)
        + record(B, "", parents=A)
        + record(A, "Nothing\n")
    )
    last, empty, nothing = parse_log(text)
    assert last.paths == ("c",)
    assert empty.subject == "" and empty.paths == ()
    assert nothing.paths == ()


def test_a_merge_has_two_parents() -> None:
    [m] = parse_log(record(C, "Merge branch 'x'\n", parents=f"{A} {B}"))
    assert m.is_merge and m.parents == (A, B)


def test_sha256_repositories_are_read() -> None:
    [c] = parse_log(record("d" * 64, "x\n"))
    assert c.sha == "d" * 64


def test_an_empty_output_is_no_commits() -> None:
    assert parse_log("") == []


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("fatal: not a git repository", "does not start"),
        (f"{RECORD}nothex\0\0a\0b\0" + "1\0m\0", "no commit id"),
        (f"{RECORD}{A}\0\0a\0b\0", "cut short"),
        (f"{RECORD}{A}\0\0a\0b\0soon\0m\0", "no author date"),
        (record(A, "m\n", "garbage line\0"), "unreadable file line"),
        (record(A, "m\n", "0\t0\t\0only-old\0"), "rename cut short"),
    ],
)
def test_text_that_is_not_such_a_log_is_refused_naming_the_problem(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_log(text)
