"""Celery worker of inspections: `celery -A services.inspections.worker worker -Q inspections`."""

from services.inspections.runtime import runtime
from shared.worker import create_worker

celery_app, consumer = create_worker(runtime)

# Event handlers register themselves on the consumer when imported.
from services.inspections import handlers  # noqa: E402,F401

__all__ = ["celery_app", "consumer", "runtime"]
