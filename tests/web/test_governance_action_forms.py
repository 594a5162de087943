"""Every kind of action a proposal can carry, chosen in the "open a proposal" form: what the
form sends is the action the proposal keeps, its page says it in the reader's words, and a
bad value is refused next to the form with nothing written."""

from __future__ import annotations

import re
from typing import Any

import pytest

from partage.services import governance
from tests.conftest import Community
from tests.services.test_governance_actions import passed
from tests.services.test_governance_power import paid_by_scores
from tests.web.conftest import Visitor, open_round

ORG = "/o/tiers-lieux"


def _open(visitor: Visitor, fields: dict[str, str], lang: str = "en") -> Any:
    page = visitor.get(f"{ORG}/proposals?lang={lang}").text
    body = re.search(r'name="body">\s*<option value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    return visitor.post(
        f"{ORG}/proposals?lang={lang}",
        {
            "body": body,
            "method": "consent",
            "days": "3",
            "title": "Décision",
            "text": "x",
            **fields,
        },
    )


def _stored(c: Community) -> list[governance.ActionView | None]:
    with c.uow(readonly=True) as u:
        return [v.proposal.action for v in governance.proposals(u, actor=c.admin, now=c.clock())]


@pytest.mark.parametrize(
    ("fields", "kind", "params", "said"),
    [
        (
            {"action": "admit_member", "admit_name": "Émile", "admit_email": "emile@example.org",
             "admit_college": "Soutiens"},
            "admit_member",
            {"name": "Émile", "email": "emile@example.org", "college": "Soutiens"},
            "Admit Émile as a member",
        ),
        (
            {"action": "remove_member", "remove_member": "{dario}"},
            "remove_member",
            {"member_id": "{dario}"},
            "Remove Dario",
        ),
        (
            {"action": "change_college", "move_member": "{dario}", "move_college": "Lieux"},
            "change_college",
            {"member_id": "{dario}", "college": "Lieux"},
            "Move Dario to the college Lieux",
        ),
        (
            {"action": "set_college_weights", "weight_Lieux": "50", "weight_Contributeurs": "30",
             "weight_Soutiens": "20 %"},
            "set_college_weights",
            {"weights": {"Lieux": "50", "Contributeurs": "30", "Soutiens": "20"}},
            "Set the college weights: Lieux 50 %, Contributeurs 30 %, Soutiens 20 %",
        ),
        (
            {"action": "power_on", "power_cap": "3", "power_step": "5"},
            "set_contribution_power",
            {"cap": "3", "hours_per_step": "5"},
            "Let a vote weigh up to 3 votes, one more per 5 hours",
        ),
        (
            {"action": "power_off"},
            "set_contribution_power",
            {"cap": "off"},
            "Turn power from contribution off",
        ),
        (
            {"action": "set_round_envelope", "change_round": "{round}", "new_envelope": "6000"},
            "set_round_envelope",
            {"round_id": "{round}", "envelope": 600_000},
            "Set the envelope of the round “Printemps 2026” to",
        ),
        (
            {"action": "set_round_window", "change_round": "{round}", "new_window_days": "3"},
            "set_round_window",
            {"round_id": "{round}", "window_hours": 72},
            "Set the objection window of the round “Printemps 2026” to 72 h",
        ),
    ],
)  # fmt: skip
def test_each_action_kind_is_opened_from_the_form(
    visitor: Visitor,
    community: Community,
    fields: dict[str, str],
    kind: str,
    params: dict[str, Any],
    said: str,
) -> None:
    c = community
    ids = {"dario": str(c.dario.member.id), "round": str(open_round(c))}

    def fill(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            return int(ids[value[1:-1]])
        return value

    visitor.sign_in("bruno")
    opened = _open(visitor, {k: v.format(**ids) for k, v in fields.items()})
    assert opened.status_code == 200, opened.text
    assert "Your proposal is open." in opened.text
    assert said.format(**ids) in opened.text
    [action] = _stored(c)
    assert action is not None and action.kind == kind
    assert action.params == {k: fill(v) for k, v in params.items()}


def test_a_role_is_ended_from_the_form(visitor: Visitor, community: Community) -> None:
    c = community
    passed(c, {"kind": "fill_role", "name": "Trésorière", "holder_id": c.chloe.member.id})
    visitor.sign_in("bruno")
    page = visitor.get(f"{ORG}/proposals").text
    role = re.search(r'name="end_role">\s*<option value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    assert "Trésorière — Chloé" in page
    opened = _open(visitor, {"action": "end_role", "end_role": role})
    assert opened.status_code == 200, opened.text
    assert f"End the role #{role}" in opened.text


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"action": "set_college_weights", "weight_Lieux": "50", "weight_Contributeurs": "30",
          "weight_Soutiens": "30"}, "Les poids des collèges totalisent 110, pas 100."),
        ({"action": "set_round_envelope", "change_round": "{round}", "new_envelope": "99999"},
         # Amounts in the reader's locale: narrow no-break spaces group, a comma decimals.
         "Le fonds commun contient 5\u202f000,00\xa0€ : pas assez pour 94\u202f999,00\xa0€."),
        ({"action": "admit_member", "admit_name": ""}, "Ce champ est obligatoire."),
        ({"action": "power_on", "power_cap": "abc"}, "abc"),
    ],
)  # fmt: skip
def test_a_bad_action_is_refused_with_what_was_typed_kept(
    visitor: Visitor, community: Community, fields: dict[str, str], shown: str
) -> None:
    c = community
    ids = {"round": str(open_round(c))}
    visitor.sign_in("bruno")
    refused = _open(visitor, {k: v.format(**ids) for k, v in fields.items()}, lang="fr")
    assert refused.status_code == 400
    assert shown in refused.text
    assert re.search(r'class="form-error" role="alert">[^<]+<', refused.text)
    assert _stored(c) == []


def test_every_translated_refusal_keeps_its_placeholders_in_french() -> None:
    from string import Formatter

    from babel.messages.pofile import read_po

    from partage.web import i18n

    with (i18n.LOCALES_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        french = {m.id: m.string for m in read_po(handle) if m.id}

    def names(text: str) -> set[str]:
        return {field for _, field, _, _ in Formatter().parse(text) if field}

    for code, message in i18n.ERROR_MESSAGES.items():
        assert names(message) == names(str(french[message])), code


def test_a_refusal_without_the_params_its_translation_names_keeps_the_services_words() -> None:
    from partage.core.errors import InvalidInput
    from partage.web import i18n

    bare = InvalidInput("action.unknown_round", "no round #4", field="action.round_id")
    assert i18n.error_message(bare, lambda text: text) == "no round #4"
    full = InvalidInput("action.unknown_round", "no round #4", params={"round": 4})
    assert i18n.error_message(full, lambda text: text) == "There is no round #4."


def test_amounts_in_a_refusal_are_said_in_the_readers_locale() -> None:
    from partage.core.currency import iso_currency, own_unit
    from partage.core.errors import InvalidInput
    from partage.core.money import Money, as_params
    from partage.web import i18n

    fund = InvalidInput(
        "action.insufficient_fund",
        "the commons fund holds 1234567.50 EUR, less than the envelope of the round",
        params=as_params("available", Money(123_456_750, iso_currency("EUR"))),
    )
    english, french = i18n.Formatter("en"), i18n.Formatter("fr")
    assert i18n.error_message(fund, lambda text: text, english) == (
        "The commons fund holds €1,234,567.50, less than the envelope of the round."
    )
    assert "1\u202f234\u202f567,50\xa0€" in i18n.error_message(fund, lambda text: text, french)
    # Without a reader's locale (or for the CLI and the API), the service's plain text.
    assert "holds 1234567.50 EUR," in i18n.error_message(fund, lambda text: text)
    hours = InvalidInput(
        "action.member_balance",
        "x",
        params={"name": "Chloé", **as_params("balance", Money(1250, own_unit("HOUR", 2)))},
    )
    assert i18n.error_message(hours, lambda text: text, french) == (
        "Chloé cannot be removed while their account holds 12,50\xa0HOUR: settle it first."
    )


def test_a_proposal_bases_power_on_a_distribution_from_the_form(
    visitor: Visitor, community: Community
) -> None:
    distribution_id = paid_by_scores(community)
    visitor.sign_in("bruno")
    page = _open(
        visitor,
        {"action": "power_on", "power_cap": "3", "power_distribution": str(distribution_id)},
        lang="fr",
    )
    assert page.status_code in (200, 303), page.text
    [action] = _stored(community)
    assert action is not None
    assert action.params == {"cap": "3", "hours_per_step": "10", "distribution_id": 1}
    said = visitor.get(f"{ORG}/proposals?lang=fr").text
    assert "une de plus par versement moyen de la répartition n° 1" in said
