"""Celery worker of notifications: `celery -A services.notifications.worker worker -Q notifications`."""

from services.notifications.runtime import runtime
from shared.worker import create_worker

celery_app, consumer = create_worker(runtime)

# Event handlers register themselves on the consumer when imported.
from services.notifications import handlers  # noqa: E402,F401

__all__ = ["celery_app", "consumer", "runtime"]
