"""Subscriptions and licences: a recurring fee per member, by status, charged each period.

A plan charges a fee every period (month, quarter or year) to each member subscribed to it;
the fee depends on the status the member subscribed with (a producer pays 30 €, a
distributor 50 €). Periods are counted from the subscription's first day: the k-th period
starts k months (3k, 12k) after it, on the same day of the month, or the month's last day
when the month is shorter (a subscription from 31 January renews on 28 or 29 February, then
31 March) — computed from the first day each time, so that days never drift.

Guarantees:

* a period is due on its first day, and only while the subscription runs (its last day, when
  set, is the last day a period may start);
* :func:`due_periods` never returns a period already charged, whatever the order and
  frequency of the calls: each period is charged exactly once;
* fees are integers of the organization's currency, greater than zero, one per status.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from partage.core.errors import InvalidInput

_STATUS = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
MAX_PERIODS_AT_ONCE = 1200  # a century of months: beyond, the dates are surely a mistake


class Period(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "yearly": 12}[self.value]


def parse_period(value: str) -> Period:
    try:
        return Period(value.strip().lower())
    except ValueError:
        raise InvalidInput(
            "subscription.bad_period",
            "the period is monthly, quarterly or yearly",
            field="period",
        ) from None


def period_start(first_day: date, period: Period, k: int) -> date:
    """The first day of the k-th period (k = 0 is the subscription's first day)."""
    months = first_day.month - 1 + k * period.months
    year, month = first_day.year + months // 12, months % 12 + 1
    day = min(first_day.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def due_periods(
    first_day: date,
    period: Period,
    *,
    charged: int,
    today: date,
    last_day: date | None = None,
) -> list[tuple[int, date]]:
    """The periods ``(k, first day)`` due by ``today`` and not charged yet.

    ``charged`` is how many periods were charged so far (periods 0 … charged − 1).
    """
    if charged < 0:
        raise ValueError("charged counts periods already charged")
    due: list[tuple[int, date]] = []
    k = charged
    while True:
        start = period_start(first_day, period, k)
        if start > today or (last_day is not None and start > last_day):
            return due
        due.append((k, start))
        if len(due) > MAX_PERIODS_AT_ONCE:
            raise InvalidInput(
                "subscription.too_many_periods",
                f"more than {MAX_PERIODS_AT_ONCE} periods are due at once: check the dates",
                field="starts_on",
            )
        k += 1


def check_fees(fees: Mapping[str, int]) -> dict[str, int]:
    """One fee per status, each a positive integer of minor units."""
    if not fees:
        raise InvalidInput(
            "subscription.no_fee", "a plan has at least one fee, e.g. member=10.00", "fees"
        )
    clean: dict[str, int] = {}
    for status, fee in fees.items():
        name = status.strip().lower()
        if not _STATUS.match(name):
            raise InvalidInput(
                "subscription.bad_status",
                f"status '{status[:40]}' is a lowercase name (letters, digits, - or _)",
                field="fees",
            )
        if isinstance(fee, bool) or not isinstance(fee, int) or fee <= 0:
            raise InvalidInput(
                "subscription.bad_fee", f"the fee for '{name}' is greater than zero", "fees"
            )
        if name in clean:
            raise InvalidInput(
                "subscription.duplicate_status", f"status '{name}' has two fees", field="fees"
            )
        clean[name] = fee
    return clean


@dataclass(frozen=True, slots=True)
class Plan:
    id: int
    name: str
    period: Period
    fees: Mapping[str, int]
    destination: str  # the account credited with the fees

    def fee_for(self, status: str) -> int:
        fee = self.fees.get(status)
        if fee is None:
            known = ", ".join(sorted(self.fees))
            raise InvalidInput(
                "subscription.unknown_status",
                f"plan '{self.name}' has no fee for status '{status}' (known: {known})",
                field="status",
            )
        return fee
