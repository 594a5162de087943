"""Bulk imports of transactions over HTTP: upload a platform's export, read the report.

``POST /api/orgs/{slug}/transactions/imports`` takes the file as a multipart upload (field
``file``) or as the raw body (``Content-Type: text/csv`` or ``application/x-ndjson``), runs
the import, and answers with the report and its first refused rows: 201 when it ran, 200
for a dry run. A file that cannot be read, or whose header is wrong, is a 422 with nothing
written; a file already imported in full is a 409 (``import.already_done``). Posting the
same file again after an interrupted import resumes it.

``GET /api/orgs/{slug}/transactions/imports/{id}`` gives the report and a page of its
refused rows (``limit``, ``offset``).
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from typing import IO, Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from partage.api.context import Now, OrgActor, PathId, Units
from partage.api.errors import ERROR_RESPONSES, ApiRoute
from partage.core.errors import InvalidInput
from partage.services import transaction_import
from partage.services.transaction_import import ImportReport

MiB = 1024 * 1024
SPOOL = 8 * MiB  # an upload above this is kept in a temporary file, not in memory


class BulkImportRoute(ApiRoute):
    """An export of a platform may be large: up to 512 MiB (the CLI reads any size)."""

    max_body = 512 * MiB


router = APIRouter(
    prefix="/orgs/{slug}/transactions/imports",
    tags=["transactions"],
    route_class=BulkImportRoute,
    responses=ERROR_RESPONSES,
)


class RowErrorOut(BaseModel):
    row: int
    field: str
    code: str
    message: str


class ImportReportOut(BaseModel):
    id: int | None
    file_name: str
    sha256: str
    format: str
    status: str
    rows: int
    posted: int
    failed: int
    read: int
    resumed_at: int
    dry_run: bool
    error_count: int
    errors: list[RowErrorOut]
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, report: ImportReport) -> ImportReportOut:
        return cls(
            id=report.id,
            file_name=report.file_name,
            sha256=report.sha256,
            format=report.format,
            status=report.status,
            rows=report.rows,
            posted=report.posted,
            failed=report.failed,
            read=report.read,
            resumed_at=report.resumed_at,
            dry_run=report.dry_run,
            error_count=report.error_count,
            errors=[
                RowErrorOut(row=e.row, field=e.field, code=e.code, message=e.message)
                for e in report.errors
            ],
            started_at=report.started_at,
            finished_at=report.finished_at,
        )


async def _upload(request: Request, name: str | None) -> tuple[IO[bytes], str]:
    """The uploaded file, spooled to disk when large, and its name."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("import.no_file", "send the export as the form field 'file'", "file")
        return upload.file, name or upload.filename or "upload.csv"
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 - closed by the caller
    async for chunk in request.stream():
        spool.write(chunk)
    spool.seek(0)
    default = "upload.jsonl" if "json" in kind else "upload.csv"
    return spool, name or default


@router.post(
    "",
    status_code=201,
    summary="Import transactions from a CSV or JSON-lines export (admin)",
    response_model=ImportReportOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_file(
    request: Request,
    response: Response,
    actor: OrgActor,
    uow: Units,
    now: Now,
    format: Annotated[
        str | None, Query(description="csv or jsonl (default: from the name or content type)")
    ] = None,
    name: Annotated[str | None, Query(max_length=500, description="the file's name")] = None,
    dry_run: Annotated[bool, Query(description="check and split every row; write nothing")] = False,
    batch: Annotated[
        int, Query(ge=1, le=transaction_import.MAX_BATCH, description="rows committed together")
    ] = transaction_import.DEFAULT_BATCH,
) -> ImportReportOut:
    """Each row is checked as one transaction is; refused rows are reported, the others
    posted, batch by batch."""
    stream, file_name = await _upload(request, name)
    try:
        report = await run_in_threadpool(
            lambda: transaction_import.import_transactions(
                uow,
                actor=actor,
                stream=stream,  # type: ignore[arg-type]
                file_name=file_name,
                format=format,
                dry_run=dry_run,
                batch=batch,
                now=now,
            )
        )
    finally:
        stream.close()
    if dry_run:
        response.status_code = 200
    return ImportReportOut.of(report)


@router.get("/{import_id}", summary="An import's report and a page of its refused rows")
def report(
    import_id: PathId,
    actor: OrgActor,
    uow: Units,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ImportReportOut:
    with uow(readonly=True) as u:
        found = transaction_import.import_report(
            u, actor=actor, import_id=import_id, limit=limit, offset=offset
        )
    return ImportReportOut.of(found)
