"""Governance: how a collective decides. For now the tally — counting a vote, a
college-weighted vote or a consent (``tally``), or scores between options (``score``), with
exact arithmetic — and the document that ``partage tally`` and ``POST /api/tally`` read and
write (``document``)."""

from partage.core.governance.score import Ballot, OptionScore, ScoreTally, score
from partage.core.governance.tally import (
    College,
    CollegeTally,
    Counts,
    Objection,
    Rules,
    Tally,
    Vote,
    tally,
)

__all__ = [
    "Ballot",
    "College",
    "CollegeTally",
    "Counts",
    "Objection",
    "OptionScore",
    "Rules",
    "ScoreTally",
    "Tally",
    "Vote",
    "score",
    "tally",
]
