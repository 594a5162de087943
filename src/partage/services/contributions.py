"""Recording contributions one by one or from a CSV file.

An import is all or nothing: every row is checked first and the report lists every bad row
with its line number and the rule it breaks; if any row is bad, nothing is written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from partage.core.claims import clean_text
from partage.core.community import Contribution, check_link, check_name, parse_decimal
from partage.core.errors import DomainError, InvalidInput
from partage.core.roles import Role, require_participant
from partage.services.context import Actor, UnitOfWork
from partage.storage.contributions_repo import NewContribution

MAX_HOURS = Decimal(10_000)
MAX_IMPORT_BYTES = 10 * 1024 * 1024
CSV_COLUMNS = ("member", "activity", "date", "hours", "quantity", "description", "link")


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    field: str | None
    message: str
    code: str = "import.bad_row"


@dataclass(frozen=True, slots=True)
class ImportReport:
    imported: int
    errors: tuple[RowError, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_day(value: str | date, *, field: str = "date") -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            "date.bad", f"{field} must be a date such as 2026-03-14", field
        ) from None


def _check(
    actor: Actor,
    *,
    member_id: int,
    activity: str,
    occurred_on: str | date,
    hours: str | Decimal | None,
    quantity: str | Decimal | None,
    description: str,
    link: str | None,
    today: date,
) -> NewContribution:
    day = parse_day(occurred_on)
    if day > today:
        raise InvalidInput("contribution.future", "a contribution is recorded once done", "date")
    worked = (
        None
        if hours in (None, "")
        else parse_decimal(hours or "", field="hours", places=2, maximum=MAX_HOURS)
    )
    amount = (
        None
        if quantity in (None, "")
        else parse_decimal(quantity or "", field="quantity", places=6, maximum=Decimal(10**12))
    )
    if worked is None and amount is None:
        raise InvalidInput("contribution.no_measure", "give hours or a quantity", field="hours")
    return NewContribution(
        member_id=member_id,
        activity=check_name(activity, field="activity", limit=100),
        occurred_on=day,
        hours=worked,
        quantity=amount,
        description=clean_text(description, field="description", required=False),
        link=check_link(link),
    )


def _target_member(uow: UnitOfWork, actor: Actor, member_id: int | None) -> int:
    """Members record their own contributions; admins may record them for anyone."""
    if member_id is None or member_id == actor.member.id:
        return actor.member.id
    if actor.role is not Role.ADMIN:
        raise InvalidInput(
            "contribution.other_member",
            "only an admin records a contribution for someone else",
            "member",
        )
    if uow.community.member(actor.org_id, member_id) is None:
        raise InvalidInput("contribution.unknown_member", f"no member #{member_id}", "member")
    return member_id


def record(
    uow: UnitOfWork,
    *,
    actor: Actor,
    activity: str,
    occurred_on: str | date,
    now: datetime,
    hours: str | Decimal | None = None,
    quantity: str | Decimal | None = None,
    description: str = "",
    link: str | None = None,
    member_id: int | None = None,
) -> Contribution:
    require_participant(actor.role)
    who = _target_member(uow, actor, member_id)
    item = _check(
        actor,
        member_id=who,
        activity=activity,
        occurred_on=occurred_on,
        hours=hours,
        quantity=quantity,
        description=description,
        link=link,
        today=now.date(),
    )
    [new_id] = uow.contributions.add_many(actor.org_id, [item], by=actor.member.id, now=now)
    uow.commit()
    found = uow.contributions.get(actor.org_id, new_id)
    assert found is not None
    return found


def find(
    uow: UnitOfWork,
    *,
    actor: Actor,
    member_id: int | None = None,
    activity: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
) -> list[Contribution]:
    return uow.contributions.find(
        actor.org_id,
        member_id=member_id,
        activity=activity or None,
        since=parse_day(since, field="since") if since else None,
        until=parse_day(until, field="until") if until else None,
    )


def import_csv(uow: UnitOfWork, *, actor: Actor, data: bytes, now: datetime) -> ImportReport:
    """Import contributions from CSV (header: member,activity,date,hours,quantity,description,link).

    ``member`` is a member's number or exact name. All rows are checked before any is written.
    """
    require_admin_or_self = actor.role is Role.ADMIN
    require_participant(actor.role)
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput("import.too_large", "the file is larger than 10 MB", field="file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("import.encoding", "the file is not UTF-8 text", field="file") from None
    if "\x00" in text:
        raise InvalidInput(
            "import.nul", "the file contains NUL characters: is it really CSV?", "file"
        )
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("member", "activity", "date") if c not in header]
    if missing:
        raise InvalidInput(
            "import.bad_header",
            f"the first line must name the columns; missing: {', '.join(missing)} "
            f"(expected {','.join(CSV_COLUMNS)})",
            field="file",
        )
    members = uow.community.members(actor.org_id)
    by_name = {m.name.lower(): m.id for m in members}
    by_id = {m.id for m in members}
    items: list[NewContribution] = []
    errors: list[RowError] = []
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InvalidInput(
            "import.malformed", f"the CSV is malformed: {exc}", field="file"
        ) from None
    if not rows:
        raise InvalidInput("import.empty", "the file has no rows", field="file")
    for index, raw in enumerate(rows, start=2):
        row = {
            (k or "").strip().lower(): (v or "").strip() if isinstance(v, str) else ""
            for k, v in raw.items()
        }
        if None in raw:
            errors.append(
                RowError(
                    index, None, "this row has more cells than the header", "import.extra_cells"
                )
            )
            continue
        who = row.get("member", "")
        member_id = int(who) if who.isdigit() and int(who) in by_id else by_name.get(who.lower())
        if member_id is None:
            errors.append(RowError(index, "member", f"no member '{who}'", "import.unknown_member"))
            continue
        if member_id != actor.member.id and not require_admin_or_self:
            errors.append(
                RowError(
                    index,
                    "member",
                    "only an admin imports others' contributions",
                    "contribution.other_member",
                )
            )
            continue
        try:
            items.append(
                _check(
                    actor,
                    member_id=member_id,
                    activity=row.get("activity", ""),
                    occurred_on=row.get("date", ""),
                    hours=row.get("hours") or None,
                    quantity=row.get("quantity") or None,
                    description=row.get("description", ""),
                    link=row.get("link") or None,
                    today=now.date(),
                )
            )
        except DomainError as exc:
            errors.append(RowError(index, exc.field, exc.message, exc.code))
    if errors:
        return ImportReport(0, tuple(errors))
    uow.contributions.add_many(actor.org_id, items, by=actor.member.id, now=now)
    uow.commit()
    return ImportReport(len(items))
