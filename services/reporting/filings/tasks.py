"""The scheduler's check for reports not filed by their due date."""

import structlog

from services.reporting.filings.service import check_overdue
from services.reporting.worker import celery_app, runtime
from shared.clock import local_today

log = structlog.get_logger(__name__)


@celery_app.task(name="reporting.check_overdue_reports")
def check_overdue_reports() -> int:
    day = local_today()
    with runtime.transaction() as session:
        published = check_overdue(session, day)
    log.info("reports.overdue_checked", day=str(day), published=published)
    return published
