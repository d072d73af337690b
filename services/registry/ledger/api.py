import uuid
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from pydantic import BaseModel

from services.registry.deps import DbSession, permit
from services.registry.ledger import service
from shared import audit
from shared.access import Access
from shared.audit import AuditAction
from shared.errors import InvalidInput
from shared.spreadsheets import XLSX, download
from shared.web import file_responses

router = APIRouter(prefix="/ledger", tags=["ledger 台账导入导出"])
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
Admin = Annotated[Access, permit("ledger.transfer")]


class ImportResult(BaseModel):
    imported: int


async def _content(file: UploadFile) -> bytes:
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidInput("文件超过20MB / the file is larger than 20 MB", field="file")
    return content


@router.post(
    "/enterprises/import", summary="导入企业台账 / import enterprises from .xlsx or .csv (all or nothing)"
)
async def import_enterprises(
    file: Annotated[UploadFile, File(description=".xlsx or UTF-8/GBK .csv with the export's headers")],
    session: DbSession,
    user: Admin,
    zone_id: Annotated[uuid.UUID | None, Query(description="zone whose grid codes the sheet uses")] = None,
) -> ImportResult:
    content = await _content(file)
    return ImportResult(imported=service.import_enterprises(session, content, file.filename, zone_id, user))


@router.post("/people/import", summary="导入人员台账 / import people from .xlsx or .csv (all or nothing)")
async def import_people(file: Annotated[UploadFile, File()], session: DbSession, user: Admin) -> ImportResult:
    content = await _content(file)
    return ImportResult(imported=service.import_people(session, content, file.filename, user))


@router.get(
    "/enterprises.xlsx",
    response_class=Response,
    responses=file_responses(XLSX),
    summary="导出企业台账 / the enterprise ledger as Excel",
)
def export_enterprises(
    request: Request, session: DbSession, user: Admin, zone_id: Annotated[uuid.UUID | None, Query()] = None
) -> Response:
    audit.record(session, user, AuditAction.export, f"enterprise-ledger:zone={zone_id}", request)
    return download(service.export_enterprises(session, zone_id), XLSX, "enterprise-ledger.xlsx")
