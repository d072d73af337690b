"""Celery application factory with the reliability settings every service shares."""

from celery import Celery

from shared.settings import Settings

# Longer than any countdown or retry delay, or Redis would hand a delayed task out twice.
VISIBILITY_TIMEOUT_SECONDS = 2 * 3600


def make_celery(service: str, settings: Settings) -> Celery:
    if settings.retry_backoff_max_seconds >= VISIBILITY_TIMEOUT_SECONDS:
        raise ValueError("retry_backoff_max_seconds must stay below the broker visibility timeout")
    app = Celery(service, broker=settings.redis_url)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=service,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT_SECONDS},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        timezone=settings.zone_timezone,
        enable_utc=True,
    )
    return app
