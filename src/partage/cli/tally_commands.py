"""`partage tally FILE|-`: count an assembly held on paper, with the rules of docs/tally.md.

Reads a JSON (or YAML) document and opens no database: the batch program runs it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from partage.core.errors import DomainError, InvalidInput
from partage.core.governance.document import tally_document
from partage.services.simulation import read_document

# A bad document is what is wrong, like a usage error.
EXIT_INVALID = 2

# The outcome and the headings, for a person, in English and French.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "colon": ": ",
        "passed": "PASSED",
        "rejected": "REJECTED",
        "no_quorum": "NO QUORUM — the vote does not count",
        "blocked": "BLOCKED",
        "blocked_by": "blocked by",
        "objections": "standing objections",
        "vote": "Vote",
        "college_vote": "Vote by colleges",
        "consent": "Consent",
        "score": "Score between options",
        "chosen": "CHOSEN",
        "tie": "TIE",
        "option": "option",
        "score_out_of_5": "score (0–5)",
        "ballots": "scored by",
        "majority": "majority (more than half)",
        "two_thirds": "two thirds or more",
        "unanimity": "unanimity",
        "result": "result",
        "turnout": "turnout",
        "of": "of",
        "quorum": "quorum",
        "met": "met",
        "not_met": "not met",
        "college": "college",
        "weight": "weight %",
        "used": "counts for %",
        "members": "members",
        "voters": "voters",
        "agree": "agree",
        "disagree": "disagree",
        "abstain": "abstain",
        "block": "block",
        "share": "agree share",
        "left_out": "no expressed vote: left out, the other weights rescaled",
    },
    "fr": {
        # French puts a (narrow no-break) space before a colon.
        "colon": "\u202f: ",
        "passed": "ADOPTÉE",
        "rejected": "REJETÉE",
        "no_quorum": "QUORUM NON ATTEINT — le vote ne compte pas",
        "blocked": "BLOQUÉE",
        "blocked_by": "bloquée par",
        "objections": "objections maintenues",
        "vote": "Vote",
        "college_vote": "Vote par collèges",
        "consent": "Consentement",
        "score": "Vote par notes",
        "chosen": "RETENUE",
        "tie": "ÉGALITÉ",
        "option": "option",
        "score_out_of_5": "note (0–5)",
        "ballots": "notée par",
        "majority": "majorité (plus de la moitié)",
        "two_thirds": "deux tiers ou plus",
        "unanimity": "unanimité",
        "result": "résultat",
        "turnout": "participation",
        "of": "sur",
        "quorum": "quorum",
        "met": "atteint",
        "not_met": "non atteint",
        "college": "collège",
        "weight": "poids %",
        "used": "compte pour %",
        "members": "membres",
        "voters": "votants",
        "agree": "pour",
        "disagree": "contre",
        "abstain": "abstention",
        "block": "blocage",
        "share": "part de pour",
        "left_out": "aucun suffrage exprimé\u202f: écarté, les autres poids remis à l'échelle",
    },
}


def register(app: typer.Typer) -> None:
    @app.command("tally")
    def tally(
        source: Annotated[
            str, typer.Argument(help="The tally document (JSON or YAML), or - for stdin.")
        ],
        output: Annotated[
            str, typer.Option("--format", help="json (default) or table, for people.")
        ] = "json",
        lang: Annotated[
            str, typer.Option("--lang", help="The language of the table: en or fr.")
        ] = "en",
    ) -> None:
        """Count a vote, a college-weighted vote or a consent (docs/tally.md). Writes nothing."""
        if output not in ("json", "table"):
            typer.echo("error: --format is json or table", err=True)
            raise typer.Exit(EXIT_INVALID)
        if lang not in WORDS:
            typer.echo("error: --lang is en or fr", err=True)
            raise typer.Exit(EXIT_INVALID)
        try:
            data = sys.stdin.buffer.read() if source == "-" else _read_file(source)
            answer = tally_document(read_tally_bytes(data))
        except DomainError as error:
            typer.echo(f"error: {error.message} ({error.code})", err=True)
            raise typer.Exit(EXIT_INVALID) from None
        if output == "table":
            typer.echo(table(answer, lang))
        else:
            typer.echo(json.dumps(answer, ensure_ascii=False, indent=2))


def _read_file(source: str) -> bytes:
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise InvalidInput(
            "tally.unreadable", f"cannot read {source}: {error.strerror}", field="file"
        ) from None


def read_tally_bytes(data: bytes) -> Any:
    """The decoded document; the reader's refusals said of a tally document, not a spec."""
    try:
        return read_document(data)
    except InvalidInput as error:
        raise InvalidInput(
            error.code.replace("spec.", "tally.", 1),
            error.message.replace("the spec", "the tally document"),
            field="document",
        ) from None


def table(answer: dict[str, Any], lang: str = "en") -> str:
    """The outcome in words, the figures, and one line per college (per option in a score)."""
    w = WORDS[lang]
    method = answer["method"]
    title = w[method] + (f" — {w[answer['threshold']]}" if answer["threshold"] else "")
    outcome = w[answer["outcome"]]
    if answer["outcome"] == "blocked" and answer.get("blocked_by"):
        outcome += f" ({w['blocked_by']} {', '.join(answer['blocked_by'])})"
    if answer.get("standing_objections"):
        outcome += f" ({w['objections']}{w['colon']}{', '.join(answer['standing_objections'])})"
    if answer["outcome"] == "chosen":
        outcome += f" — {answer['chosen']}"
    if answer["outcome"] == "tie":
        outcome += f" — {', '.join(answer['tied'])}"
    figures = (
        f"{w['result']} {answer['result']}   "
        f"{w['turnout']} {answer['turnout']} ({answer['voters']} {w['of']} {answer['members']})"
    )
    if answer["quorum"] is not None:
        met = w["met"] if answer["quorum_met"] else w["not_met"]
        figures += f"   {w['quorum']} {answer['quorum']}{w['colon']}{met}"
    head = [f"{title}{w['colon']}{outcome}", figures, ""]
    if method == "score":
        return "\n".join(head + _score_rows(answer, w))
    return "\n".join(head + _college_rows(answer, w))


def _college_rows(answer: dict[str, Any], w: dict[str, str]) -> list[str]:
    weighted = answer["method"] == "college_vote"
    keys = ["members", "voters", "agree", "disagree", "abstain", "block", "share"]
    header = [w["college"], *([w["weight"], w["used"]] if weighted else []), *(w[k] for k in keys)]
    rows: list[list[str]] = []
    notes: list[str] = []
    for name, line in answer["colleges"].items():
        cells = [name]
        if weighted:
            cells += [line["weight"], line["weight_used"]]
        cells += [str(line[k]) if line[k] is not None else "—" for k in keys]
        rows.append(cells)
        if weighted and line["expressed"] == 0:
            notes.append(f"{name}{w['colon']}{w['left_out']}")
    return _columns(header, rows) + (["", *notes] if notes else [])


def _score_rows(answer: dict[str, Any], w: dict[str, str]) -> list[str]:
    """One line per option: its score, how many scored it, and each college's mean."""
    colleges = list(answer["colleges"])
    several = len(colleges) > 1
    labels = [
        f"{c} ({answer['colleges'][c]['weight']} %)" if "weight" in answer["colleges"][c] else c
        for c in colleges
    ]
    header = [w["option"], w["score_out_of_5"], w["ballots"], *(labels if several else [])]
    rows = []
    for option, line in answer["options"].items():
        cells = [option, line["score"] or "—", str(line["ballots"])]
        if several:
            cells += [answer["colleges"][c]["scores"][option] or "—" for c in colleges]
        rows.append(cells)
    return _columns(header, rows)


def _columns(header: list[str], rows: list[list[str]]) -> list[str]:
    """A header, a rule and the rows: the first column to the left, numbers to the right."""
    every: list[list[str]] = [header, *rows]
    widths = [max(len(r[i]) for r in every) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        first, *rest = cells
        right = (c.rjust(n) for c, n in zip(rest, widths[1:], strict=True))
        return "  ".join([first.ljust(widths[0]), *right]).rstrip()

    return [render(header), "  ".join("-" * n for n in widths), *(render(r) for r in rows)]
