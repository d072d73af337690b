"""Every event handler and task of reporting, imported by the worker so each one registers."""

from services.reporting.facts import handlers as fact_handlers
from services.reporting.filings import jobs as filing_jobs
from services.reporting.journal import handlers as journal_handlers
from services.reporting.units import handlers as unit_handlers

__all__ = ["fact_handlers", "filing_jobs", "journal_handlers", "unit_handlers"]
