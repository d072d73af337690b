"""The scheduler's jobs reach real workers and are safe to run again."""

import importlib
import inspect
import os
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from services.scheduler import celery_app
from shared.db import get_engine
from shared.settings import SERVICE_NAMES
from shared.worker import domain_modules
from tests.support.processes import wait_until


def test_every_scheduled_task_is_registered_by_its_service_worker_only():
    for entry in celery_app.conf.beat_schedule.values():
        service = entry["options"]["queue"]
        for other in SERVICE_NAMES:
            worker = importlib.import_module(f"services.{other}.worker")
            assert (entry["task"] in worker.celery_app.tasks) == (other == service), (other, entry)


def test_every_job_declared_in_a_jobs_module_is_scheduled():
    scheduled = {entry["task"]: entry for entry in celery_app.conf.beat_schedule.values()}
    for service in SERVICE_NAMES:
        for module in domain_modules(f"services.{service}", ("jobs",)):
            functions = [
                name
                for name, value in vars(module).items()
                if inspect.isfunction(value) and value.__module__ == module.__name__
            ]
            assert functions, f"{module.__name__} declares no job"
            for name in functions:
                assert scheduled[f"{service}.{name}"]["options"]["queue"] == service
    # the jobs of every service, and each one's housekeeping, are collected
    assert {
        "inspections.check_hazard_deadlines",
        "inspections.check_unacted_hazards",
        "inspections.check_missed_inspections",
        "inspections.forget_request_keys",
        "notifications.send_reminders",
        "notifications.send_stalled_deliveries",
        "notifications.send_digests",
        "registry.check_certificates",
        "registry.publish_effective_changes",
        "registry.purge_refresh_tokens",
        "reporting.check_due_reports",
        "reporting.check_overdue_reports",
        "registry.tend_jobs",
        "reporting.tend_jobs",
    } | {
        f"{service}.{job}" for service in SERVICE_NAMES for job in ("purge_outbox", "reconcile_events")
    } == set(scheduled)
    assert scheduled["inspections.check_hazard_deadlines"]["schedule"] == 600.0


def test_purge_deletes_only_old_published_events_and_old_inbox_records(workers):
    engine = get_engine(os.environ["DATABASE_URL"])
    old = datetime.now(UTC) - timedelta(days=40)
    with engine.begin() as conn:
        for event_type, published in (("old", old), ("recent", datetime.now(UTC)), ("pending", None)):
            conn.execute(
                text(
                    "INSERT INTO reporting.outbox (event_id, event_type, envelope, published_at) "
                    "VALUES (gen_random_uuid(), :t, '{}', :p)"
                ),
                {"t": event_type, "p": published},
            )
        conn.execute(
            text(
                "INSERT INTO reporting.processed_event (consumer, event_id, event_type, processed_at) VALUES "
                "('reporting', gen_random_uuid(), 'old', :old), ('reporting', gen_random_uuid(), 'recent', now())"
            ),
            {"old": old},
        )
    for _ in range(2):  # a second run changes nothing more
        celery_app.send_task("reporting.purge_outbox", queue="reporting")

    def remaining() -> list[str]:
        with engine.connect() as conn:
            return sorted(conn.execute(text("SELECT event_type FROM reporting.outbox")).scalars())

    wait_until(lambda: remaining() == ["pending", "recent"])
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT event_type FROM reporting.processed_event")).scalars().all()
    assert kept == ["recent"]
