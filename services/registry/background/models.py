from services.registry.runtime import Base
from shared.jobs import JobRecord


class Job(JobRecord, Base):
    """A background job of the registry: a ledger import or export (shared/jobs.py)."""
