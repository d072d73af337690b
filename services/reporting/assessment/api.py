from typing import Annotated

from fastapi import APIRouter, Query

from services.reporting.assessment.schemas import Assessment, EnterpriseCompliance
from services.reporting.assessment.service import enterprise_compliance, monthly_assessment
from services.reporting.deps import DbSession, permit
from shared.access import Access
from shared.pagination import Page, PageQuery
from shared.periods import MONTH_PATTERN, parse_month

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
