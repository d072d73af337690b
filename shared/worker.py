"""What every service's Celery worker has: the app, the event consumer, its domains' handlers, jobs
and tasks, and housekeeping.

One rule finds a service's code: `services/<service>/<domain>/handlers.py` holds event handlers
(`shared.events.handlers.handles`), `jobs.py` scheduled jobs (`@job(schedule)`, collected by
`services/scheduler.py`) and `tasks.py` other Celery tasks (`@task()`). A job's or task's Celery
name is `<service>.<function name>`.
"""

import importlib
import importlib.util
import logging
import os
import pkgutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any, TypeAlias, TypeVar

import structlog
from celery import Celery
from celery.app.trace import LOG_SUCCESS
from celery.schedules import crontab
from celery.signals import worker_init, worker_process_init
from sqlalchemy import delete

from shared.celery_app import make_celery
from shared.db import rows_affected
from shared.events.consumer import EventConsumer
from shared.events.handlers import collect
from shared.events.reconciler import Reconciler
from shared.health import database_problem, wait_until_reachable
from shared.logs import configure_logging
from shared.runtime import ServiceRuntime
from shared.settings import SERVICE_NAMES, get_settings

log = structlog.get_logger(__name__)

DOMAIN_MODULES = ("handlers", "jobs", "tasks")
Schedule: TypeAlias = float | crontab  # seconds, or a crontab in zone time
F = TypeVar("F", bound=Callable[..., Any])

_TASK_OPTIONS = "__celery_task_options__"
RECONCILE_SOFT_TIME_LIMIT_SECONDS = 300
_SCHEDULE = "__job_schedule__"


def task(**options: Any) -> Callable[[F], F]:
    """Decorator for a function in `<domain>/tasks.py`: a Celery task of the service's worker,
    named `<service>.<function name>`, with these Celery task options."""

    def mark(function: F) -> F:
        setattr(function, _TASK_OPTIONS, options)
        return function

    return mark


def job(schedule: Schedule, **options: Any) -> Callable[[F], F]:
    """Decorator for a function in `<domain>/jobs.py`: a Celery task that the scheduler sends to the
    service's queue on this schedule. Every job must be safe to run again."""

    def mark(function: F) -> F:
        setattr(function, _TASK_OPTIONS, options)
        setattr(function, _SCHEDULE, schedule)
        return function

    return mark


def task_name(service: str, function: Callable[..., Any]) -> str:
    return f"{service}.{function.__name__}"


def domain_modules(package: str, kinds: Sequence[str] = DOMAIN_MODULES) -> list[ModuleType]:
    """Every `<package>.<domain>.<kind>` module that exists, imported."""
    root = importlib.import_module(package)
    found = []
    for domain in sorted(pkgutil.iter_modules(root.__path__), key=lambda m: m.name):
        if not domain.ispkg:
            continue
        for kind in kinds:
            name = f"{package}.{domain.name}.{kind}"
            if importlib.util.find_spec(name) is not None:
                found.append(importlib.import_module(name))
    return found


def _defined_in(module: ModuleType) -> Iterator[Callable[..., Any]]:
    for value in vars(module).values():
        if callable(value) and getattr(value, "__module__", None) == module.__name__:
            yield value


@dataclass(frozen=True)
class ScheduledJob:
    task: str
    schedule: Schedule
    queue: str


def purge_outbox_task_name(service: str) -> str:
    return f"{service}.purge_outbox"


def reconcile_events_task_name(service: str) -> str:
    return f"{service}.reconcile_events"


def scheduled_jobs(service: str) -> list[ScheduledJob]:
    """The jobs the scheduler runs for one service: its outbox purge, its reconciler and every
    `@job` of its domains."""
    # daily in zone time, staggered between services
    purge = crontab(hour=3, minute=10 * SERVICE_NAMES.index(service))
    jobs = [
        ScheduledJob(purge_outbox_task_name(service), purge, service),
        ScheduledJob(reconcile_events_task_name(service), get_settings().reconcile_interval_seconds, service),
    ]
    for module in domain_modules(f"services.{service}", ("jobs",)):
        for function in _defined_in(module):
            if hasattr(function, _SCHEDULE):
                jobs.append(ScheduledJob(task_name(service, function), getattr(function, _SCHEDULE), service))
    return jobs


def create_worker(
    runtime: ServiceRuntime, modules: Sequence[ModuleType] | None = None
) -> tuple[Celery, EventConsumer]:
    """The service's Celery app and consumer, with the handlers, jobs and tasks of `modules`
    (by default every `services/<service>/<domain>/{handlers,jobs,tasks}.py`)."""
    settings = runtime.settings
    configure_logging(runtime.name, settings)
    app = make_celery(runtime.name, settings)
    if modules is None:
        modules = domain_modules(f"services.{runtime.name}")
    consumer = EventConsumer(runtime, app, collect(modules))
    for module in modules:
        for function in _defined_in(module):
            options = getattr(function, _TASK_OPTIONS, None)
            if options is not None:
                # shared=False: the task belongs to this app only, not to every app in the process
                app.task(name=task_name(runtime.name, function), shared=False, **options)(function)

    @worker_init.connect(weak=False)
    def start_worker(**_: object) -> None:
        os.nice(settings.worker_nice)  # its pool processes, forked later, inherit it
        # Celery's line per task received and succeeded is noise at a hundred events a second;
        # retries, failures and dead letters still log
        logging.getLogger("celery.worker.strategy").setLevel(logging.WARNING)
        logging.getLogger("celery.app.trace").addFilter(lambda record: record.msg != LOG_SUCCESS)
        wait_until_reachable(
            {"database": lambda: database_problem(runtime.engine)}, settings.startup_wait_seconds
        )

    @worker_process_init.connect(weak=False)
    def forget_inherited_connections(**_: object) -> None:
        """A forked pool process must not reuse the parent's database connections."""
        runtime.engine.dispose(close=False)

    @app.task(name=purge_outbox_task_name(runtime.name), shared=False)
    def purge_outbox() -> int:
        """Delete published outbox rows, and processed-event records, older than the retention period.

        Redeliveries come within hours (retries, visibility timeout), so a record kept for days
        still stops every duplicate; the event feeds serve the rows kept (shared.events.feed).
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

    reconciler = Reconciler(consumer)

    # A run is acknowledged early, so Redis's visibility timeout does not bound it, and a run lost
    # with its worker is done by the next one.
    @app.task(
        name=reconcile_events_task_name(runtime.name),
        shared=False,
        acks_late=False,
        soft_time_limit=RECONCILE_SOFT_TIME_LIMIT_SECONDS,
        time_limit=RECONCILE_SOFT_TIME_LIMIT_SECONDS + 10,
    )
    def reconcile_events(unfinished: dict[str, str] | None = None) -> dict[str, int]:
        """Apply what the fast path missed from the publishers' feeds (shared.events.reconciler).

        A run reads at most RECONCILE_MAX_PAGES pages of each feed, since the events that arrive
        meanwhile wait behind it; the feeds with more to read go on in a run queued behind them."""
        done = reconciler.run(unfinished)
        if done.unfinished:
            reconcile_events.apply_async(args=[done.unfinished], queue=runtime.name)
        return done.recovered

    return app, consumer
