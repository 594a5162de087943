"""A distribution: one run of an allocation model over an organization's data, as recorded.

``result`` is the model's published result (amounts as decimal text, explanations,
indicators); ``entry_seq`` the journal entry that posted it (None when nothing was paid).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# A distribution paid in SourceCred and imported as history: it moved no money here.
IMPORTED_FROM_SOURCECRED = "sourcecred"


@dataclass(frozen=True, slots=True)
class Distribution:
    id: int
    model: str
    params: dict[str, Any]
    source: dict[str, Any]
    fund: str
    budget: int
    paid: int
    unallocated: int
    result: dict[str, Any]
    entry_seq: int | None
    created_at: datetime
    created_by: int

    @property
    def imported_from_sourcecred(self) -> bool:
        return self.source.get("imported_from") == IMPORTED_FROM_SOURCECRED

    @property
    def over_cred(self) -> bool:
        """Grain over the organization's cred (``--cred``)."""
        return bool(self.source.get("cred"))
