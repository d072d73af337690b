from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy.orm import Session

from services.reporting.background.service import EXPORT_HAZARD_LEDGER, jobs
from services.reporting.deps import DbSession, permit
from services.reporting.settings import get_reporting_settings
from services.reporting.statistics import exports, service
from services.reporting.statistics.schemas import (
    Dashboard,
    GroupBy,
    HazardStatistics,
    InspectionCoverage,
    TrainingStatistics,
    UnitCounts,
)
from shared import audit
from shared.access import Access
from shared.audit import AuditAction
from shared.jobs import JobOut
from shared.pagination import PageQuery, PageRequest
from shared.periods import REPORTING_PERIOD_PATTERN, parse_period
from shared.spreadsheets import XLSX, download
from shared.web import file_responses

router = APIRouter(tags=["statistics 统计"])

PeriodQuery = Annotated[
    str, Query(description="统计期 / 2026-11, 2026-Q3 or 2026", pattern=REPORTING_PERIOD_PATTERN)
]
StatisticsReader = Annotated[Access, permit("statistics.read")]


def _whole_table(session: Session, user: Access, period: str, group_by: GroupBy) -> HazardStatistics:
    """The table for the downloads: as many groups as one page may hold (STATISTICS_MAX_ROWS)."""
    page = PageRequest(cursor=None, limit=get_reporting_settings().statistics_max_rows)
    return service.hazard_statistics(session, user, parse_period(period), group_by, page)


@router.get("/statistics/hazards", summary="隐患统计 / hazards found in a period and what became of them")
def hazard_statistics(
    session: DbSession,
    user: StatisticsReader,
    period: PeriodQuery,
    page: PageQuery,
    group_by: GroupBy = GroupBy.zone,
) -> HazardStatistics:
    return service.hazard_statistics(session, user, parse_period(period), group_by, page)


@router.get(
    "/statistics/hazards.xlsx",
    response_class=Response,
    responses=file_responses(XLSX),
    summary="隐患统计表 Excel / the same table as .xlsx",
)
def hazard_statistics_xlsx(
    request: Request,
    session: DbSession,
    user: StatisticsReader,
    period: PeriodQuery,
    group_by: GroupBy = GroupBy.zone,
) -> Response:
    stats = _whole_table(session, user, period, group_by)
    audit.record(session, user, AuditAction.export, f"hazard-statistics:{stats.period}:{group_by}", request)
    return download(exports.statistics_xlsx(stats), XLSX, f"隐患统计_{stats.period}_{group_by}.xlsx")


@router.get(
    "/statistics/hazards.csv",
    response_class=Response,
    responses=file_responses("text/csv"),
    summary="hazard statistics as CSV (UTF-8, English keys)",
)
def hazard_statistics_csv(
    request: Request,
    session: DbSession,
    user: StatisticsReader,
    period: PeriodQuery,
    group_by: GroupBy = GroupBy.zone,
) -> Response:
    stats = _whole_table(session, user, period, group_by)
    audit.record(session, user, AuditAction.export, f"hazard-statistics:{stats.period}:{group_by}", request)
    return download(
        exports.statistics_csv(stats), "text/csv; charset=utf-8", f"hazards_{stats.period}_{group_by}.csv"
    )


@router.get(
    "/statistics/inspections", summary="检查覆盖 / inspections done and missed, per grid and inspector"
)
def inspection_coverage(
    session: DbSession, user: StatisticsReader, period: PeriodQuery
) -> InspectionCoverage:
    return service.inspection_coverage(session, user, parse_period(period))


@router.get("/statistics/training", summary="培训考试宣传完成情况 / training recorded and missed, per unit")
def training_compliance(
    session: DbSession, user: StatisticsReader, period: PeriodQuery
) -> TrainingStatistics:
    return service.training_compliance(session, user, parse_period(period))


@router.get("/statistics/units", summary="辖区单位数 / how many units the zone supervises, by kind")
def unit_counts(session: DbSession, _: StatisticsReader) -> UnitCounts:
    by_kind = service.units_by_kind(session)
    return UnitCounts(total=sum(by_kind.values()), by_kind=by_kind)


@router.get("/dashboard", summary="全区概览 / the zone at a glance")
def dashboard(session: DbSession, user: StatisticsReader) -> Dashboard:
    return service.dashboard(session, user)


@router.post(
    "/exports/hazard-ledger",
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        status.HTTP_202_ACCEPTED: {"model": JobOut, "description": "已受理 / the job; follow /jobs/{id}"}
    },
    response_class=Response,
    summary="隐患台帐 Excel / the hazard ledger of a period (a job; the file at /jobs/{id}/result); "
    "an enterprise gets its own hazards",
)
def hazard_ledger(
    request: Request,
    session: DbSession,
    user: Annotated[Access, permit("hazard.export")],
    period: PeriodQuery,
) -> Response:
    chosen = parse_period(period)
    audit.record(session, user, AuditAction.export, f"hazard-ledger:{chosen.label}", request)
    return jobs.accepted(jobs.submit(session, user, EXPORT_HAZARD_LEDGER, {"period": period}))
