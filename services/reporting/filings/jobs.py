"""The scheduler's checks for reports soon due and not yet filed, and for reports not filed by their due date."""

import structlog
from celery.schedules import crontab

from services.reporting.filings.service import check_due, check_overdue
from services.reporting.runtime import runtime
from shared.clock import local_today
from shared.worker import job

log = structlog.get_logger(__name__)


# idempotent: report.due once per unit, kind and period
@job(3600.0)
def check_due_reports() -> int:
    day = local_today()
    with runtime.transaction() as session:
        published = check_due(session, day)
    log.info("reports.due_checked", day=str(day), published=published)
    return published


# idempotent: report.overdue once per unit, kind and period
@job(crontab(hour=0, minute=30))  # zone time, just after a due date has passed
def check_overdue_reports() -> int:
    day = local_today()
    with runtime.transaction() as session:
        published = check_overdue(session, day)
    log.info("reports.overdue_checked", day=str(day), published=published)
    return published
