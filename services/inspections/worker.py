"""Celery worker of inspections: `celery -A services.inspections.worker worker -Q inspections`.

It registers the event handlers, jobs and tasks of every `services/inspections/<domain>/` module named
handlers.py, jobs.py or tasks.py (`shared.worker`).
"""

from services.inspections.runtime import runtime
from shared.worker import create_worker

celery_app, consumer = create_worker(runtime)

__all__ = ["celery_app", "consumer", "runtime"]
