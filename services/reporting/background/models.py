from services.reporting.runtime import Base
from shared.jobs import JobRecord


class Job(JobRecord, Base):
    """A background job of the reporting: a large export (shared/jobs.py)."""
