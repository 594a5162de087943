"""French and English pages: the reader's language, amounts and dates in their locale, and a
French catalogue that translates every message the pages can show."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from partage.web import i18n
from tests.conftest import Community
from tests.web.conftest import Visitor, declare, open_round

WEB = Path(i18n.__file__).parent


def test_french_is_the_default_and_english_follows_accept_language(visitor: Visitor) -> None:
    french = visitor.get("/", **{"Accept-Language": "de-DE,fr;q=0.8"})
    assert '<html lang="fr">' in french.text
    assert "Partager la valeur et le pouvoir" in french.text
    unknown = visitor.get("/", **{"Accept-Language": "de-DE"})
    assert '<html lang="fr">' in unknown.text
    english = visitor.get("/", **{"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in english.text
    assert "Share value and power with the people who create it" in english.text


def test_lang_in_the_url_is_remembered_in_a_cookie(visitor: Visitor) -> None:
    page = visitor.get("/?lang=fr")
    assert "lang=fr" in page.headers["set-cookie"]
    assert '<html lang="fr">' in visitor.get("/signin").text  # Accept-Language says en
    switch = visitor.get("/signin?lang=en")
    assert '<html lang="en">' in switch.text
    assert 'href="/signin?lang=fr"' in switch.text  # the switch link keeps the page


def test_a_round_reads_in_french_with_french_amounts_and_dates(
    visitor: Visitor, community: Community
) -> None:
    c = community
    round_id = open_round(c, envelope=120_000)
    claim_id = declare(c, c.bruno, round_id, 45_050)
    visitor.sign_in("chloé")
    page = visitor.get(f"/o/tiers-lieux/rounds/{round_id}?lang=fr").text
    assert "Déclarations" in page
    assert "450,50\u00a0€" in page
    assert "1\u202f200,00\u00a0€" in page
    assert "En délai d’opposition · encore 7\u00a0jours" in page
    thread = visitor.get(f"/o/tiers-lieux/claims/{claim_id}").text
    assert "2 mars 2026, 10:00" in thread  # 09:00 UTC on the Paris wall clock
    assert "a fait la déclaration" in thread
    english = visitor.get(f"/o/tiers-lieux/claims/{claim_id}?lang=en").text
    assert "2 Mar 2026, 10:00" in english
    assert "€450.50" in english


def test_domain_errors_are_translated(visitor: Visitor, community: Community) -> None:
    round_id = open_round(community)
    visitor.get("/?lang=fr")
    failed = visitor.sign_in("aicha", password="mauvais mot")
    assert "Adresse e-mail ou mot de passe incorrect." in failed.text
    visitor.sign_in("bruno")
    page = visitor.post(
        f"/o/tiers-lieux/rounds/{round_id}/claims", {"amount": "12,345", "justification": "x"}
    )
    assert "Ce montant a plus de décimales que la monnaie n’en permet." in page.text
    empty = visitor.post(f"/o/tiers-lieux/rounds/{round_id}/claims", {"amount": "12"})
    assert "Ce champ est obligatoire." in empty.text


def test_every_message_of_the_pages_has_a_french_translation() -> None:
    wanted = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB),
        method_map=[("templates/**.html", "jinja2"), ("**.py", "python")],
        options_map={"templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}},
    ):
        for text in message if isinstance(message, tuple) else (message,):
            if text:
                wanted.add(text)
    with (WEB / "locales" / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id for m in catalogue if m.id and m.string}
    assert sorted(wanted - translated) == []
    assert len(wanted) > 300


def test_translations_keep_their_placeholders() -> None:
    with (WEB / "locales" / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    for message in catalogue:
        if not message.id:
            continue
        for marker in ("%(", "{name}", "{reference}"):
            assert str(message.id).count(marker) == str(message.string).count(marker), message.id


def test_negotiation_rules() -> None:
    assert i18n.negotiate("en", "fr", "fr") == "en"
    assert i18n.negotiate("xx", "en", "fr") == "en"
    assert i18n.negotiate(None, None, "en-US,en;q=0.5") == "en"
    assert i18n.negotiate(None, None, "en;q=0.2, fr;q=0.9") == "fr"
    assert i18n.negotiate(None, None, "garbage;q=x") == "fr"
    assert i18n.negotiate(None, None, None) == "fr"
