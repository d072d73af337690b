"""The scheduler's delivery jobs: send what stalled, and the daily digest."""

import structlog
from celery.schedules import crontab

from services.notifications.delivery import sending
from services.notifications.runtime import runtime
from shared.clock import local_today
from shared.worker import job

log = structlog.get_logger(__name__)


# deliveries whose queue message was lost, or whose next retry is far off
@job(60.0)
def send_stalled_deliveries() -> int:
    with runtime.transaction() as session:
        queued = len(sending.stalled(session))
    if queued:
        log.info("deliveries.requeued", deliveries=queued)
    return queued


@job(crontab(hour=8, minute=0))  # zone time: yesterday's ordinary notices in one email
def send_digests() -> int:
    with runtime.transaction() as session:
        return sending.send_digests(session, local_today())
