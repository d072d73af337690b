"""The registry's background jobs: ledger imports and the ledger export (shared/jobs.py)."""

import uuid

from sqlalchemy.orm import Session

from services.registry.background.models import Job
from services.registry.deps import TENANCY
from services.registry.ledger import service as ledger
from services.registry.runtime import runtime
from shared.access import Access
from shared.jobs import BackgroundJobs, JobKind, JobRecord, Outcome, Progress
from shared.spreadsheets import XLSX

IMPORT_ENTERPRISES = "ledger.import_enterprises"
IMPORT_PEOPLE = "ledger.import_people"
EXPORT_ENTERPRISES = "ledger.export_enterprises"


def _zone(job: JobRecord) -> uuid.UUID | None:
    zone_id = job.params.get("zone_id")
    return uuid.UUID(zone_id) if zone_id else None


def _import_enterprises(session: Session, user: Access, job: JobRecord, progress: Progress) -> Outcome:
    assert job.input is not None
    imported = ledger.import_enterprises(session, job.input, job.input_name, _zone(job), user, progress)
    return Outcome({"imported": imported})


def _import_people(session: Session, user: Access, job: JobRecord, progress: Progress) -> Outcome:
    assert job.input is not None
    return Outcome({"imported": ledger.import_people(session, job.input, job.input_name, user, progress)})


def _export_enterprises(session: Session, user: Access, job: JobRecord, progress: Progress) -> Outcome:
    content, rows = ledger.export_enterprises(session, _zone(job))
    return Outcome({"rows": rows}, content, "enterprise-ledger.xlsx", XLSX)


jobs = BackgroundJobs(
    runtime,
    Job,
    [
        JobKind(IMPORT_ENTERPRISES, "ledger.transfer", _import_enterprises),
        JobKind(IMPORT_PEOPLE, "ledger.transfer", _import_people),
        JobKind(EXPORT_ENTERPRISES, "ledger.transfer", _export_enterprises),
    ],
    TENANCY,
)
