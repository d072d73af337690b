import uuid
from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from services.notifications.runtime import Base


class FiledReport(Base):
    """A report a unit has filed, as far as reminders need to know (fed by report.filed)."""

    __tablename__ = "filed_report"

    unit_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    filed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
