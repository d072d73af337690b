"""Celery tasks of the delivery channels: send one delivery, send what stalled, the daily digest."""

import uuid

import structlog
from celery import Task

from services.notifications.delivery import sending
from services.notifications.delivery.planning import DELIVER_TASK
from services.notifications.worker import celery_app, runtime
from shared.clock import local_today

log = structlog.get_logger(__name__)

SWEEP_TASK = "notifications.send_stalled_deliveries"
DIGEST_TASK = "notifications.send_digests"
# Retries further off than this wait for the sweeper rather than sit in the broker as ETA tasks.
LONGEST_COUNTDOWN_SECONDS = 300


@celery_app.task(bind=True, name=DELIVER_TASK, acks_late=True, reject_on_worker_lost=True)
def deliver(task: Task, delivery_id: str) -> float | None:
    delay = sending.attempt(uuid.UUID(delivery_id))
    if delay is not None and delay <= LONGEST_COUNTDOWN_SECONDS:
        task.apply_async(args=[delivery_id], countdown=delay, queue="notifications")
    return delay


@celery_app.task(name=SWEEP_TASK)
def send_stalled_deliveries() -> int:
    with runtime.transaction() as session:
        queued = len(sending.stalled(session))
    if queued:
        log.info("deliveries.requeued", deliveries=queued)
    return queued


@celery_app.task(name=DIGEST_TASK)
def send_digests() -> int:
    with runtime.transaction() as session:
        return sending.send_digests(session, local_today())
