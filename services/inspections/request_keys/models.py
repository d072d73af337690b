import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.inspections.runtime import Base


class RequestKey(Base):
    """An Idempotency-Key a caller sent with a write: the same key and body give the first result."""

    __tablename__ = "request_key"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    operation: Mapped[str] = mapped_column(String(60))  # e.g. inspection.record, hazard.evidence
    body_sha256: Mapped[str] = mapped_column(String(64))
    result_id: Mapped[uuid.UUID]  # what the first request made (an inspection, a hazard, a file)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
