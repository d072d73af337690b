"""Celery application factory with the reliability settings every service shares.

Tasks acknowledge late: a task whose worker is killed stays in Redis's unacknowledged set and is
handed out again once the visibility timeout (BROKER_VISIBILITY_TIMEOUT_SECONDS, a minute) has
passed. So every late-acknowledging task must be over before then: it has a hard time limit, and a
retry or countdown waits in a worker unacknowledged too, so the longest delay plus the hard limit
stays below the timeout (checked here). A task that may run longer (a background import or export)
is declared with `acks_late=False` and its own limits; it is not redelivered by Redis, and whatever
runs it must find an unfinished run in the database and start it again.
"""

from typing import Any

from celery import Celery

from shared.settings import Settings

# How often each worker looks for unacknowledged tasks older than the visibility timeout.
RESTORE_INTERVAL_SECONDS = 5


def check_time_limits(settings: Settings) -> None:
    """Refuse limits with which a task could be handed out twice while it is still running."""
    if settings.task_soft_time_limit_seconds >= settings.task_time_limit_seconds:
        raise ValueError("TASK_SOFT_TIME_LIMIT_SECONDS must be below TASK_TIME_LIMIT_SECONDS")
    longest = settings.retry_backoff_max_seconds + settings.task_time_limit_seconds
    if longest >= settings.broker_visibility_timeout_seconds:
        raise ValueError(
            "RETRY_BACKOFF_MAX_SECONDS + TASK_TIME_LIMIT_SECONDS must stay below "
            "BROKER_VISIBILITY_TIMEOUT_SECONDS, or Redis hands a waiting or running task out twice"
        )


def broker_transport_options(settings: Settings) -> dict[str, Any]:
    return {
        "visibility_timeout": settings.broker_visibility_timeout_seconds,
        # kombu scans every interval x throttle seconds (100 s by default): every 5 s here, so a
        # killed worker's tasks come back within the visibility timeout plus 5 s
        "unacked_restore_interval": RESTORE_INTERVAL_SECONDS,
        "unacked_restore_throttle": 1,
        # a worker killed during its sweep holds the sweep's lock until this (300 s by default);
        # two sweeps at once are safe (each message is restored in a transaction)
        "unacked_mutex_expire": 3 * RESTORE_INTERVAL_SECONDS,
    }


def make_celery(service: str, settings: Settings) -> Celery:
    check_time_limits(settings)
    app = Celery(service, broker=settings.redis_url)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_soft_time_limit=settings.task_soft_time_limit_seconds,
        task_time_limit=settings.task_time_limit_seconds,
        worker_prefetch_multiplier=1,
        worker_concurrency=settings.worker_concurrency,
        task_default_queue=service,
        broker_transport_options=broker_transport_options(settings),
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        timezone=settings.zone_timezone,
        enable_utc=True,
    )
    return app
