"""Celery worker of reporting: `celery -A services.reporting.worker worker -Q reporting`."""

from services.reporting.runtime import runtime
from shared.worker import create_worker

celery_app, consumer = create_worker(runtime)

# Event handlers register themselves on the consumer when imported.
from services.reporting import handlers  # noqa: E402,F401

__all__ = ["celery_app", "consumer", "runtime"]
