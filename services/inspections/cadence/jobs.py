"""The scheduler's missed-duty check of the cadence engine, run on the inspections queue."""

import structlog

from services.inspections.cadence.service import check_due, check_missed
from services.inspections.runtime import runtime
from shared.clock import local_today
from shared.worker import job

log = structlog.get_logger(__name__)


# idempotent: each inspection.missed / training.missed and *.due once per rule, subject and period
@job(3600.0)
def check_missed_inspections() -> int:
    with runtime.transaction() as session:
        emitted = check_missed(session, local_today()) + check_due(session, local_today())
    log.info("inspections.missed_checked", emitted=emitted)
    return emitted
