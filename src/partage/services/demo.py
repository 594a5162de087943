"""The demo community: a network of tiers-lieux that runs a contributive budget.

Twelve members in three colleges; a winter round closed, paid out in part; a spring round
open with claims in every state — one accepted, some in their window, one waived, one
redirected to a project, one under objection with its discussion. Loaded once: if the
organization exists, nothing is done (and a load that was interrupted says so). Times are
set relative to ``now`` so that the open round is always live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from partage.core.claims import Disposition
from partage.core.closing import MissionSpec, Policy, UnspentRule
from partage.core.community import LegalForm, MemberKind
from partage.core.currency import iso_currency
from partage.core.errors import Conflict
from partage.core.roles import Role
from partage.core.rounds import Rate
from partage.services import contributions, ledger, organizations, rounds
from partage.services.accounts import find_or_create_user
from partage.services.context import Actor, UnitOfWorkFactory, acting
from partage.services.demo_flows import load_flows
from partage.storage.contributions_repo import NewContribution

DEMO_SLUG = "tiers-lieux-drome"
DEMO_PASSWORD = "demo-partage"  # noqa: S105 - the demo's published password
DEMO_ADMIN = "camille@demo.partage.example"

# name, kind, role, college, email local part
MEMBERS: tuple[tuple[str, MemberKind, Role, str, str], ...] = (
    ("La Fabrique du Val", MemberKind.ORGANISATION, Role.MEMBER, "Lieux", "fabrique"),
    ("Le Moulin partagé", MemberKind.ORGANISATION, Role.MEMBER, "Lieux", "moulin"),
    ("Café-atelier L'Établi", MemberKind.ORGANISATION, Role.MEMBER, "Lieux", "etabli"),
    ("Yasmine Benali", MemberKind.PERSON, Role.ADMIN, "Contributeurs·rices", "yasmine"),
    ("Théo Garnier", MemberKind.PERSON, Role.MEMBER, "Contributeurs·rices", "theo"),
    ("Inès Moreau", MemberKind.PERSON, Role.MEMBER, "Contributeurs·rices", "ines"),
    ("Lucas Perrin", MemberKind.PERSON, Role.MEMBER, "Contributeurs·rices", "lucas"),
    ("Awa Diallo", MemberKind.PERSON, Role.MEMBER, "Contributeurs·rices", "awa"),
    ("Marc Lefèvre", MemberKind.PERSON, Role.MEMBER, "Contributeurs·rices", "marc"),
    (
        "Coopérative Énergies Communes",
        MemberKind.ORGANISATION,
        Role.MEMBER,
        "Partenaires",
        "enercoop",
    ),
    ("Nadia Roux", MemberKind.PERSON, Role.OBSERVER, "Partenaires", "nadia"),
)


@dataclass(frozen=True, slots=True)
class DemoReport:
    created: bool
    slug: str
    admin_email: str
    password: str


def load(uow: UnitOfWorkFactory, *, now: datetime) -> DemoReport:
    with uow(readonly=True) as u:
        existing = u.community.organization_by_slug(DEMO_SLUG)
    if existing is not None:
        # The public page is turned on last: a demo without it was interrupted half-way.
        if not existing.public_page:
            raise Conflict(
                "demo.incomplete",
                "an earlier loading of the demo was interrupted; start again from an empty "
                "database (remove partage.db)",
            )
        return DemoReport(False, DEMO_SLUG, DEMO_ADMIN, DEMO_PASSWORD)
    start = now - timedelta(days=120)
    with uow() as u:
        user_id = find_or_create_user(
            u, email=DEMO_ADMIN, display_name="Camille Martin", password=DEMO_PASSWORD, now=start
        )
        admin = organizations.create_organization(
            u,
            name="Réseau des tiers-lieux de la Drôme",
            slug=DEMO_SLUG,
            currency=iso_currency("EUR"),
            legal_form=LegalForm.ASSOCIATION,
            founder_user_id=user_id,
            founder_name="Camille Martin",
            now=start,
        )
    for college, weight in (("Lieux", "40"), ("Contributeurs·rices", "40"), ("Partenaires", "20")):
        with uow() as u:
            organizations.add_college(u, actor=admin, name=college, weight=weight)
    people: dict[str, Actor] = {}
    for name, kind, role, college, local in MEMBERS:
        with uow() as u:
            member = organizations.add_member(
                u,
                actor=admin,
                name=name,
                kind=kind,
                role=role,
                college=college,
                now=start,
                email=f"{local}@demo.partage.example",
                password=DEMO_PASSWORD,
            )
        with uow(readonly=True) as u:
            people[local] = acting(u, slug=DEMO_SLUG, user_id=member.user_id or 0)
    with uow() as u:
        ledger.deposit(
            u,
            actor=admin,
            amount=1_200_000,
            memo="Subvention Région — appel à projets tiers-lieux 2026",
            now=start,
        )
    with uow() as u:
        ledger.deposit(
            u,
            actor=admin,
            amount=350_000,
            memo="Cotisations des lieux membres",
            now=start + timedelta(days=2),
        )

    _contributions(
        uow, people, today=(start + timedelta(days=20)).date(), now=start + timedelta(days=20)
    )
    _weekly_work(uow, admin, people, first=start.date(), now=now - timedelta(days=10))
    _winter_round(uow, admin, people, start=start + timedelta(days=25))
    _spring_round(uow, admin, people, start=now - timedelta(days=9))
    load_flows(uow, admin, people, start=start, now=now)
    with uow() as u:
        organizations.set_public_page(u, actor=admin, public=True)
    return DemoReport(True, DEMO_SLUG, DEMO_ADMIN, DEMO_PASSWORD)


def _contributions(
    uow: UnitOfWorkFactory, people: dict[str, Actor], *, today: date, now: datetime
) -> None:
    rows = (
        ("theo", "Animation", "6", "Animation de la rencontre régionale à Die"),
        ("ines", "Communication", "4.5", "Lettre d'information de janvier"),
        (
            "lucas",
            "Formation",
            "7",
            "Atelier « ouvrir un tiers-lieu » pour trois porteurs de projet",
        ),
        ("awa", "Animation", "3", "Permanence d'accueil des nouveaux lieux"),
        ("marc", "Outils numériques", "5.25", "Mise à jour de la cartographie des lieux"),
        ("yasmine", "Coordination", "8", "Préparation du budget contributif d'hiver"),
    )
    for local, activity, hours, text in rows:
        with uow() as u:
            contributions.record(
                u,
                actor=people[local],
                activity=activity,
                occurred_on=today - timedelta(days=3),
                hours=hours,
                description=text,
                now=now,
            )


# Work of the season, week after week: who, activity, hours, what, the shared documents it
# touched. In the contribution graph, work on the same document is linked, so the cred page
# shows cred flowing back to earlier work on it.
WEEKLY: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("ines", "Communication", "2", "Lettre d'information", ("lettre",)),
    ("marc", "Outils numériques", "3", "Cartographie des lieux", ("carte",)),
    ("awa", "Animation", "2.5", "Permanence d'accueil", ("guide-accueil",)),
    ("theo", "Animation", "4", "Rencontre d'un lieu", ("guide-accueil", "carte")),
    ("lucas", "Formation", "3", "Atelier porteurs de projet", ("guide-accueil",)),
    ("yasmine", "Coordination", "2", "Point mensuel du réseau", ("lettre",)),
)


def _weekly_work(
    uow: UnitOfWorkFactory,
    admin: Actor,
    people: dict[str, Actor],
    *,
    first: date,
    now: datetime,
) -> None:
    """A few contributions each week of the season, recorded in one statement."""
    items: list[NewContribution] = []
    day, n = first, 0
    while day < now.date():
        for k in range(3):
            if day + timedelta(days=k) > now.date():
                break
            local, activity, hours, text, documents = WEEKLY[(n + k * 2) % len(WEEKLY)]
            items.append(
                NewContribution(
                    member_id=people[local].member.id,
                    activity=activity,
                    occurred_on=day + timedelta(days=k),
                    hours=Decimal(hours),
                    quantity=None,
                    description=f"{text} — semaine {n + 1}",
                    link=None,
                    links=tuple(f"file:{d}" for d in documents),
                )
            )
        day += timedelta(days=7)
        n += 1
    with uow() as u:
        u.contributions.add_many(admin.org_id, items, by=admin.member.id, now=now)
        u.commit()


def _winter_round(
    uow: UnitOfWorkFactory, admin: Actor, people: dict[str, Actor], *, start: datetime
) -> None:
    with uow() as u:
        winter = rounds.open_round(
            u,
            actor=admin,
            name="Budget contributif — hiver 2026",
            envelope=600_000,
            window=timedelta(days=7),
            policy=Policy.PRO_RATA,
            unspent_rule=UnspentRule.ROLLOVER,
            now=start,
            missions=(
                MissionSpec("Animation du réseau", 300_000, people["yasmine"].member.id),
                MissionSpec("Communication", 100_000, people["ines"].member.id),
            ),
        )
    with uow(readonly=True) as u:
        missions = {
            m.name: m.id
            for m in rounds.view_round(u, actor=admin, round_id=winter.id, now=start).missions
        }
    claims = (
        (
            "theo",
            180_000,
            "Animation du réseau",
            "12 demi-journées d'animation des rencontres",
            "24",
        ),
        (
            "awa",
            150_000,
            "Animation du réseau",
            "Accueil des nouveaux lieux et suivi des adhésions",
            "12",
        ),
        (
            "ines",
            80_000,
            "Communication",
            "Lettres d'information et réseaux sociaux, trois mois",
            "11",
        ),
        ("lucas", 120_000, None, "Formations « ouvrir un tiers-lieu »", "16"),
        ("yasmine", 60_000, None, "Coordination du budget contributif", "8"),
        ("marc", 30_000, None, "Relecture de la charte des lieux", "4"),
        ("enercoop", 20_000, None, "Audit énergétique de deux lieux", None),
    )
    # Marc takes nothing for his part; the energy cooperative gives its share to the fund.
    choices = {
        "marc": (Disposition.WAIVE, None),
        "enercoop": (Disposition.REDIRECT, "project:fonds-solidaire"),
    }
    when = start + timedelta(hours=2)
    for local, amount, mission, text, hours in claims:
        disposition, target = choices.get(local, (Disposition.TAKE, None))
        with uow() as u:
            rounds.declare_claim(
                u,
                actor=people[local],
                round_id=winter.id,
                amount=amount,
                justification=text,
                now=when,
                mission_id=missions.get(mission) if mission else None,
                hours=hours,
                disposition=disposition,
                redirect_to=target,
            )
        when += timedelta(hours=5)
    close_at = start + timedelta(days=30)
    with uow() as u:
        rounds.close(u, actor=admin, round_id=winter.id, now=close_at)
    for local, reference in (
        ("theo", "VIR-2026-014"),
        ("awa", "VIR-2026-015"),
        ("ines", "VIR-2026-016"),
    ):
        with uow(readonly=True) as u:
            owed = ledger.balance_of(u, actor=admin, account=f"member:{people[local].member.id}")
        with uow() as u:
            ledger.pay_member(
                u,
                actor=admin,
                member_id=people[local].member.id,
                amount=owed.minor,
                reference=reference,
                now=close_at + timedelta(days=3),
            )


def _spring_round(
    uow: UnitOfWorkFactory, admin: Actor, people: dict[str, Actor], *, start: datetime
) -> None:
    with uow() as u:
        spring = rounds.open_round(
            u,
            actor=admin,
            name="Budget contributif — printemps 2026",
            envelope=500_000,
            window=timedelta(days=7),
            policy=Policy.PRO_RATA,
            unspent_rule=UnspentRule.ROLLOVER,
            now=start,
            # The network's reference grid (grille de tarifs), open to discussion.
            rates=(
                Rate("Animation", 3_000),
                Rate("Coordination", 3_000),
                Rate("Communication", 2_500),
                Rate("Formation", 4_000),
                Rate("Outils numériques", 3_500),
            ),
            missions=(
                MissionSpec("Rencontre régionale de juin", 250_000, people["theo"].member.id),
            ),
        )
    with uow(readonly=True) as u:
        mission_id = rounds.view_round(u, actor=admin, round_id=spring.id, now=start).missions[0].id

    def declare(local: str, amount: int, text: str, at: datetime, **extra: object) -> int:
        with uow() as u:
            return rounds.declare_claim(
                u,
                actor=people[local],
                round_id=spring.id,
                amount=amount,
                justification=text,
                now=at,
                **extra,  # type: ignore[arg-type]
            ).id

    declare(
        "awa",
        70_000,
        "Accueil et visites des lieux candidats",
        start + timedelta(hours=3),
        hours="10",
    )
    disputed = declare(
        "marc",
        240_000,
        "Refonte complète de la cartographie en ligne",
        start + timedelta(days=4),
        hours="20",
    )
    declare(
        "theo",
        150_000,
        "Programme et logistique de la rencontre de juin",
        start + timedelta(days=5),
        mission_id=mission_id,
        hours="20",
    )
    declare(
        "lucas",
        60_000,
        "Deux formations au Moulin partagé",
        start + timedelta(days=6),
        disposition=Disposition.REDIRECT,
        redirect_to="project:fonds-solidaire",
    )
    declare(
        "yasmine",
        40_000,
        "Coordination du printemps",
        start + timedelta(days=7),
        disposition=Disposition.WAIVE,
    )
    declare(
        "ines",
        42_000,
        "Affiches et programme de la rencontre",
        start + timedelta(days=8),
        mission_id=mission_id,
        hours="7",
    )
    with uow() as u:
        rounds.object_to_claim(
            u,
            actor=people["ines"],
            claim_id=disputed,
            reason=(
                "2 400 € représente presque la moitié de l'enveloppe : "
                "peut-on voir le détail des heures ?"
            ),
            now=start + timedelta(days=5, hours=2),
        )
    with uow() as u:
        rounds.comment(
            u,
            actor=people["marc"],
            claim_id=disputed,
            body=(
                "20 heures de développement et 4 jours de collecte des fiches auprès des lieux ; "
                "je détaille dans le pad."
            ),
            now=start + timedelta(days=5, hours=6),
        )
    with uow() as u:
        rounds.comment(
            u,
            actor=people["theo"],
            claim_id=disputed,
            body="Le travail est utile ; on pourrait étaler une partie sur le budget d'été ?",
            now=start + timedelta(days=6),
        )
