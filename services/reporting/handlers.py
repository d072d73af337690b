"""Every event handler and task of reporting, imported by the worker so each one registers."""

from services.reporting.facts import tasks as fact_tasks
from services.reporting.filings import tasks as filing_tasks
from services.reporting.journal import tasks as journal_tasks
from services.reporting.units import tasks as unit_tasks

__all__ = ["fact_tasks", "filing_tasks", "journal_tasks", "unit_tasks"]
