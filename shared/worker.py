"""What every service's Celery worker has: the app, the event consumer and housekeeping tasks."""

from datetime import UTC, datetime, timedelta

import structlog
from celery import Celery
from celery.signals import worker_init, worker_process_init
from sqlalchemy import delete

from shared.celery_app import make_celery
from shared.db import rows_affected
from shared.events.consumer import EventConsumer
from shared.health import database_problem, wait_until_reachable
from shared.logs import configure_logging
from shared.runtime import ServiceRuntime

log = structlog.get_logger(__name__)


def purge_outbox_task_name(service: str) -> str:
    return f"{service}.purge_outbox"


def create_worker(runtime: ServiceRuntime) -> tuple[Celery, EventConsumer]:
    settings = runtime.settings
    configure_logging(runtime.name, settings)
    app = make_celery(runtime.name, settings)
    consumer = EventConsumer(runtime, app)

    @worker_init.connect(weak=False)
    def wait_for_database(**_: object) -> None:
        wait_until_reachable(
            {"database": lambda: database_problem(runtime.engine)}, settings.startup_wait_seconds
        )

    @worker_process_init.connect(weak=False)
    def forget_inherited_connections(**_: object) -> None:
        """A forked pool process must not reuse the parent's database connections."""
        runtime.engine.dispose(close=False)

    @app.task(name=purge_outbox_task_name(runtime.name))
    def purge_outbox() -> int:
        """Delete published outbox rows, and processed-event records, older than the retention period.

        Redeliveries come within hours (retries, visibility timeout), so a record kept for days
        still stops every duplicate.
        """
        tables = runtime.tables
        cutoff = datetime.now(UTC) - timedelta(days=settings.outbox_retention_days)
        with runtime.transaction() as session:
            deleted = rows_affected(
                session, delete(tables.outbox).where(tables.outbox.c.published_at < cutoff)
            )
            deleted += rows_affected(
                session, delete(tables.processed).where(tables.processed.c.processed_at < cutoff)
            )
        log.info("outbox.purged", rows=deleted)
        return deleted

    return app, consumer
