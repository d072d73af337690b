"""Housekeeping of idempotency keys."""

from datetime import timedelta

import structlog
from celery.schedules import crontab

from services.inspections.request_keys.service import forget_before
from services.inspections.runtime import runtime
from services.inspections.settings import get_inspections_settings
from shared.clock import utc_now
from shared.worker import job

log = structlog.get_logger(__name__)


@job(crontab(hour=3, minute=40))  # zone time
def forget_request_keys() -> int:
    kept_since = utc_now() - timedelta(days=get_inspections_settings().request_key_days)
    with runtime.transaction() as session:
        forgotten = forget_before(session, kept_since)
    log.info("request_keys.forgotten", forgotten=forgotten)
    return forgotten
