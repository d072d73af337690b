"""The scheduler's reminder pass: deadline reminders and the escalation ladder."""

import structlog

from services.notifications.hazard_notices.service import run_reminders
from services.notifications.runtime import runtime
from shared.clock import local_today
from shared.worker import job

log = structlog.get_logger(__name__)


# idempotent: each reminder and ladder step goes once per recipient and occasion
@job(3600.0)
def send_reminders() -> int:
    """Deadline reminders and ladder steps due today."""
    day = local_today()
    with runtime.transaction() as session:
        sent = run_reminders(session, day)
    log.info("reminders.sent", day=str(day), messages=sent)
    return sent
