"""Celery worker of reporting: `celery -A services.reporting.worker worker -Q reporting`.

It registers the event handlers, jobs and tasks of every `services/reporting/<domain>/` module named
handlers.py, jobs.py or tasks.py (`shared.worker`).
"""

from services.reporting.runtime import runtime
from shared.worker import create_worker

celery_app, consumer = create_worker(runtime)

__all__ = ["celery_app", "consumer", "runtime"]
