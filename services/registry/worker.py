"""Celery worker of registry: `celery -A services.registry.worker worker -Q registry`.

It registers the event handlers, jobs and tasks of every `services/registry/<domain>/` module named
handlers.py, jobs.py or tasks.py (`shared.worker`).
"""

from services.registry.runtime import runtime
from shared.worker import create_worker

celery_app, consumer = create_worker(runtime)

__all__ = ["celery_app", "consumer", "runtime"]
