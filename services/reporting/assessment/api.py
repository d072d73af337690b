from typing import Annotated

from fastapi import APIRouter, Query

from services.reporting.assessment.schemas import Assessment
from services.reporting.assessment.service import monthly_assessment
from services.reporting.deps import DbSession, permit
from shared.access import Access
from shared.periods import MONTH_PATTERN, parse_month

router = APIRouter(tags=["assessment 考核"])

# The committee assesses its grid staff; leaders see the staff of their own grids.
Assessor = Annotated[Access, permit("assessment.read")]


@router.get("/assessment", summary="网格员月度考核 / monthly scores and ranking of grid staff, with details")
def assessment(
    session: DbSession,
    user: Assessor,
    month: Annotated[str, Query(description="2026-11", pattern=MONTH_PATTERN)],
) -> Assessment:
    return monthly_assessment(session, parse_month(month), user)
