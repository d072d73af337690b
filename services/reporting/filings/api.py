import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile, status

from services.reporting.deps import DbSession, permit
from services.reporting.filings import exports, service
from services.reporting.filings.schemas import AttachmentOut, FilingIn, FilingOut, FilingStatus
from services.reporting.settings import get_reporting_settings
from shared import audit, uploads
from shared.access import Access
from shared.audit import AuditAction
from shared.dossier import ReportingSection
from shared.events.contracts.reporting import ReportKind
from shared.pagination import Page, PageQuery
from shared.periods import REPORTING_PERIOD_PATTERN
from shared.spreadsheets import XLSX, download
from shared.web import body_limit, file_responses

router = APIRouter(prefix="/filings", tags=["filings 报告报送"])
units_router = APIRouter(prefix="/units", tags=["filings 报告报送"])
Filer = Annotated[Access, permit("filing.submit")]
UnitReader = Annotated[Access, permit("unit.read")]
StatisticsReader = Annotated[Access, permit("statistics.read")]
Exporter = Annotated[Access, permit("hazard.export")]
FilingPeriod = Annotated[
    str, Query(description="2026-11, 2026-Q3 or 2026, matching the kind", pattern=REPORTING_PERIOD_PATTERN)
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="报送报告 / file a report (a new version if filed before)",
)
def file_report(data: FilingIn, session: DbSession, user: Filer) -> FilingOut:
    return FilingOut.model_validate(service.file_report(session, data, user))


@router.get("", summary="某单位的报告及各版本 / a unit's filings, every version")
def list_filings(
    session: DbSession,
    user: UnitReader,
    page: PageQuery,
    unit_id: uuid.UUID,
    kind: ReportKind | None = None,
) -> Page[FilingOut]:
    return service.filings_of(session, user, unit_id, kind, page).map(FilingOut.model_validate)


@router.get(
    ".xlsx",
    response_class=Response,
    responses=file_responses(XLSX),
    summary="报送记录 Excel / a unit's filings, every version (an enterprise downloads its own)",
)
def filings_xlsx(request: Request, session: DbSession, user: Exporter, unit_id: uuid.UUID) -> Response:
    unit, filings = service.all_filings_of(session, user, unit_id)
    audit.record(session, user, AuditAction.export, f"filings:{unit_id}", request)
    return download(exports.filings_xlsx(unit.name, filings), XLSX, f"报告报送记录_{unit.name}.xlsx")


@router.get("/status", summary="报送情况 / who filed on time, late or not at all")
def filing_status(
    session: DbSession,
    user: StatisticsReader,
    kind: ReportKind,
    period: FilingPeriod,
) -> FilingStatus:
    return service.filing_status(session, user, kind, period)


@router.get(
    "/status.xlsx",
    response_class=Response,
    responses=file_responses(XLSX),
    summary="报送情况 Excel / the filing status as a spreadsheet",
)
def filing_status_xlsx(
    request: Request,
    session: DbSession,
    user: StatisticsReader,
    kind: ReportKind,
    period: FilingPeriod,
) -> Response:
    found = service.filing_status(session, user, kind, period)
    audit.record(session, user, AuditAction.export, f"filing-status:{kind}:{found.period}", request)
    content = exports.filing_status_xlsx(found, service.grid_names(session))
    return download(content, XLSX, f"报送情况_{kind}_{found.period}.xlsx")


@router.post(
    "/{filing_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    summary="上传附件 / attach a scan, photo or PDF",
    openapi_extra=body_limit(get_reporting_settings().upload_max_bytes),
)
def add_attachment(
    filing_id: uuid.UUID,
    file: Annotated[UploadFile, File()],
    told: Annotated[uploads.Told, Depends(uploads.told_by_form)],
    session: DbSession,
    user: Filer,
) -> AttachmentOut:
    content = file.file.read(get_reporting_settings().upload_max_bytes + 1)
    upload = uploads.Upload(file.filename or "file", content, told)
    return AttachmentOut.model_validate(service.add_attachment(session, filing_id, upload, user))


@router.get("/{filing_id}/attachments", summary="报告附件 / a filing's attachments")
def list_attachments(
    filing_id: uuid.UUID, session: DbSession, user: UnitReader, page: PageQuery
) -> Page[AttachmentOut]:
    return service.attachments_of(session, filing_id, user, page).map(AttachmentOut.model_validate)


@router.get(
    "/{filing_id}/attachments/{attachment_id}",
    response_class=Response,
    responses=file_responses(*uploads.DOWNLOAD_TYPES),
    summary="下载附件 / download an attachment",
)
def download_attachment(
    filing_id: uuid.UUID, attachment_id: uuid.UUID, request: Request, session: DbSession, user: UnitReader
) -> Response:
    attachment = service.attachment(session, filing_id, attachment_id, user)
    audit.record(session, user, AuditAction.download, f"filing-attachment:{attachment_id}", request)
    return uploads.download(attachment)


@units_router.get("/{unit_id}/dossier", summary="一企一档(报送部分)/ the unit's filings, newest first")
def dossier_section(unit_id: uuid.UUID, session: DbSession, user: UnitReader) -> ReportingSection:
    return service.dossier_section(session, user, unit_id)
