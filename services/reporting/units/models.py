import uuid
from datetime import datetime

from sqlalchemy import DateTime, Enum, String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.reporting.runtime import Base
from shared.events.contracts.registry import UnitKind


class ReportingUnit(Base):
    """A unit as the statistics see it (统计口径), fed by registry events."""

    __tablename__ = "reporting_unit"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(Enum(UnitKind, native_enum=False, length=32))
    industry: Mapped[str | None] = mapped_column(String(100))
    grid_id: Mapped[uuid.UUID | None]
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
