"""Every event handler of notifications, imported by the worker so each one registers."""

from services.notifications.directory import tasks as directory_tasks
from services.notifications.inbox import tasks as inbox_tasks

__all__ = ["directory_tasks", "inbox_tasks"]
