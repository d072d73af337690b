"""Celery worker of the registry: `celery -A services.registry.worker worker -Q registry`."""

from services.registry.runtime import runtime
from shared.worker import create_worker

celery_app, consumer = create_worker(runtime)

# Event handlers and periodic tasks register themselves when imported.
from services.registry.certificate import jobs  # noqa: E402,F401
from services.registry.enterprise import handlers  # noqa: E402,F401

__all__ = ["celery_app", "consumer", "runtime"]
