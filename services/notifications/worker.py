"""Celery worker of notifications: `celery -A services.notifications.worker worker -Q notifications`.

It registers the event handlers, jobs and tasks of every `services/notifications/<domain>/` module named
handlers.py, jobs.py or tasks.py (`shared.worker`).
"""

from services.notifications.runtime import runtime
from shared.worker import create_worker

celery_app, consumer = create_worker(runtime)

__all__ = ["celery_app", "consumer", "runtime"]
