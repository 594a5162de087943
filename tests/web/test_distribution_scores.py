"""Grain on the distribution pages: scores from an uploaded CSV file or pasted in the box,
compared side by side with models over contributions, carried from the preview to the post
that writes one balanced entry — and a bad CSV refused on the form, in the reader's
language, with nothing written."""

from __future__ import annotations

import html
import re

import pytest

from partage.core import chart
from partage.services import ledger
from tests.conftest import Community
from tests.web.conftest import Visitor
from tests.web.test_distributions import ORG, record, written

# Over three weeks Bruno scores 8, Chloé 7 and Dario 4: a budget of 190 € pays 80, 70 and 40.
SCORES = "member,week 1,week 2,week 3\nBruno,3,1,4\nChloé,0,2,5\nDario,1,1,2\n"
GRAIN = {"budget": "190", "model": ["grain"], "policy": "balanced", "discount": "50"}
PREVIEW = f"{ORG}/distributions/preview"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def post_form(page: str, model: str) -> dict[str, list[str]]:
    """The hidden fields of the preview's form that posts ``model``, as a browser sends them."""
    start = page.index(f'<input type="hidden" name="post_model" value="{model}">')
    form = page[page.rindex("<form", 0, start) : start]
    fields: dict[str, list[str]] = {"post_model": [model], "fund": ["commons"]}
    for name, value in HIDDEN.findall(form):
        if name != "csrf":
            fields.setdefault(name, []).append(html.unescape(value))
    return fields


def test_the_form_explains_the_scores_grain_reads(visitor: Visitor, community: Community) -> None:
    visitor.sign_in("aicha")
    page = visitor.get(f"{ORG}/distributions").text
    assert 'enctype="multipart/form-data"' in page and 'name="csrf"' in page
    assert 'name="model" value="grain"' in page and "Grain (scores)" in page
    assert '<input type="file" name="scores_file"' in page and '<textarea name="scores"' in page
    assert "Used only when Grain reads a table of scores" in page
    assert "member,week 1,week 2,week 3\nCamille,3,1,4" in page
    assert '<input type="radio" name="policy" value="balanced" checked>' in page
    assert "first pays those whose earlier grain payouts fell behind their scores" in page
    french = visitor.get(f"{ORG}/distributions?lang=fr").text
    assert "member,semaine 1,semaine 2,semaine 3" in french
    assert (
        "Utilisés seulement si Grain lit un tableau de scores" in french
        and "Un fichier CSV de scores" in french
    )


def test_a_grain_preview_from_an_uploaded_file_compares_it_with_hours(
    visitor: Visitor, community: Community
) -> None:
    c = community
    record(c)
    before = written(c)
    visitor.sign_in("bruno")  # members may preview too
    page = visitor.post(
        PREVIEW,
        {**GRAIN, "model": ["hours", "grain"], "scores": "ignored: the file wins"},
        files={"scores_file": ("cred.csv", SCORES.encode("utf-8-sig"), "text/csv")},
    )
    assert page.status_code == 200, page.text
    text = page.text
    assert "What each model would give" in text
    assert "Proportional to hours</th>" in text and "Grain (scores)</th>" in text
    assert "Contributions read" in text and "Scores read" in text
    assert "3 member(s) × 3 interval(s)" in text
    assert "€80.00" in text and "€70.00" in text and "€40.00" in text  # grain: 8 : 7 : 4
    assert "€108.57" in text  # hours: Bruno's 10 h of 17.5 h (every contribution)
    assert 'class="bar model-grain"' in text and "<details" in text
    # The scores travel on with the preview (the file's text, not the box's).
    assert "ignored: the file wins" not in text
    assert html.escape("member,week 1,week 2,week 3\nBruno,3,1,4", quote=True) in text
    assert "Post this distribution" not in text  # not an admin
    assert written(c) == before


def test_a_grain_preview_from_pasted_text_in_french(visitor: Visitor, community: Community) -> None:
    visitor.get("/?lang=fr")
    visitor.sign_in("aicha")
    page = visitor.post(PREVIEW, {**GRAIN, "scores": SCORES})
    assert page.status_code == 200, page.text
    text = page.text
    assert "Ce que chaque modèle donnerait" in text and "Scores lus" in text
    assert "80,00\u00a0€" in text and "70,00\u00a0€" in text and "40,00\u00a0€" in text
    assert "Contributions lues" not in text  # grain alone reads no contribution
    assert "Aucune contribution" not in text
    assert text.count("Inscrire cette répartition") == 1
    assert 'name="change" value="1"' in text  # back to the form, scores included


def test_change_the_choices_brings_the_scores_back_to_the_form(
    visitor: Visitor, community: Community
) -> None:
    visitor.sign_in("aicha")
    page = visitor.post(PREVIEW, {**GRAIN, "policy": "recent", "scores": SCORES, "change": "1"})
    assert page.status_code == 200
    assert "Preview and compare</button>" in page.text
    assert f">{html.escape(SCORES, quote=True)}</textarea>" in page.text
    assert 'name="model" value="grain" checked' in page.text
    assert '<input type="radio" name="policy" value="recent" checked>' in page.text


def test_without_grain_the_form_goes_on_to_the_comparison_address(
    visitor: Visitor, community: Community
) -> None:
    record(community)
    visitor.sign_in("aicha")
    sent = visitor.post(
        PREVIEW, {"budget": "100", "model": "hours", "scores": SCORES}, follow=False
    )
    assert sent.status_code == 303
    where = sent.headers["location"]
    assert where.startswith(f"{PREVIEW}?budget=100&model=hours") and "scores" not in where
    assert "Proportional to hours</th>" in visitor.get(where).text


def test_an_admin_posts_a_grain_distribution_as_one_balanced_entry(
    visitor: Visitor, community: Community
) -> None:
    c = community
    record(c)
    distributions_before, entries_before = written(c)
    visitor.sign_in("aicha")
    preview = visitor.post(PREVIEW, {**GRAIN, "model": ["hours", "grain"], "scores": SCORES})
    assert preview.text.count("Post this distribution") == 2
    done = visitor.post(f"{ORG}/distributions", post_form(preview.text, "grain"))
    assert done.status_code == 200, done.text
    assert str(done.url).endswith(f"{ORG}/distributions/{distributions_before + 1}")
    page = done.text
    assert "The distribution is posted to the ledger" in page
    assert "Grain (scores)" in page and "Policy: Balanced — first pays those" in page
    assert "scores of 3 member(s) over 3 interval(s)" in page
    assert "contributions read" not in page
    assert "€190.00" in page and "€80.00" in page and "€40.00" in page
    assert written(c) == (distributions_before + 1, entries_before + 1)
    with c.uow(readonly=True) as u:
        entry = ledger.journal(u, actor=c.admin)[-1].entry
        assert entry.cause == f"distribution:{distributions_before + 1}"
        assert sum(p.amount for p in entry.postings) == 0
        assert len(entry.postings) == 4  # the commons fund, then the three members
        owed = ledger.balance_of(u, actor=c.admin, account=chart.member_account(c.chloe.member.id))
        assert owed.minor == 7_000
        assert ledger.check(u, actor=c.admin).ok
    listed = visitor.get(f"{ORG}/distributions").text
    assert "scores of 3 member(s) over 3 interval(s)" in listed


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        (
            "member,week 1\nZoé,1\n",
            "Line 2: there is no member with the number or exact name “Zoé”.",
        ),
        (
            "member,week 1,week 2\nBruno,1,2\nChloé,1\n",
            "Line 3 has 2 cells but the first line has 3",
        ),
        (
            "member,week 1\nBruno,beaucoup\n",
            "Line 2, column “week 1”: “beaucoup” is not a number of 0 or more",
        ),
        ("member,week 1\nBruno,-2\n", "“-2” is not a number of 0 or more"),
        ("Bruno,1\nChloé,2\n", "The first line starts with “member”"),
        ("member,week 1\nBruno,1\nbruno,2\n", "Line 3: “bruno” already has a line of scores."),
        ("member,week 1\n", "No member has scores"),
        ("", "Grain shares the budget by scores: choose a file of scores or paste them."),
    ],
)
def test_a_bad_scores_csv_shows_the_message_on_the_form_and_writes_nothing(
    visitor: Visitor, community: Community, scores: str, message: str
) -> None:
    c = community
    before = written(c)
    visitor.sign_in("aicha")
    page = visitor.post(PREVIEW, {**GRAIN, "scores": scores})
    assert page.status_code == 400
    assert html.escape(message, quote=False) in page.text
    assert "Preview and compare</button>" in page.text  # the form, with what was typed
    assert f">{html.escape(scores, quote=True)}</textarea>" in page.text
    assert 'aria-invalid="true"' in page.text
    # The step that posts is refused the same way (a hidden field can be tampered with).
    refused = visitor.post(
        f"{ORG}/distributions", {**GRAIN, "scores": scores, "post_model": "grain"}
    )
    assert refused.status_code == 400 and html.escape(message, quote=False) in refused.text
    assert written(c) == before


def test_a_bad_scores_file_comes_back_in_the_box_in_french(
    visitor: Visitor, community: Community
) -> None:
    c = community
    before = written(c)
    visitor.get("/?lang=fr")
    visitor.sign_in("aicha")
    bad = "member,semaine 1\nZoé,1\n"
    page = visitor.post(
        PREVIEW, GRAIN, files={"scores_file": ("cred.csv", bad.encode(), "text/csv")}
    )
    assert page.status_code == 400
    assert "Ligne 2 : aucun membre ne porte le numéro ou le nom exact « Zoé »." in page.text
    assert f">{html.escape(bad, quote=True)}</textarea>" in page.text  # to correct it there
    latin1 = visitor.post(
        PREVIEW,
        GRAIN,
        files={"scores_file": ("cred.csv", "member,s1\nChloé,1\n".encode("latin-1"), "text/csv")},
    )
    assert latin1.status_code == 400
    assert "Les scores ne sont pas du texte UTF-8" in latin1.text
    huge = visitor.post(
        PREVIEW,
        {**GRAIN, "scores": SCORES},
        files={"scores_file": ("cred.csv", SCORES.encode() * 20_000, "text/csv")},
    )
    assert huge.status_code == 400 and "Les scores dépassent 1 Mo." in huge.text
    assert f">{html.escape(SCORES, quote=True)}</textarea>" in huge.text  # the box as typed
    policy = visitor.post(
        PREVIEW, {**GRAIN, "policy": "recent", "discount": "150", "scores": SCORES}
    )
    assert policy.status_code == 400 and "La décote est un pourcentage entier" in policy.text
    assert written(c) == before


def test_grain_over_the_organizations_cred_from_the_form_to_the_ledger(
    visitor: Visitor, community: Community
) -> None:
    c = community
    record(c)
    visitor.sign_in("aicha")
    form = visitor.get(f"{ORG}/distributions").text
    assert '<input type="radio" name="grain_from" value="cred" >' in form
    asked = {"budget": "100", "model": ["hours", "grain"], "policy": "balanced"}
    page = visitor.post(PREVIEW, {**asked, "grain_from": "cred"})
    assert page.status_code == 200, page.text
    text = page.text
    assert "each member&#39;s cred per week" in text or "each member's cred per week" in text
    assert "Grain (scores)</th>" in text and "Proportional to hours</th>" in text
    before = written(c)
    fields = post_form(text, "grain")
    assert fields["grain_from"] == ["cred"]
    posted = visitor.post(f"{ORG}/distributions", fields)
    assert posted.status_code == 200, posted.text
    assert written(c) != before
    with c.uow(readonly=True) as u:
        assert ledger.check(u, actor=c.admin).ok
        owed = ledger.balance_of(u, actor=c.admin, account=chart.member_account(c.bruno.member.id))
    assert owed.minor > 0
    shown = visitor.get(f"{posted.url.path}?lang=fr").text
    assert "Votre cred de ces semaines vient de" in shown
    assert "la cred de chaque membre par semaine" in shown


def test_the_cred_page_leads_to_a_grain_form_set_on_cred(
    visitor: Visitor, community: Community
) -> None:
    record(community)
    visitor.sign_in("bruno")
    page = visitor.get(f"{ORG}/cred?lang=fr").text
    link = re.search(r'<a href="([^"]+)">Partager un budget selon cette cred</a>', page)
    assert link, page
    form = visitor.get(html.unescape(link.group(1))).text
    assert '<input type="radio" name="grain_from" value="cred" checked>' in form
    assert 'name="model" value="grain" checked' in form
