import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.reporting.deps import DbSession, Supervisor
from services.reporting.filings import service
from services.reporting.filings.schemas import FilingIn, FilingOut, FilingStatus
from shared.auth import CurrentUser, UnitEditor
from shared.events.contracts.reporting import ReportKind

router = APIRouter(prefix="/filings", tags=["filings 报告报送"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="报送报告 / file a report (a new version if filed before)",
)
def file_report(data: FilingIn, session: DbSession, user: UnitEditor) -> FilingOut:
    return FilingOut.model_validate(service.file_report(session, data, user))


@router.get("", summary="某单位的报告及各版本 / a unit's filings, every version")
def list_filings(
    session: DbSession,
    user: CurrentUser,
    unit_id: uuid.UUID,
    kind: ReportKind | None = None,
) -> list[FilingOut]:
    return [FilingOut.model_validate(f) for f in service.filings_of(session, user, unit_id, kind)]


@router.get("/status", summary="报送情况 / who filed on time, late or not at all")
def filing_status(
    session: DbSession,
    user: Supervisor,
    kind: ReportKind,
    period: Annotated[str, Query(description="2026-11, 2026-Q3 or 2026, matching the kind")],
) -> FilingStatus:
    return service.filing_status(session, user, kind, period)
