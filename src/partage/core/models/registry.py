"""The models a simulation spec may name, and running a whole spec."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from importlib import import_module
from typing import Any

from partage.core.models.base import ModelResult, Spec, TextColumn, refuse
from partage.core.models.indicators import indicators
from partage.core.models.wording import LANGUAGES, ratio_texts
from partage.core.money import format_minor

Model = Callable[[Spec, Mapping[str, Any], str], ModelResult]


MODEL_NAMES = (
    "proportional",
    "rate_grid",
    "value_equation",
    "slicing_pie",
    "peer_allocation",
    "quadratic_funding",
    "grain",
    "contributive_round",
)


def model(name: str) -> Model | None:
    """The model called ``name``: its module's ``run``. Modules load on first use."""
    if name not in MODEL_NAMES:
        return None
    module = import_module(f"partage.core.models.{name}")
    found: Model = module.run
    return found


def run_model(spec: Spec, index: int) -> ModelResult:
    params = spec.models[index]
    path = f"models[{index}]"
    found = model(str(params.get("type")))
    if found is None:
        raise refuse(f"{path}.type", f"must be one of {', '.join(MODEL_NAMES)}", "spec.bad_model")
    return found(spec, params, path)


def simulate(spec: Spec) -> list[ModelResult]:
    """Every model of the spec, in order, on the same data."""
    return [run_model(spec, i) for i in range(len(spec.models))]


def as_json(result: ModelResult, spec: Spec) -> dict[str, Any]:
    """The published shape of one result: amounts as decimal text in the currency's unit."""
    currency = spec.currency

    def money(minor: int) -> str:
        return format_minor(minor, currency.decimals)

    body: dict[str, Any] = {
        "model": result.model,
        "currency": currency.code,
        "budget": money(result.budget),
        # One column operation for every amount: the same text format_minor writes.
        "allocations": dict(
            zip(
                result.allocations,
                ratio_texts(
                    list(result.allocations.values()),
                    10**currency.decimals,
                    places=currency.decimals,
                    keep=currency.decimals,
                ),
                strict=True,
            )
        ),
        "unallocated": money(result.unallocated),
        "explanations": explanations_of(result),
        "language": spec.language,
        "indicators": indicators(result, currency),
    }
    for key, value in result.extras.items():
        # Extras written lazily (per recipient) are read out here, once.
        body.setdefault(key, dict(value) if isinstance(value, Mapping) else value)
    return body


def explanations_of(result: ModelResult) -> dict[str, str]:
    """Every recipient's explanation, written at once."""
    found = result.explanations
    return found.as_dict() if isinstance(found, TextColumn) else dict(found)


def translations(spec: Spec, rerun: Callable[[Spec], ModelResult]) -> dict[str, dict[str, str]]:
    """The explanations of the same run in every other language, ``explanations_<language>``:
    the model runs again on the same data in that language (the amounts are the same)."""
    found = {}
    for language in LANGUAGES:
        if language != spec.language:
            other = rerun(replace(spec, language=language))
            found[f"explanations_{language}"] = explanations_of(other)
    return found
