"""Governance: how a collective decides. For now the tally — counting a vote, a
college-weighted vote or a consent with exact arithmetic (``tally``), and the document that
``partage tally`` and ``POST /api/tally`` read and write (``document``)."""

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

__all__ = ["College", "CollegeTally", "Counts", "Objection", "Rules", "Tally", "Vote", "tally"]
