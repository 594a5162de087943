"""Building specs for model tests from plain Python values."""

from __future__ import annotations

from typing import Any

from partage.core.models.base import ModelResult
from partage.core.models.registry import as_json, run_model
from partage.core.models.spec import parse_spec


def run(model: dict[str, Any], **sections: Any) -> ModelResult:
    """Run one model on a spec made of ``sections`` (EUR and a budget of 1000 by default)."""
    document = {"currency": "EUR", "budget": "1000.00", **sections, "models": [model]}
    return run_model(parse_spec(document), 0)


def run_json(model: dict[str, Any], **sections: Any) -> dict[str, Any]:
    document = {"currency": "EUR", "budget": "1000.00", **sections, "models": [model]}
    spec = parse_spec(document)
    return as_json(run_model(spec, 0), spec)


def euros(result: ModelResult) -> dict[str, str]:
    """Allocations as euro text, the way a member reads them."""
    return {k: f"{v / 100:.2f}" for k, v in result.allocations.items()}
