"""Rows of the structured split-rules form read into the rule document, and back: empty rows
ignored, decimal commas kept as typed for the core to read, the core's refusals pointed at
the box that holds the field, and said in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest

from partage.core.currency import Currency
from partage.core.errors import Forbidden, InvalidInput
from partage.core.splits.rules import parse_rules, rules_document
from partage.web import rules_form as rf

EUR = Currency("EUR", 2)
FR = {
    "The shares of the commission add up to more than 100 %.": "Les parts : plus de 100 %.",
    "Name the project in lowercase letters without accents, digits, '-' or '_'.": "Nommez-le.",
}


def posted(**typed: str) -> dict[str, Any]:
    form: dict[str, Any] = {
        "csrf": "x", "effective_from": "2026-04-01",
        "c-0-status": " Producer ", "c-0-rate": "12,5", "c-0-fixed": "0,30", "c-0-cap": "",
        "c-1-status": "", "c-1-rate": "", "c-1-fixed": "", "c-1-floor": "", "c-1-cap": "",
        "c-2-status": "courier", "c-2-rate": "5",
        "s-0-percent": "30", "s-0-of": "commission", "s-0-to": "reserve", "s-0-key": "",
        "s-1-percent": "", "s-1-of": "amount", "s-1-to": "project", "s-1-key": "",
        "s-2-percent": "20", "s-2-of": "commission", "s-2-to": "Project", "s-2-key": "Solidarite",
        "s-2-label": " Caisse ",
        "s-10-percent": "2", "s-10-of": "amount", "s-10-to": "member", "s-10-key": "7",
        "rest_to": "pool", "rest_key": "contributeurs",
    }  # fmt: skip
    form.update(typed)
    return form


def test_rows_become_the_document_the_json_path_takes() -> None:
    rows = rf.from_form(posted())
    assert rows.document() == {
        "commissions": {
            "producer": {"rate": "12,5", "fixed": "0,30"},
            "courier": {"rate": "5"},
        },
        "splits": [
            {"of": "commission", "to": "reserve", "percent": "30"},
            {"of": "commission", "to": "project:solidarite", "percent": "20", "label": "Caisse"},
            {"of": "amount", "to": "member:7", "percent": "2"},
        ],
        "rest_to": "pool:contributeurs",
    }
    # The decimal comma is the core's to read, exactly: 12,5 % and 0,30 € — never a float.
    rules = parse_rules(rows.document(), currency=EUR)
    assert rules.commissions["producer"].fixed == 30
    assert rules_document(rules, decimals=2)["commissions"]["producer"]["rate"] == "12.5"


def test_empty_rows_are_ignored_and_the_selects_alone_do_not_make_a_row() -> None:
    rows = rf.from_form(posted())
    assert [r.index for r in rows.commissions] == [0, 1, 2]
    assert [r.index for r in rows.filled_splits] == [0, 2, 10]
    # Emptying every box of a row removes it.
    emptied = rf.from_form(posted(**{"s-0-percent": "", "c-2-status": "", "c-2-rate": ""}))
    assert [s["to"] for s in emptied.document()["splits"]] == ["project:solidarite", "member:7"]
    assert list(emptied.document()["commissions"]) == ["producer"]


def test_a_stored_version_reads_back_into_rows_with_spare_ones() -> None:
    doc = rules_document(parse_rules(rf.from_form(posted()).document(), currency=EUR), decimals=2)
    rows = rf.from_document(doc).with_spare(2)
    assert [(r.index, r.status) for r in rows.commissions] == [
        (0, "courier"), (1, "producer"), (2, ""), (3, ""),
    ]  # fmt: skip
    assert [(r.to, r.key, r.percent) for r in rows.splits[:3]] == [
        ("reserve", "", "30"), ("project", "solidarite", "20"), ("member", "7", "2"),
    ]  # fmt: skip
    assert rows.splits[1].label == "Caisse" and [r.empty for r in rows.splits[3:]] == [True] * 2
    assert (rows.rest_to, rows.rest_key) == ("pool", "contributeurs")
    # Read back and written again, the document is the same.
    assert rf.from_form(_as_form(rows)).document() == {
        k: v for k, v in doc.items() if k != "currency"
    }


def _as_form(rows: rf.RulesForm) -> dict[str, str]:
    form = {"rest_to": rows.rest_to, "rest_key": rows.rest_key}
    for c in rows.commissions:
        form |= {c.input(k): getattr(c, k) for k in ("status", *rf.COMMISSION_COLUMNS)}
    for s in rows.splits:
        form |= {s.input(k): getattr(s, k) for k in ("of", "to", "key", "percent", "label")}
    return form


@pytest.mark.parametrize(
    ("typed", "code", "box"),
    [
        ({"c-1-rate": "3"}, "rules.bad_status", "c-1-status"),
        ({"c-2-status": "PRODUCER"}, "rules.duplicate_status", "c-2-status"),
    ],
)
def test_a_row_the_document_cannot_say_is_refused_at_its_box(
    typed: dict[str, str], code: str, box: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        rf.from_form(posted(**typed)).document()
    assert (refused.value.code, refused.value.field) == (code, box)


@pytest.mark.parametrize(
    ("typed", "code", "box"),
    [
        ({"c-0-rate": "12.5.1"}, "rules.bad_percent", "c-0-rate"),
        ({"c-2-rate": "101"}, "rules.bad_percent", "c-2-rate"),
        ({"c-0-floor": "1", "c-0-cap": "0,10"}, "rules.cap_below_floor", "c-0-cap"),
        ({"c-0-fixed": "0,301"}, "amount.too_many_decimals", "c-0-fixed"),
        ({"s-2-key": ""}, "rules.bad_destination", "s-2-key"),
        ({"s-10-key": "bruno"}, "rules.bad_destination", "s-10-key"),
        ({"s-2-to": "elsewhere"}, "rules.bad_destination", "s-2-to"),
        ({"s-2-percent": ""}, "rules.bad_percent", "s-2-percent"),
        ({"s-0-of": "total"}, "rules.bad_split", "s-0-of"),
        ({"s-2-label": "x" * 101}, "rules.bad_split", "s-2-label"),
        ({"rest_key": "Café"}, "rules.bad_destination", "rest_key"),
        ({"c-0-status": "café"}, "rules.bad_status", "c-0-status"),
        ({"c-0-status": "", "c-0-rate": "", "c-0-fixed": "", "c-2-status": "", "c-2-rate": ""},
         "rules.no_status", "c-0-status"),
        ({"s-0-percent": "90"}, "rules.over_100", "splits.commission"),
        ({"s-10-percent": "95"}, "rules.over_100", "splits.amount"),
    ],
)  # fmt: skip
def test_the_core_refusal_is_pointed_at_the_box_that_holds_it(
    typed: dict[str, str], code: str, box: str
) -> None:
    rows = rf.from_form(posted(**typed))
    with pytest.raises(InvalidInput) as refused:
        parse_rules(rows.document(), currency=EUR)
    assert refused.value.code == code
    assert rows.pointed(refused.value).field == box


def test_a_refusal_that_names_no_field_of_the_rules_is_left_as_it_is() -> None:
    rows = rf.from_form(posted())
    forbidden = Forbidden("role.not_admin", "only an admin")
    assert rows.pointed(forbidden) is forbidden
    late = InvalidInput("rules.retroactive", "too early", field="effective_from")
    assert rows.pointed(late) is late


def test_refusals_are_said_in_the_reader_s_language() -> None:
    rows = rf.from_form(posted(**{"s-0-percent": "90", "s-2-key": ""}))

    def french(message: str) -> str:
        return FR.get(message, message)

    over = rows.pointed(InvalidInput("rules.over_100", "sum to 110 %", field="splits"))
    said = rf.in_words(over, french, rows)
    assert (said.code, said.field, said.message) == (
        "rules.over_100", "splits.commission", "Les parts : plus de 100 %.",
    )  # fmt: skip
    unnamed = rows.pointed(InvalidInput("rules.bad_destination", "bad", field="splits[1].to"))
    assert rf.in_words(unnamed, french, rows).message == "Nommez-le."
    # Codes the form does not explain keep the words they came with.
    other = InvalidInput("note.too_long", "the note is too long", field="note")
    assert rf.in_words(other, french, rows) is other


def test_the_json_path_keeps_the_field_in_front_and_the_core_s_detail() -> None:
    def english(message: str) -> str:
        return message

    bad = InvalidInput("rules.bad_percent", "not a percentage", field="splits[0].percent")
    assert rf.in_words(bad, english).message.startswith("splits[0].percent: A percentage is")
    over = InvalidInput("rules.over_100", "the shares sum to 110 %, above 100 %", field="splits")
    assert rf.in_words(over, english) is over
