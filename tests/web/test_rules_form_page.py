"""The structured form of the split rules page: an admin sets a version by filling rows,
without writing JSON; a refusal re-shows the rows as typed, marks the box at fault and
writes nothing; a member who is not an admin is refused."""

from __future__ import annotations

from partage.services import transactions as txs
from tests.conftest import Community
from tests.services.test_value_flows import set_rules
from tests.web.conftest import Visitor

ORG = "/o/tiers-lieux"


def versions(c: Community) -> list[txs.RuleVersionView]:
    with c.uow(readonly=True) as u:
        return list(txs.rule_versions(u, actor=c.admin))


def rows(**typed: str) -> dict[str, str]:
    """A posted form: two statuses, three shares, a spare row of each left empty."""
    form = {
        "c-0-status": "producer", "c-0-rate": "12,5", "c-0-fixed": "0,30", "c-0-cap": "20",
        "c-1-status": "courier", "c-1-rate": "5",
        "c-2-status": "", "c-2-rate": "",
        "s-0-percent": "30", "s-0-of": "commission", "s-0-to": "reserve",
        "s-1-percent": "20", "s-1-of": "commission", "s-1-to": "project", "s-1-key": "solidarite",
        "s-2-percent": "", "s-2-of": "commission", "s-2-to": "reserve",
        "s-3-percent": "2", "s-3-of": "amount", "s-3-to": "party", "s-3-key": "referrer",
        "s-3-label": "Parrainage",
        "rest_to": "commons", "rest_key": "",
        "effective_from": "2026-04-01", "note": "AG d'avril",
    }  # fmt: skip
    form.update(typed)
    return form


def test_an_admin_fills_the_rows_and_a_new_version_appears(
    visitor: Visitor, community: Community
) -> None:
    visitor.sign_in("aicha")
    page = visitor.get(f"{ORG}/rules")
    # No version yet: the form starts from an example, with spare rows to fill.
    assert 'name="c-0-status" value="producer"' in page.text
    assert 'name="s-0-percent" value="30"' in page.text
    assert 'name="c-3-status" value=""' in page.text

    saved = visitor.post(f"{ORG}/rules", rows())
    assert "The new rules are saved." in saved.text
    assert "From 1 Apr 2026: version 1" in saved.text
    [version] = versions(community)
    assert version.document["commissions"] == {
        "courier": {"rate": "5"},
        "producer": {"rate": "12.5", "fixed": "0.30", "cap": "20.00"},
    }
    assert version.document["splits"] == [
        {"of": "commission", "to": "reserve", "percent": "30"},
        {"of": "commission", "to": "project:solidarite", "percent": "20"},
        {"of": "amount", "to": "party:referrer", "percent": "2", "label": "Parrainage"},
    ]
    assert version.document["rest_to"] == "commons"
    assert version.note == "AG d'avril"
    # The form now starts from that version, and from its first day.
    again = visitor.get(f"{ORG}/rules")
    assert 'name="c-1-status" value="producer"' in again.text
    assert 'name="s-2-key" value="referrer"' in again.text
    assert 'name="effective_from" value="2026-04-01"' in again.text


def test_a_share_over_100_percent_is_refused_and_nothing_is_written(
    visitor: Visitor, community: Community
) -> None:
    set_rules(community)
    before = versions(community)
    visitor.sign_in("aicha")
    refused = visitor.post(f"{ORG}/rules", rows(**{"s-0-percent": "90", "s-4-percent": ""}))
    assert refused.status_code == 400
    assert "The shares of the commission add up to more than 100 %." in refused.text
    # What was typed comes back, and the shares of the commission are marked.
    assert 'name="s-0-percent" value="90" inputmode="decimal" class="number"' in refused.text
    assert 'name="s-1-percent" value="20"' in refused.text
    marked = refused.text.split('name="s-1-percent"')[1].split(">")[0]
    assert 'aria-invalid="true"' in marked
    assert 'aria-invalid="true"' not in refused.text.split('name="s-3-percent"')[1].split(">")[0]
    assert versions(community) == before

    fr = visitor.post(f"{ORG}/rules?lang=fr", rows(**{"s-3-percent": "95"}))
    assert fr.status_code == 400
    assert "parts du montant dépassent 100 %" in fr.text
    assert versions(community) == before


def test_a_refusal_names_the_box_at_fault(visitor: Visitor, community: Community) -> None:
    visitor.sign_in("aicha")
    cases = {
        "c-1-rate": (rows(**{"c-1-rate": "abc"}), "A percentage is a number from 0 to 100"),
        "c-0-cap": (rows(**{"c-0-cap": "1,234"}), "more decimals than the currency allows"),
        "s-1-key": (rows(**{"s-1-key": ""}), "Name the project"),
        "c-2-status": (rows(**{"c-2-rate": "3"}), "Name the status"),
        "c-1-status": (rows(**{"c-1-status": "Producer"}), "on two rows"),
        "s-3-percent": (rows(**{"s-3-percent": ""}), "A percentage is a number"),
    }
    for field, (form, message) in cases.items():
        refused = visitor.post(f"{ORG}/rules", form)
        assert refused.status_code == 400, field
        assert message in refused.text, field
        box = refused.text.split(f'name="{field}"')[1].split(">")[0]
        assert 'aria-invalid="true"' in box, field
    assert versions(community) == []


def test_a_member_who_is_not_an_admin_is_refused(visitor: Visitor, community: Community) -> None:
    visitor.sign_in("bruno")
    assert 'name="c-0-status"' not in visitor.get(f"{ORG}/rules").text
    refused = visitor.post(f"{ORG}/rules", rows())
    assert refused.status_code == 403
    assert versions(community) == []


def test_the_json_text_stays_an_alternative(visitor: Visitor, community: Community) -> None:
    visitor.sign_in("aicha")
    page = visitor.get(f"{ORG}/rules?lang=fr")
    assert "Avancé : écrire les règles en JSON ou YAML" in page.text
    refused = visitor.post(
        f"{ORG}/rules",
        {
            "document": '{"commissions": {"producer": {"rate": "x"}}}',
            "effective_from": "2026-04-01",
        },
    )
    assert refused.status_code == 400
    assert '<details class="panel advanced" open>' in refused.text
    assert "commissions.producer.rate: Un pourcentage est un nombre" in refused.text
    assert versions(community) == []


def test_a_first_day_before_the_version_in_force_is_refused_next_to_the_date(
    visitor: Visitor, community: Community
) -> None:
    set_rules(community)  # from 1 January 2026
    before = versions(community)
    visitor.sign_in("aicha")
    refused = visitor.post(f"{ORG}/rules", rows(effective_from="2025-12-31"))
    assert refused.status_code == 400
    assert "A new version starts on or after the first day of the latest one" in refused.text
    box = refused.text.split('name="effective_from"')[1].split(">")[0]
    assert 'value="2025-12-31"' in box and 'aria-invalid="true"' in box
    assert 'name="c-1-status" value="courier"' in refused.text
    bad_day = visitor.post(f"{ORG}/rules", rows(effective_from="1 April"))
    assert bad_day.status_code == 400 and "Type a date such as 2026-03-14." in bad_day.text
    assert versions(community) == before
