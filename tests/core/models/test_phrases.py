"""Every model explains itself in English and in French, with the same numbers."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from importlib import import_module
from pathlib import Path
from string import Formatter
from typing import Any

import pytest

from partage.core.models.registry import MODEL_NAMES, as_json, simulate
from partage.core.models.spec import parse_spec
from partage.core.models.wording import LANGUAGES

DOC = Path(__file__).parents[3] / "docs" / "simulate.md"


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


@pytest.mark.parametrize("model", MODEL_NAMES)
def test_every_phrase_exists_in_every_language_with_the_same_fields(model: str) -> None:
    phrases = import_module(f"partage.core.models.{model}").PHRASES
    assert set(phrases) == set(LANGUAGES)
    english = phrases["en"]
    for language in LANGUAGES:
        assert phrases[language].keys() == english.keys(), language
        for key, template in phrases[language].items():
            assert fields(template) == fields(english[key]), (language, key)


def doc_specs() -> list[dict[str, Any]]:
    blocks = re.findall(r"```json spec\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [json.loads(block, parse_float=Decimal) for block in blocks]


def numbers(text: str) -> list[str]:
    return [n.replace(",", ".") for n in re.findall(r"\d+(?:[.,]\d+)?", text)]


@pytest.mark.parametrize("document", doc_specs(), ids=lambda d: d["models"][0]["type"])
def test_french_explanations_say_the_same_numbers(document: dict[str, Any]) -> None:
    english = [as_json(r, s) for s in [parse_spec(document)] for r in simulate(s)]
    french_spec = parse_spec({**document, "language": "fr"})
    french = [as_json(r, french_spec) for r in simulate(french_spec)]
    for en, fr in zip(english, french, strict=True):
        assert fr["allocations"] == en["allocations"]
        for name, text in en["explanations"].items():
            translated = fr["explanations"][name]
            assert translated != text, f"{en['model']}: not translated: {text}"
            # The same figures, with a decimal comma in French.
            assert sorted(numbers(translated)) == sorted(numbers(text)), (text, translated)
            assert not re.search(r"\d\.\d", translated), translated


def test_an_unknown_language_is_refused() -> None:
    from partage.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        parse_spec({"currency": "EUR", "budget": "1", "language": "de", "models": [{"type": "x"}]})
    assert (err.value.code, err.value.field) == ("spec.bad_language", "language")
