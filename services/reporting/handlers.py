"""Every event handler of reporting, imported by the worker so each one registers."""

from services.reporting.units import tasks as unit_tasks

__all__ = ["unit_tasks"]
