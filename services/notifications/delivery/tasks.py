"""The Celery task that sends one delivery (queued after the commit that wrote it)."""

import uuid

from celery import Task

from services.notifications.delivery import sending
from services.notifications.delivery.planning import DELIVER_TASK
from services.notifications.worker import celery_app

# Retries further off than this wait for the sweeper rather than sit in the broker as ETA tasks.
LONGEST_COUNTDOWN_SECONDS = 300


@celery_app.task(bind=True, name=DELIVER_TASK, acks_late=True, reject_on_worker_lost=True)
def deliver(task: Task, delivery_id: str) -> float | None:
    delay = sending.attempt(uuid.UUID(delivery_id))
    if delay is not None and delay <= LONGEST_COUNTDOWN_SECONDS:
        task.apply_async(args=[delivery_id], countdown=delay, queue="notifications")
    return delay
