import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile, status
from sqlalchemy.orm import Session

from services.inspections.deps import DbSession, permit
from services.inspections.inspection import service
from services.inspections.inspection.models import Inspection, InspectionFileTag
from services.inspections.inspection.schemas import (
    ChecklistIn,
    ChecklistOut,
    InspectionFileOut,
    InspectionIn,
    InspectionOut,
)
from services.inspections.request_keys.service import IdempotencyKey
from services.inspections.settings import get_inspections_settings
from shared import audit, uploads
from shared.access import Access
from shared.audit import AuditAction
from shared.pagination import Page, PageQuery
from shared.web import body_limit, file_responses

router = APIRouter(tags=["inspections 检查"])
Inspector = Annotated[Access, permit("inspection.record")]
Reader = Annotated[Access, permit("inspection.read")]


def _out(session: Session, inspection: Inspection) -> InspectionOut:
    return service.described(session, [inspection])[0]


@router.post(
    "/checklists", status_code=status.HTTP_201_CREATED, summary="发布检查表 / publish a checklist version"
)
def publish_checklist(
    data: ChecklistIn, session: DbSession, _: Annotated[Access, permit("catalogue.edit")]
) -> ChecklistOut:
    return ChecklistOut.model_validate(service.publish_checklist(session, data))


@router.get("/checklists", summary="检查表 / every checklist version")
def checklists(
    session: DbSession, _: Annotated[Access, permit("catalogue.read")], page: PageQuery
) -> Page[ChecklistOut]:
    return service.checklists(session, page).map(ChecklistOut.model_validate)


@router.post("/inspections", status_code=status.HTTP_201_CREATED, summary="检查记录 / record an inspection")
def record_inspection(
    data: InspectionIn,
    session: DbSession,
    user: Inspector,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> InspectionOut:
    inspection, created = service.record_inspection(session, data, user, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    return _out(session, inspection)


@router.get("/inspections", summary="检查记录 / inspections, newest recorded first (mine: my own)")
def list_inspections(
    session: DbSession,
    user: Reader,
    page: PageQuery,
    mine: Annotated[bool, Query(description="only those I recorded (我的检查)")] = False,
    unit_id: uuid.UUID | None = None,
) -> Page[InspectionOut]:
    found = service.list_inspections(session, user, page, mine=mine, unit_id=unit_id)
    return Page[InspectionOut](items=service.described(session, found.items), next=found.next)


@router.get("/inspections/{inspection_id}", summary="检查详情 / one inspection with its answers")
def get_inspection(inspection_id: uuid.UUID, session: DbSession, user: Reader) -> InspectionOut:
    return _out(session, service.get_inspection(session, inspection_id, user))


@router.post(
    "/inspections/{inspection_id}/files",
    status_code=status.HTTP_201_CREATED,
    summary="检查签名与照片 / keep a signature (PNG drawn on the phone) or a photo with an inspection",
    openapi_extra=body_limit(get_inspections_settings().evidence_max_bytes),
)
def add_file(
    inspection_id: uuid.UUID,
    file: Annotated[UploadFile, File()],
    tag: Annotated[InspectionFileTag, Form(description="检查人签名 / 受检单位签名 / 现场照片")],
    told: Annotated[uploads.Told, Depends(uploads.told_by_form)],
    session: DbSession,
    user: Inspector,
    response: Response,
    signer: Annotated[str | None, Form(max_length=100, description="签字人姓名 / who signed")] = None,
    idempotency_key: IdempotencyKey = None,
) -> InspectionFileOut:
    content = file.file.read(get_inspections_settings().evidence_max_bytes + 1)
    upload = uploads.Upload(file.filename or "file", content, told)
    signer = signer.strip() if signer else None
    record, created = service.add_file(session, inspection_id, upload, tag, signer, user, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    return InspectionFileOut.model_validate(record)


@router.get(
    "/inspections/{inspection_id}/files", summary="检查的签名与照片 / an inspection's files, oldest first"
)
def list_files(
    inspection_id: uuid.UUID, session: DbSession, user: Reader, page: PageQuery
) -> Page[InspectionFileOut]:
    return service.files_of(session, inspection_id, user, page).map(InspectionFileOut.model_validate)


@router.get(
    "/inspections/{inspection_id}/files/{file_id}",
    response_class=Response,
    responses=file_responses(*uploads.DOWNLOAD_TYPES),
    summary="下载签名或照片 / download one file",
)
def download_file(
    inspection_id: uuid.UUID, file_id: uuid.UUID, request: Request, session: DbSession, user: Reader
) -> Response:
    record = service.file_of(session, inspection_id, file_id, user)
    audit.record(session, user, AuditAction.download, f"inspection-file:{file_id}", request)
    return uploads.download(record)
