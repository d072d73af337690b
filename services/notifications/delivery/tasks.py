"""The Celery task that sends one delivery (queued after the commit that wrote it)."""

import uuid

from celery import Task

from services.notifications.delivery import sending
from shared.worker import task

# Retries further off than this wait for the sweeper rather than sit in the broker as ETA tasks.
LONGEST_COUNTDOWN_SECONDS = 300


@task(bind=True, acks_late=True, reject_on_worker_lost=True)  # notifications.deliver
def deliver(task: Task, delivery_id: str) -> float | None:
    delay = sending.attempt(uuid.UUID(delivery_id))
    if delay is not None and delay <= LONGEST_COUNTDOWN_SECONDS:
        task.apply_async(args=[delivery_id], countdown=delay, queue="notifications")
    return delay
