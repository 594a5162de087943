"""The governance pages over HTTP: proposals listed and opened, a consent proposal objected to,
amended and passed with its setting changed, votes, advice, bodies and roles, the log, in
French and English; refusals shown next to their form with nothing written."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from partage.services import governance, scheduler
from tests.conftest import Community
from tests.services.test_governance_actions import passed
from tests.services.test_governance_power import paid_by_scores
from tests.web.conftest import Visitor

ORG = "/o/tiers-lieux"


def open_consent(c: Community, **fields: Any) -> int:
    with c.uow() as u:
        return governance.open_proposal(
            u,
            actor=c.bruno,
            body_id=governance.bodies(u, actor=c.bruno)[0].id,
            title="Ouvrir nos comptes",
            text="Publions nos comptes.",
            method=fields.pop("method", "consent"),
            closes_at=c.clock() + fields.pop("closes_in", timedelta(days=3)),
            now=c.clock(),
            **fields,
        ).proposal.id


def test_a_consent_proposal_opened_objected_amended_and_passed_through_the_pages(
    visitor: Visitor, community: Community
) -> None:
    c = community
    visitor.sign_in("bruno")
    page = visitor.get(f"{ORG}/proposals")
    assert page.status_code == 200
    assert "No proposal is under way." in page.text
    assert f'href="{ORG}/proposals" aria-current="page"' in page.text  # the org navigation
    opened = visitor.post(
        f"{ORG}/proposals",
        {
            "body": re.search(r'name="body">\s*<option value="(\d+)"', page.text).group(1),  # type: ignore[union-attr]
            "method": "consent",
            "days": "3",
            "title": "Ouvrir nos comptes",
            "text": "Publions nos comptes.",
            "action": "public_on",
        },
    )
    assert opened.status_code == 200, opened.text
    assert "Your proposal is open." in opened.text
    assert "It passes at the closing time unless an objection still stands." in opened.text
    assert "If it passes:" in opened.text and "Turn the public page on" in opened.text
    url = str(opened.url).removeprefix("http://testserver")
    pid = int(url.rsplit("/", 1)[1])
    assert f'action="{url}/vote"' not in opened.text  # its author consents by proposing it
    assert f'action="{url}/amend"' in opened.text

    visitor.sign_in("chloé")
    objected = visitor.post(f"{url}/object", {"reason": "Et les noms des membres ?"})
    assert "Your objection is recorded" in objected.text
    assert "Et les noms des membres ?" in objected.text
    assert "Standing" in objected.text
    talked = visitor.post(f"{url}/comment?lang=fr", {"comment": "On peut masquer les courriels"})
    assert "a commenté : On peut masquer les courriels" in talked.text
    again = visitor.post(f"{url}/object?lang=en", {"reason": "Encore"})
    assert again.status_code == 400
    assert "You already have a standing objection on this proposal." in again.text

    c.clock.advance(days=1)
    visitor.sign_in("bruno")
    amended = visitor.post(
        f"{url}/amend", {"text": "Publions nos comptes, sans courriels.", "note": "sans courriels"}
    )
    assert "Your proposal is amended" in amended.text
    assert "Resolved by an amendment" in amended.text
    assert "Publions nos comptes, sans courriels." in amended.text
    assert "3 days left" in amended.text  # the window restarted

    c.clock.advance(days=3, hours=1)
    visitor.sign_in("dario")
    passed = visitor.get(url)  # reading it records the outcome: nobody has to press a button
    assert "Passed" in passed.text
    assert "No objection stood at the closing time." in passed.text
    assert "Applied" in passed.text
    assert c.actor(c.admin).organization.public_page
    log = visitor.get(f"{ORG}/decisions").text
    for said in (
        "opened the proposal: Ouvrir nos comptes",
        "objected: Et les noms des membres ?",
        "amended the proposal; the objections are resolved and the window restarts: sans courriels",
        "The proposal closed: Passed",
        "The decision took effect: Turn the public page on",
    ):
        assert said in log, said
    with c.uow(readonly=True) as u:
        assert governance.view_proposal(u, actor=c.admin, proposal_id=pid, now=c.clock()).outcome

    french = visitor.get(f"{url}?lang=fr").text
    assert "Adoptée" in french
    assert "Aucune opposition ne tenait à l’heure de clôture." in french
    assert "Activer la page publique" in french
    public = visitor.get("/p/tiers-lieux?lang=fr").text
    assert "Ouvrir nos comptes" in public and "Adoptée" in public


def test_votes_can_change_until_closing_and_an_observer_only_reads(
    visitor: Visitor, community: Community
) -> None:
    pid = open_consent(community, method="vote", threshold="majority")
    url = f"{ORG}/proposals/{pid}"
    visitor.sign_in("chloé")
    page = visitor.get(url).text
    assert "more than half of the expressed votes agree" in page
    assert 'value="block"' not in page  # the assembly allows no block
    visitor.post(f"{url}/vote", {"choice": "disagree"})
    changed = visitor.post(f"{url}/vote", {"choice": "agree"})
    assert "Your vote now: Agree." in changed.text
    assert "Change my vote" in changed.text
    refused = visitor.post(f"{url}/vote", {"choice": "block"})
    assert refused.status_code == 400
    assert "This body does not allow blocks." in refused.text

    visitor.sign_in("olga")
    observer = visitor.get(url).text
    assert f'action="{url}/vote"' not in observer
    forbidden = visitor.post(f"{url}/vote", {"choice": "agree"})
    assert forbidden.status_code == 403
    assert "Observers can read but not act in this organization." in forbidden.text
    with community.uow(readonly=True) as u:
        view = governance.view_proposal(
            u, actor=community.admin, proposal_id=pid, now=community.clock()
        )
    assert [(v.voter_name, v.choice) for v in view.votes] == [("Chloé", "agree")]


def test_a_refused_proposal_keeps_what_was_typed_and_writes_nothing(
    visitor: Visitor, community: Community
) -> None:
    visitor.sign_in("bruno")
    page = visitor.get(f"{ORG}/proposals?lang=fr").text
    body = re.search(r'name="body">\s*<option value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    refused = visitor.post(
        f"{ORG}/proposals",
        {
            "body": body,
            "method": "consent",
            "days": "400",
            "title": "Un titre gardé",
            "text": "x",
        },
    )
    assert refused.status_code == 400
    assert "Une proposition se clôt entre 1 et 366 jours à partir de maintenant." in refused.text
    assert 'value="Un titre gardé"' in refused.text
    no_round = visitor.post(
        f"{ORG}/proposals",
        {
            "body": body,
            "days": "3",
            "title": "Un tour",
            "text": "x",
            "action": "open_round",
            "round_name": "Été",
            "round_envelope": "-5",
            "round_window_days": "7",
        },
    )
    assert no_round.status_code == 400
    with community.uow(readonly=True) as u:
        assert governance.proposals(u, actor=community.admin, now=community.clock()) == []


def test_advice_and_the_deciders_decision(visitor: Visitor, community: Community) -> None:
    pid = open_consent(community, method="advice")
    url = f"{ORG}/proposals/{pid}"
    visitor.sign_in("dario")
    page = visitor.get(url).text
    assert "then Bruno decides" in page
    advised = visitor.post(f"{url}/advise", {"advice": "Demandons à la banque"})
    assert "Demandons à la banque" in advised.text
    community.clock.advance(days=4)
    assert f'action="{url}/decide"' not in visitor.get(url).text  # Dario is not the decider
    visitor.sign_in("bruno")
    decided = visitor.post(f"{url}/decide", {"decision": "Nous ouvrons, merci", "adopt": "yes"})
    assert "Your decision is recorded." in decided.text
    assert "Passed" in decided.text and "Nous ouvrons, merci" in decided.text


def test_bodies_and_roles_show_who_holds_what_until_when(
    visitor: Visitor, community: Community
) -> None:
    c = community
    with c.uow() as u:
        pid = governance.open_proposal(
            u,
            actor=c.admin,
            body_id=governance.bodies(u, actor=c.admin)[0].id,
            title="Trésorerie",
            text="Chloé tient la caisse",
            method="consent",
            closes_at=c.clock() + timedelta(days=1),
            now=c.clock(),
            action={"kind": "fill_role", "name": "Trésorière", "holder_id": c.chloe.member.id,
                    "domain": "la caisse", "term_days": 30},
        ).proposal.id  # fmt: skip
    c.clock.advance(days=1, minutes=1)
    visitor.sign_in("aicha")
    page = visitor.get(f"{ORG}/governance").text  # reading it records the due outcome
    assert "Trésorière" in page and "la caisse" in page
    assert f'href="{ORG}/proposals/{pid}"' in page
    assert "General assembly" in page
    assert f'name="members" value="{c.chloe.member.id}"' in page
    assert f'name="members" value="{c.observer.member.id}"' not in page  # observers sit nowhere
    created = visitor.post(
        f"{ORG}/governance/circles", {"name": "Cuisine", "members": [str(c.bruno.member.id)]}
    )
    assert "The circle is created." in created.text and "Cuisine" in created.text
    c.clock.advance(days=31)
    later = visitor.get(f"{ORG}/governance?lang=fr").text
    assert "Aucun rôle n’est tenu en ce moment." in later
    assert "mandat terminé" in later
    visitor.sign_in("bruno")
    assert "Create a circle" not in visitor.get(f"{ORG}/governance?lang=en").text


def test_a_score_with_an_option_left_unscored_is_refused(
    visitor: Visitor, community: Community
) -> None:
    pid = open_consent(community, method="score", options=("Mardi", "Jeudi"))
    url = f"{ORG}/proposals/{pid}"
    visitor.sign_in("chloé")
    refused = visitor.post(f"{url}/vote?lang=fr", {"score_0": "4", "score_1": ""})
    assert refused.status_code == 400
    assert "Une note est un nombre entier de 0 à 5." in refused.text
    scored = visitor.post(f"{url}/vote", {"score_0": "4", "score_1": "2"})
    assert "Mardi 4/5, Jeudi 2/5" in " ".join(scored.text.split())
    with community.uow(readonly=True) as u:
        view = governance.view_proposal(
            u, actor=community.admin, proposal_id=pid, now=community.clock()
        )
    assert [v.scores for v in view.votes] == [{"Mardi": 4, "Jeudi": 2}]


def test_an_admin_turns_power_from_contribution_on_and_a_vote_says_so(
    visitor: Visitor, community: Community
) -> None:
    visitor.sign_in("aicha")
    assert "Off: one member, one vote within a college." in visitor.get(f"{ORG}/governance").text
    refused = visitor.post(f"{ORG}/governance/power", {"power": "on", "cap": "abc"})
    assert refused.status_code == 400
    assert 'value="abc"' in refused.text  # what was typed stays
    on = visitor.post(f"{ORG}/governance/power", {"power": "on", "cap": "3", "hours_per_step": "5"})
    assert "The power from contribution is saved." in on.text
    assert "a vote weighs 1 + the hours its voter recorded / 5, at most 3 votes" in on.text
    pid = open_consent(community, method="vote")
    page = visitor.get(f"{ORG}/proposals/{pid}?lang=fr").text
    assert "au plus 3 voix" in page
    log = visitor.get(f"{ORG}/decisions?lang=en").text
    assert "changed the power from contribution: at most 3 votes, one more per 5 hours" in log
    off = visitor.post(f"{ORG}/governance/power", {"power": "off"})
    assert "Off: one member, one vote within a college." in off.text
    visitor.sign_in("bruno")
    assert f'action="{ORG}/governance/power"' not in visitor.get(f"{ORG}/governance").text


def test_a_score_with_one_option_is_refused_in_the_readers_language(
    visitor: Visitor, community: Community
) -> None:
    visitor.sign_in("bruno")
    page = visitor.get(f"{ORG}/proposals?lang=fr").text
    body = re.search(r'name="body">\s*<option value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    refused = visitor.post(
        f"{ORG}/proposals",
        {"body": body, "method": "score", "days": "2", "title": "Jour", "text": "x",
         "options": "Mardi\n"},
    )  # fmt: skip
    assert refused.status_code == 400
    assert "Une notation départage de 2 à 20 options, une par ligne." in refused.text
    assert "Mardi" in refused.text  # the options typed stay


def test_a_proposal_that_sets_power_from_contribution_says_so(
    visitor: Visitor, community: Community
) -> None:
    pid = open_consent(community, action={"kind": "set_contribution_power", "cap": "2"})
    visitor.sign_in("dario")
    page = visitor.get(f"{ORG}/proposals/{pid}").text
    assert "Let a vote weigh up to 2 votes, one more per 10 hours" in page
    assert "Laisser un vote peser jusqu’à 2 voix" in visitor.get(f"{ORG}/proposals?lang=fr").text


def test_an_admin_bases_power_on_a_distribution_in_either_language(
    visitor: Visitor, community: Community
) -> None:
    visitor.sign_in("aicha")
    refused = visitor.post(
        f"{ORG}/governance/power?lang=fr", {"power": "on", "cap": "2", "basis": "distribution"}
    )
    assert refused.status_code == 400
    assert "Choisissez la répartition dont les versements pèsent sur les voix." in refused.text
    with community.uow(readonly=True) as u:
        assert governance.contribution_power(u, actor=community.admin) is None
    distribution_id = paid_by_scores(community)
    page = visitor.get(f"{ORG}/governance?lang=en").text
    assert f'<option value="{distribution_id}" >#{distribution_id} · grain' in page
    on = visitor.post(
        f"{ORG}/governance/power?lang=en",
        {"power": "on", "cap": "2", "basis": "distribution", "distribution_id": "1"},
    )
    assert "The power from contribution is saved." in on.text
    assert (
        "a vote weighs 1 + what distribution #1 paid its voter / the average it paid a member, "
        "at most 2 votes" in on.text
    )
    pid = open_consent(community, method="vote")
    french = visitor.get(f"{ORG}/proposals/{pid}?lang=fr").text
    assert "1 + ce que la répartition n° 1 a versé à la personne qui vote" in french
    log = visitor.get(f"{ORG}/decisions?lang=fr").text
    assert "au plus 2 voix, une de plus par versement moyen de la répartition n° 1" in log


def test_a_role_the_scheduler_ended_reads_in_the_log(
    visitor: Visitor, community: Community
) -> None:
    c = community
    passed(c, {"kind": "fill_role", "name": "Trésorière", "holder_id": c.chloe.member.id,
               "term_days": 1})  # fmt: skip
    c.clock.advance(days=1)
    report = scheduler.run_due(c.uow, now=c.clock())
    assert report.total("roles_ended") == 1
    visitor.sign_in("dario")
    log = visitor.get(f"{ORG}/decisions?lang=fr").text
    assert "Un rôle a pris fin : Trésorière (mandat terminé)" in log
