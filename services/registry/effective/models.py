import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from services.registry.runtime import Base


class ScheduledEffect(Base):
    """A dated fact that takes effect on a later day than the one it was recorded (生效日): its
    event is published on that day by the effective-day job, once (`published_at` is the claim).

    `kind` says what changes: `assignment` (one starts, or ends the day before), `unit_state` (a
    unit's production status, key flag or grid), `grid` (a grid comes into existence).
    """

    __tablename__ = "scheduled_effect"
    __table_args__ = (
        Index(
            "ix_scheduled_effect_pending", "takes_effect_on", postgresql_where=text("published_at IS NULL")
        ),
    )

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    entity_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    takes_effect_on: Mapped[date] = mapped_column(Date, primary_key=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
