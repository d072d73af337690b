"""Reporting's background jobs: the hazard ledger export (shared/jobs.py)."""

from sqlalchemy.orm import Session

from services.reporting.background.models import Job
from services.reporting.deps import TENANCY
from services.reporting.runtime import runtime
from services.reporting.statistics import exports
from shared.access import Access
from shared.jobs import BackgroundJobs, JobKind, JobRecord, Outcome, Progress
from shared.periods import parse_period
from shared.spreadsheets import XLSX

EXPORT_HAZARD_LEDGER = "statistics.export_hazard_ledger"


def _export_hazard_ledger(session: Session, user: Access, job: JobRecord, progress: Progress) -> Outcome:
    period = parse_period(job.params["period"])
    content, rows = exports.hazard_ledger_xlsx(session, user, period)
    return Outcome({"rows": rows}, content, f"隐患台帐_{period.label}.xlsx", XLSX)


jobs = BackgroundJobs(
    runtime, Job, [JobKind(EXPORT_HAZARD_LEDGER, "hazard.export", _export_hazard_ledger)], TENANCY
)
