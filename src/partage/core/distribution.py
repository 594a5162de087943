"""A distribution: one run of an allocation model over an organization's data, as recorded.

``result`` is the model's published result (amounts as decimal text, explanations,
indicators); ``entry_seq`` the journal entry that posted it (None when nothing was paid).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


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
