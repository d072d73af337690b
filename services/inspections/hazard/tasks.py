"""Periodic jobs of inspections (deadlines, missed inspections), run by the scheduler on its queue."""

import structlog

from services.inspections.cadence.service import check_due, check_missed
from services.inspections.hazard.service import check_deadlines
from services.inspections.runtime import runtime
from services.inspections.worker import celery_app
from shared.clock import local_today

log = structlog.get_logger(__name__)

CHECK_DEADLINES_TASK = "inspections.check_hazard_deadlines"


@celery_app.task(name=CHECK_DEADLINES_TASK)
def check_hazard_deadlines() -> dict[str, int]:
    with runtime.transaction() as session:
        emitted = check_deadlines(session, local_today())
    log.info("hazards.deadlines_checked", **emitted)
    return emitted


CHECK_MISSED_TASK = "inspections.check_missed_inspections"


@celery_app.task(name=CHECK_MISSED_TASK)
def check_missed_inspections() -> int:
    with runtime.transaction() as session:
        emitted = check_missed(session, local_today()) + check_due(session, local_today())
    log.info("inspections.missed_checked", emitted=emitted)
    return emitted
