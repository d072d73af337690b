"""Every event handler of inspections, imported by the worker so each one registers."""

from services.inspections.units import tasks as unit_tasks

__all__ = ["unit_tasks"]
