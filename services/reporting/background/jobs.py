from services.reporting.background.service import jobs
from shared.worker import job


@job(60.0)
def tend_jobs() -> dict[str, int]:
    """Queue again jobs whose worker died, send again those nobody took, delete expired ones."""
    return jobs.tend()
