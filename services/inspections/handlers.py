"""Every event handler and task of inspections, imported by the worker so each one registers."""

from services.inspections.cadence import jobs as cadence_jobs
from services.inspections.hazard import jobs as hazard_jobs
from services.inspections.units import handlers as unit_handlers

__all__ = ["cadence_jobs", "hazard_jobs", "unit_handlers"]
