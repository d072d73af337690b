"""The scheduler's delivery jobs: send what stalled, and the daily digest."""

import structlog

from services.notifications.delivery import sending
from services.notifications.worker import celery_app, runtime
from shared.clock import day_or_today

log = structlog.get_logger(__name__)

SWEEP_TASK = "notifications.send_stalled_deliveries"
DIGEST_TASK = "notifications.send_digests"


@celery_app.task(name=SWEEP_TASK)
def send_stalled_deliveries() -> int:
    with runtime.transaction() as session:
        queued = len(sending.stalled(session))
    if queued:
        log.info("deliveries.requeued", deliveries=queued)
    return queued


@celery_app.task(name=DIGEST_TASK)
def send_digests(today: str | None = None) -> int:
    day = day_or_today(today)
    with runtime.transaction() as session:
        return sending.send_digests(session, day)
