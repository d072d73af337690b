"""The Celery task that sends one delivery (queued after the commit that wrote it)."""

import uuid

from celery import Task

from services.notifications.delivery import sending
from shared.settings import get_settings
from shared.worker import task


@task(bind=True, acks_late=True, reject_on_worker_lost=True)  # notifications.deliver
def deliver(task: Task, delivery_id: str) -> float | None:
    delay = sending.attempt(uuid.UUID(delivery_id))
    # A retry further off waits for the sweeper rather than sit in a worker as an ETA task, which
    # Redis would hand out again after its visibility timeout (shared/celery_app.py).
    if delay is not None and delay <= get_settings().retry_backoff_max_seconds:
        task.apply_async(args=[delivery_id], countdown=delay, queue="notifications")
    return delay
