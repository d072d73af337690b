"""The Celery task that runs a registry job (shared/jobs.py)."""

from services.registry.background.service import jobs
from shared.settings import get_settings
from shared.worker import task

LIMIT = get_settings().job_time_limit_seconds


# Acknowledged when it starts: a job outlives the broker's visibility timeout; tend_jobs recovers it.
@task(acks_late=False, soft_time_limit=LIMIT, time_limit=LIMIT + 60)
def run_job(job_id: str) -> str | None:
    return jobs.run(job_id)
