"""The scheduler's missed-duty check of the cadence engine, run on the inspections queue."""

import structlog

from services.inspections.cadence.service import check_due, check_missed
from services.inspections.runtime import runtime
from services.inspections.worker import celery_app
from shared.clock import local_today

log = structlog.get_logger(__name__)

CHECK_MISSED_TASK = "inspections.check_missed_inspections"


@celery_app.task(name=CHECK_MISSED_TASK)
def check_missed_inspections() -> int:
    with runtime.transaction() as session:
        emitted = check_missed(session, local_today()) + check_due(session, local_today())
    log.info("inspections.missed_checked", emitted=emitted)
    return emitted
