"""The scheduler's checks for reports soon due and not yet filed, and for reports not filed by their due date."""

import structlog

from services.reporting.filings.service import check_due, check_overdue
from services.reporting.worker import celery_app, runtime
from shared.clock import day_or_today, local_today

log = structlog.get_logger(__name__)


@celery_app.task(name="reporting.check_due_reports")
def check_due_reports() -> int:
    day = local_today()
    with runtime.transaction() as session:
        published = check_due(session, day)
    log.info("reports.due_checked", day=str(day), published=published)
    return published


@celery_app.task(name="reporting.check_overdue_reports")
def check_overdue_reports(today: str | None = None) -> int:
    day = day_or_today(today)
    with runtime.transaction() as session:
        published = check_overdue(session, day)
    log.info("reports.overdue_checked", day=str(day), published=published)
    return published
