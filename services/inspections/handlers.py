"""Every event handler and task of inspections, imported by the worker so each one registers."""

from services.inspections.hazard import tasks as hazard_tasks
from services.inspections.units import tasks as unit_tasks

__all__ = ["hazard_tasks", "unit_tasks"]
