"""The scheduler's daily look at certificates about to expire or expired."""

import structlog
from celery.schedules import crontab

from services.registry.certificate.service import check_expiry
from services.registry.runtime import runtime
from shared.clock import local_today
from shared.worker import job

log = structlog.get_logger(__name__)


# idempotent: certificate.expiring / .expired once per certificate and expiry date
@job(crontab(hour=1, minute=0))  # zone time
def check_certificates() -> int:
    day = local_today()
    with runtime.transaction() as session:
        published = check_expiry(session, day, runtime.settings.certificate_warning_days)
    log.info("certificates.checked", day=str(day), published=published)
    return published
