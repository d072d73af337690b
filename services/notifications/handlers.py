"""Every event handler and task of notifications, imported by the worker so each one registers."""

from services.notifications.delivery import tasks as delivery_tasks
from services.notifications.directory import tasks as directory_tasks
from services.notifications.escalation import tasks as escalation_tasks
from services.notifications.reports import tasks as report_tasks
from services.notifications.training import tasks as training_tasks
from services.notifications.webhooks import tasks as webhook_tasks

__all__ = [
    "delivery_tasks",
    "directory_tasks",
    "escalation_tasks",
    "report_tasks",
    "training_tasks",
    "webhook_tasks",
]
