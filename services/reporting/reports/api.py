from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.reporting.deps import DbSession, permit
from services.reporting.reports import service
from shared import audit
from shared.access import Access
from shared.audit import AuditAction
from shared.periods import MONTH_PATTERN, REPORTING_PERIOD_PATTERN, parse_month, parse_period
from shared.spreadsheets import XLSX, download
from shared.web import file_responses

router = APIRouter(prefix="/reports", tags=["reports 报表"])
StatisticsReader = Annotated[Access, permit("statistics.read")]
QuarterOrYear = Annotated[
    str, Query(description="季度或年度 / 2026-Q3 or 2026 (begun)", pattern=REPORTING_PERIOD_PATTERN)
]


@router.get(
    "/monthly.pdf",
    response_class=Response,
    responses=file_responses("application/pdf"),
    summary="月报 PDF / the committee's monthly report (a month that has begun; else 422)",
)
def monthly_report(
    request: Request,
    session: DbSession,
    user: StatisticsReader,
    month: Annotated[str, Query(description="2026-11", pattern=MONTH_PATTERN)],
) -> Response:
    chosen = parse_month(month)
    pdf = service.monthly_report_pdf(session, user, chosen)
    audit.record(session, user, AuditAction.export, f"monthly-report:{chosen.label}", request)
    return download(pdf, "application/pdf", f"安全生产网格化监管月报_{chosen.label}.pdf")


@router.get(
    "/hazard-statistics.pdf",
    response_class=Response,
    responses=file_responses("application/pdf"),
    summary="隐患排查治理统计分析表 PDF / the quarterly or annual statistics of order No. 16 art. 14",
)
def statistics_form_pdf(
    request: Request, session: DbSession, user: StatisticsReader, period: QuarterOrYear
) -> Response:
    form = service.statistics_form(session, user, parse_period(period))
    audit.record(session, user, AuditAction.export, f"hazard-statistics-form:{form.period}", request)
    return download(
        service.statistics_form_pdf(form), "application/pdf", f"隐患排查治理统计分析表_{form.period}.pdf"
    )


@router.get(
    "/hazard-statistics.xlsx",
    response_class=Response,
    responses=file_responses(XLSX),
    summary="隐患排查治理统计分析表 Excel / the same as a spreadsheet",
)
def statistics_form_xlsx(
    request: Request, session: DbSession, user: StatisticsReader, period: QuarterOrYear
) -> Response:
    form = service.statistics_form(session, user, parse_period(period))
    audit.record(session, user, AuditAction.export, f"hazard-statistics-form:{form.period}", request)
    return download(service.statistics_form_xlsx(form), XLSX, f"隐患排查治理统计分析表_{form.period}.xlsx")
