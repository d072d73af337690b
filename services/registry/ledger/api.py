"""Ledger import and export (台账导入导出): each a background job (shared/jobs.py), answered 202."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status

from services.registry.background.service import EXPORT_ENTERPRISES, IMPORT_ENTERPRISES, IMPORT_PEOPLE, jobs
from services.registry.deps import DbSession, permit
from services.registry.ledger import service
from services.registry.settings import get_registry_settings
from shared import audit
from shared.access import Access
from shared.audit import AuditAction
from shared.errors import InvalidInput, TooLarge
from shared.jobs import JobOut
from shared.web import body_limit

router = APIRouter(prefix="/ledger", tags=["ledger 台账导入导出"])
Admin = Annotated[Access, permit("ledger.transfer")]
MAX_BYTES = get_registry_settings().ledger_import_max_bytes
ACCEPTED: dict[int | str, dict[str, Any]] = {
    status.HTTP_202_ACCEPTED: {"model": JobOut, "description": "已受理 / the job, queued; follow /jobs/{id}"}
}
FileField = Annotated[UploadFile, File(description=".xlsx or UTF-8/GBK .csv with the export's headers")]


def _content(file: UploadFile, people: bool = False) -> bytes:
    """The file, refused at once if too large, empty, not a spreadsheet or missing a column."""
    content = file.file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise TooLarge(
            f"文件超过{MAX_BYTES:,}字节 / the file is larger than {MAX_BYTES:,} bytes", field="file"
        )
    if not content:
        raise InvalidInput("文件为空 / the file is empty", field="file")
    service.check_ledger(content, file.filename, people)
    return content


@router.post(
    "/enterprises/import",
    summary="导入企业台账 / import enterprises from .xlsx or .csv (a job: all or nothing)",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACCEPTED,
    response_class=Response,
    openapi_extra=body_limit(MAX_BYTES),
)
def import_enterprises(
    file: FileField,
    session: DbSession,
    user: Admin,
    zone_id: Annotated[uuid.UUID | None, Query(description="zone whose grid codes the sheet uses")] = None,
) -> Response:
    """Queued as a job; `GET /jobs/{id}` then says `succeeded` with `summary.imported`, or `failed`
    with every refused cell by row and column (nothing imported)."""
    params = {"zone_id": str(zone_id) if zone_id else None}
    return jobs.accepted(
        jobs.submit(session, user, IMPORT_ENTERPRISES, params, _content(file), file.filename)
    )


@router.post(
    "/people/import",
    summary="导入人员台账 / import people from .xlsx or .csv (a job: all or nothing)",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACCEPTED,
    response_class=Response,
    openapi_extra=body_limit(MAX_BYTES),
)
def import_people(file: FileField, session: DbSession, user: Admin) -> Response:
    return jobs.accepted(
        jobs.submit(session, user, IMPORT_PEOPLE, {}, _content(file, people=True), file.filename)
    )


@router.post(
    "/enterprises/export",
    status_code=status.HTTP_202_ACCEPTED,
    responses=ACCEPTED,
    response_class=Response,
    summary="导出企业台账 / the enterprise ledger as Excel (a job; the file at /jobs/{id}/result)",
)
def export_enterprises(
    request: Request, session: DbSession, user: Admin, zone_id: Annotated[uuid.UUID | None, Query()] = None
) -> Response:
    audit.record(session, user, AuditAction.export, f"enterprise-ledger:zone={zone_id}", request)
    params = {"zone_id": str(zone_id) if zone_id else None}
    return jobs.accepted(jobs.submit(session, user, EXPORT_ENTERPRISES, params))
