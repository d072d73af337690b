from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.reporting.assessment.exports import assessment_xlsx
from services.reporting.assessment.schemas import Assessment, EnterpriseCompliance
from services.reporting.assessment.service import enterprise_compliance, monthly_assessment
from services.reporting.deps import DbSession, permit
from shared import audit
from shared.access import Access
from shared.audit import AuditAction
from shared.pagination import Page, PageQuery
from shared.periods import MONTH_PATTERN, parse_month
from shared.spreadsheets import XLSX, download
from shared.web import file_responses

router = APIRouter(tags=["assessment 考核"])

# The committee assesses its grid staff; leaders see the staff of their own grids.
Assessor = Annotated[Access, permit("assessment.read")]
StatisticsReader = Annotated[Access, permit("statistics.read")]
Month = Annotated[str, Query(description="2026-11", pattern=MONTH_PATTERN)]


@router.get("/assessment", summary="网格员月度考核 / monthly scores and ranking of grid staff, with details")
def assessment(session: DbSession, user: Assessor, month: Month) -> Assessment:
    return monthly_assessment(session, parse_month(month), user)


@router.get(
    "/assessment/enterprises",
    summary="企业自身职责落实 / each unit's own duties missed in the month (self-checks, trainings)",
)
def enterprises(
    session: DbSession, user: StatisticsReader, month: Month, page: PageQuery
) -> Page[EnterpriseCompliance]:
    return enterprise_compliance(session, parse_month(month), user, page)


@router.get(
    "/assessment.xlsx",
    response_class=Response,
    responses=file_responses(XLSX),
    summary="网格员考核 Excel / the month's ranking with the counts behind each score",
)
def assessment_spreadsheet(request: Request, session: DbSession, user: Assessor, month: Month) -> Response:
    found = monthly_assessment(session, parse_month(month), user)
    audit.record(session, user, AuditAction.export, f"assessment:{found.month}", request)
    return download(assessment_xlsx(found), XLSX, f"网格员考核_{found.month}.xlsx")
