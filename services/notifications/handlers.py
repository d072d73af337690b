"""Every event handler and task of notifications, imported by the worker so each one registers."""

from services.notifications.delivery import jobs as delivery_jobs
from services.notifications.delivery import tasks as delivery_tasks
from services.notifications.directory import handlers as directory_handlers
from services.notifications.duties import handlers as duty_handlers
from services.notifications.hazard_notices import handlers as hazard_notice_handlers
from services.notifications.hazard_notices import jobs as hazard_notice_jobs
from services.notifications.reports import handlers as report_handlers
from services.notifications.webhooks import handlers as webhook_handlers

__all__ = [
    "delivery_jobs",
    "delivery_tasks",
    "directory_handlers",
    "duty_handlers",
    "hazard_notice_handlers",
    "hazard_notice_jobs",
    "report_handlers",
    "webhook_handlers",
]
