"""The one periodic-job scheduler (celery beat) for every service.

Run exactly one: `celery -A services.scheduler beat`. Each job declares its schedule beside its
function (`@job(...)` in `services/<service>/<domain>/jobs.py`); the scheduler collects them and
only sends tasks by name to each service's queue. The services' workers do the work, and every
periodic job is idempotent. A second instance started by mistake (or to take over) stands by:
the one holding the scheduler lock sends (shared/beat.py). The jobs are collected in a short-lived
child process, so the scheduler does not keep the services' code in memory.
"""

from shared.beat import every_scheduled_job, use_locked_scheduler
from shared.celery_app import make_celery
from shared.settings import get_settings

celery_app = make_celery("scheduler", get_settings())
use_locked_scheduler(celery_app, every_scheduled_job())
