"""The one periodic-job scheduler (celery beat) for every service.

Run exactly one: `celery -A services.scheduler beat`. Each job declares its schedule beside its
function (`@job(...)` in `services/<service>/<domain>/jobs.py`); the scheduler collects them and
only sends tasks by name to each service's queue. The services' workers do the work, and every
periodic job is idempotent. A second instance started by mistake (or to take over) stands by:
the one holding the scheduler lock sends (shared/beat.py).
"""

from shared.beat import use_locked_scheduler
from shared.celery_app import make_celery
from shared.settings import SERVICE_NAMES, get_settings
from shared.worker import scheduled_jobs

celery_app = make_celery("scheduler", get_settings())
use_locked_scheduler(
    celery_app,
    {
        job.task: {"task": job.task, "schedule": job.schedule, "options": {"queue": job.queue}}
        for service in SERVICE_NAMES
        for job in scheduled_jobs(service)
    },
)
