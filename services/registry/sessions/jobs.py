"""Housekeeping of login sessions."""

import structlog
from celery.schedules import crontab

from services.registry.runtime import runtime
from services.registry.sessions.service import purge_expired
from shared.worker import job

log = structlog.get_logger(__name__)


@job(crontab(hour=3, minute=30))  # zone time
def purge_refresh_tokens() -> int:
    with runtime.transaction() as session:
        deleted = purge_expired(session)
    log.info("refresh_tokens.purged", deleted=deleted)
    return deleted
