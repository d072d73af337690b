"""The scheduler's deadline check of hazards, run on the inspections queue."""

import structlog

from services.inspections.hazard.service import check_deadlines, check_unacted
from services.inspections.runtime import runtime
from shared.clock import local_today
from shared.worker import job

log = structlog.get_logger(__name__)


# idempotent: each hazard.due_soon / hazard.overdue is emitted once, however often this runs
@job(600.0)
def check_hazard_deadlines() -> dict[str, int]:
    with runtime.transaction() as session:
        emitted = check_deadlines(session, local_today())
    log.info("hazards.deadlines_checked", **emitted)
    return emitted


# idempotent: each reminder and escalation of an unacted hazard is emitted once per hazard
@job(3600.0)
def check_unacted_hazards() -> dict[str, int]:
    with runtime.transaction() as session:
        emitted = check_unacted(session, local_today())
    log.info("hazards.unacted_checked", **emitted)
    return emitted
