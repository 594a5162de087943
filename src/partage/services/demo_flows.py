"""The demo's value flows: the network's booking and training platform, its split rules,
four months of transactions with a refund, the places' quarterly membership fee, and the
time bank its members keep (one hour given, one hour to spend).

The network takes 8 % on the bookings of its places' rooms and 12 % + 0.50 € on the
trainings its contributors sell; 30 % of that commission goes to the impartible reserve and
20 % to the solidarity fund that helps new places open; 2 % of every sale fills the
contributors' pool, which a later distribution pays out.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from partage.core.splits.transactions import TransactionInput
from partage.services import subscriptions, transactions, units
from partage.services.context import Actor, UnitOfWorkFactory

RULES = {
    "commissions": {
        "lieu": {"rate": "8"},
        "formateur": {"rate": "12", "fixed": "0.50", "cap": "40"},
    },
    "splits": [
        {"of": "commission", "to": "reserve", "percent": "30", "label": "Réserve"},
        {
            "of": "commission",
            "to": "project:fonds-solidaire",
            "percent": "20",
            "label": "Fonds de solidarité",
        },
        {"of": "amount", "to": "pool:contributeurs", "percent": "2", "label": "Contributeurs"},
    ],
}
PLACES = ("fabrique", "moulin", "etabli")
TRAINERS = ("theo", "lucas", "awa", "ines")
BOOKINGS = (4_500, 8_000, 12_000, 25_000, 36_000)  # half a day of a room … a week-end
TRAININGS = (3_500, 6_000, 9_000, 15_000)


def load_flows(
    uow: UnitOfWorkFactory,
    admin: Actor,
    people: dict[str, Actor],
    *,
    start: datetime,
    now: datetime,
) -> int:
    """Post the demo's platform activity; returns the number of transactions."""
    with uow() as u:
        transactions.set_rules(
            u,
            actor=admin,
            document=RULES,
            effective_from=start.date(),
            note="Règles votées à l'assemblée de lancement de la plateforme",
            now=start,
        )
    draw = random.Random(2026)  # noqa: S311 — demo figures, not secrets
    count = 0
    first_booking = ""
    day = start + timedelta(days=3)
    while day < now - timedelta(days=1):
        for _ in range(draw.randint(0, 3)):
            booking = draw.random() < 0.6
            who = draw.choice(PLACES if booking else TRAINERS)
            count += 1
            reference = f"RESA-{count:04d}" if booking else f"FORM-{count:04d}"
            first_booking = first_booking or (reference if booking else "")
            with uow() as u:
                transactions.record_transaction(
                    u,
                    actor=admin,
                    tx=TransactionInput(
                        reference=reference,
                        amount=draw.choice(BOOKINGS if booking else TRAININGS),
                        currency="EUR",
                        status="lieu" if booking else "formateur",
                        payee=f"member:{people[who].member.id}",
                        occurred_at=day + timedelta(hours=draw.randint(8, 19)),
                        kind="booking" if booking else "training",
                        payer="client de la plateforme",
                    ),
                    now=day,
                )
        day += timedelta(days=1)
    with uow() as u:
        transactions.refund(
            u,
            actor=admin,
            of_reference=first_booking,
            reference="REMB-0001",
            amount=None,
            now=now - timedelta(days=1),
        )
    _membership_fee(uow, admin, people, start=start, now=now)
    _time_bank(uow, admin, people, start=start)
    return count


def _membership_fee(
    uow: UnitOfWorkFactory,
    admin: Actor,
    people: dict[str, Actor],
    *,
    start: datetime,
    now: datetime,
) -> None:
    with uow() as u:
        subscriptions.define_plan(
            u,
            actor=admin,
            name="Adhésion des lieux",
            period="quarterly",
            fees={"lieu": "90"},
            destination="operations",
            now=start,
        )
    for local in PLACES:
        with uow() as u:
            subscriptions.subscribe(
                u,
                actor=admin,
                plan="Adhésion des lieux",
                member_id=people[local].member.id,
                status="lieu",
                starts_on=start.date(),
                now=start,
            )
    with uow() as u:
        subscriptions.charge_due(u, actor=admin, now=now)


# giver, receiver, hours, service: what members gave each other, by the hour.
EXCHANGES = (
    ("marc", "ines", "2", "Mise en page de la lettre d'information"),
    ("awa", "theo", "1.5", "Garde d'enfants pendant une rencontre"),
    ("theo", "lucas", "3", "Aide au déménagement de l'atelier"),
    ("ines", "awa", "1", "Relecture d'un dossier de subvention"),
    ("lucas", "marc", "2.5", "Initiation à la soudure"),
    ("theo", "ines", "1", "Réparation d'un vélo"),
)


def _time_bank(
    uow: UnitOfWorkFactory, admin: Actor, people: dict[str, Actor], *, start: datetime
) -> None:
    with uow() as u:
        units.define_unit(
            u,
            actor=admin,
            code="HEURE",
            name="Banque de temps",
            kind="time",
            negative_limit="10",
            now=start,
        )
    for i, (giver, receiver, hours, service) in enumerate(EXCHANGES):
        with uow() as u:
            units.exchange(
                u,
                actor=people[receiver],
                code="HEURE",
                giver_id=people[giver].member.id,
                quantity=hours,
                service=service,
                now=start + timedelta(days=10 + 15 * i),
            )
