"""The one periodic-job scheduler (celery beat) for every service.

Run exactly one: `celery -A services.scheduler beat`. It only sends tasks by name to each
service's queue; the services' workers do the work, and every periodic job is idempotent.
"""

from celery.schedules import crontab

from shared.celery_app import make_celery
from shared.settings import SERVICE_NAMES, get_settings
from shared.worker import purge_outbox_task_name

celery_app = make_celery("scheduler", get_settings())
celery_app.conf.beat_schedule = {
    f"{service}-purge-outbox": {
        "task": purge_outbox_task_name(service),
        "schedule": crontab(hour=3, minute=10 * index),  # zone time, staggered
        "options": {"queue": service},
    }
    for index, service in enumerate(SERVICE_NAMES)
} | {
    # idempotent: each hazard.due_soon / hazard.overdue is emitted once, however often this runs
    "inspections-check-hazard-deadlines": {
        "task": "inspections.check_hazard_deadlines",
        "schedule": 600.0,
        "options": {"queue": "inspections"},
    },
    "inspections-check-missed-inspections": {
        "task": "inspections.check_missed_inspections",
        "schedule": 3600.0,
        "options": {"queue": "inspections"},
    },
    # idempotent: each reminder and ladder step goes once per recipient and occasion
    "notifications-send-reminders": {
        "task": "notifications.send_reminders",
        "schedule": 3600.0,
        "options": {"queue": "notifications"},
    },
    # deliveries whose queue message was lost, or whose next retry is far off
    "notifications-send-stalled-deliveries": {
        "task": "notifications.send_stalled_deliveries",
        "schedule": 60.0,
        "options": {"queue": "notifications"},
    },
    # idempotent: certificate.expiring / .expired once per certificate and expiry date
    "registry-check-certificates": {
        "task": "registry.check_certificates",
        "schedule": crontab(hour=1, minute=0),
        "options": {"queue": "registry"},
    },
    # idempotent: report.due once per unit, kind and period
    "reporting-check-due-reports": {
        "task": "reporting.check_due_reports",
        "schedule": 3600.0,
        "options": {"queue": "reporting"},
    },
    # idempotent: report.overdue once per unit, kind and period
    "reporting-check-overdue-reports": {
        "task": "reporting.check_overdue_reports",
        "schedule": crontab(hour=0, minute=30),  # zone time, just after a due date has passed
        "options": {"queue": "reporting"},
    },
    "notifications-send-digests": {
        "task": "notifications.send_digests",
        "schedule": crontab(hour=8, minute=0),  # zone time: yesterday's ordinary notices in one email
        "options": {"queue": "notifications"},
    },
}
