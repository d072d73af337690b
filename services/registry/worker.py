"""Celery worker of the registry: `celery -A services.registry.worker worker -Q registry`."""

from services.registry.runtime import runtime
from shared.worker import create_worker

celery_app, consumer = create_worker(runtime)

__all__ = ["celery_app", "consumer", "runtime"]
