"""The scheduler's deadline check of hazards, run on the inspections queue."""

import structlog

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
