"""Contributions: record one, list them with filters, import many from a CSV file."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile

from partage.api.context import Now, OrgActor, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute, ImportRoute, InvalidItems
from partage.api.schemas import MAX_ID, ErrorItem, Text
from partage.api.schemas_community import ContributionIn, ContributionOut, ImportOut
from partage.core.errors import InvalidInput
from partage.services import contributions

PREFIX = "/orgs/{slug}/contributions"
router = APIRouter(
    prefix=PREFIX, tags=["contributions"], route_class=ApiRoute, responses=ERROR_RESPONSES
)
# Its own router because its body limit differs: a file may be up to 10 MiB.
import_router = APIRouter(
    prefix=PREFIX, tags=["contributions"], route_class=ImportRoute, responses=ERROR_RESPONSES
)


@router.get("", summary="Contributions, most recent first")
def list_contributions(
    actor: OrgActor,
    uow: Units,
    member: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    activity: Annotated[Text | None, Query(max_length=100)] = None,
    since: date | None = None,
    until: date | None = None,
) -> list[ContributionOut]:
    with uow(readonly=True) as u:
        found = contributions.find(
            u, actor=actor, member_id=member, activity=activity, since=since, until=until
        )
    return [ContributionOut.of(c) for c in found]


@router.post("", status_code=201, summary="Record a contribution")
def record_contribution(
    body: ContributionIn, actor: OrgActor, uow: Units, now: Now
) -> ContributionOut:
    with uow() as u:
        item = contributions.record(
            u,
            actor=actor,
            activity=body.activity,
            occurred_on=body.date,
            hours=body.hours,
            quantity=body.quantity,
            description=body.description,
            link=body.link,
            member_id=body.member,
            now=now,
        )
    return ContributionOut.of(item)


@import_router.post("/import", summary="Import contributions from a CSV file (all or nothing)")
def import_contributions(
    file: Annotated[UploadFile, File(description="CSV: " + ",".join(contributions.CSV_COLUMNS))],
    actor: OrgActor,
    uow: Units,
    now: Now,
) -> ImportOut:
    """Every row is checked first; if any is bad, nothing is imported and the 422 lists them."""
    data = file.file.read()
    if b"\x00" in data:
        # Python's csv module lets NUL through and PostgreSQL refuses it deep in the insert.
        raise InvalidInput("import.nul", "the file holds NUL bytes: it is not CSV text", "file")
    with uow() as u:
        report = contributions.import_csv(u, actor=actor, data=data, now=now)
    if not report.ok:
        raise InvalidItems(
            "import.invalid_rows",
            f"{len(report.errors)} row(s) break a rule; nothing was imported",
            "file",
            [ErrorItem(line=e.line, field=e.field, message=e.message) for e in report.errors],
        )
    return ImportOut(imported=report.imported)
