import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from services.notifications.runtime import Base


class HazardWatch(Base):
    """A hazard as reminders and the escalation ladder see it: notifications' copy, fed by hazard events."""

    __tablename__ = "hazard_watch"
    __table_args__ = (Index("ix_hazard_watch_open_deadline", "deadline", postgresql_where="open"),)

    hazard_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID]
    grid_id: Mapped[uuid.UUID | None]
    grade: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20))
    open: Mapped[bool]  # awaiting rectification: reminders and the ladder apply
    deadline: Mapped[date | None] = mapped_column(Date)
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
