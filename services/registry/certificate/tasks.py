"""The scheduler's daily look at certificates about to expire or expired."""

import structlog

from services.registry.certificate.service import check_expiry
from services.registry.worker import celery_app, runtime
from shared.clock import local_today

log = structlog.get_logger(__name__)


@celery_app.task(name="registry.check_certificates")
def check_certificates() -> int:
    day = local_today()
    with runtime.transaction() as session:
        published = check_expiry(session, day, runtime.settings.certificate_warning_days)
    log.info("certificates.checked", day=str(day), published=published)
    return published
