"""The hourly look at dated facts whose day has come (生效)."""

import structlog
from celery.schedules import crontab

from services.registry.effective.service import publish_due
from services.registry.runtime import runtime
from shared.clock import local_today
from shared.worker import job

log = structlog.get_logger(__name__)


# idempotent: each scheduled fact is published once, on its day or at the first run after it
@job(crontab(minute=2))  # hourly, so a day's changes are out within its first hour
def publish_effective_changes() -> int:
    today = local_today()
    with runtime.transaction() as session:
        published = publish_due(session, today)
    log.info("effective_changes.published", day=str(today), published=published)
    return published
