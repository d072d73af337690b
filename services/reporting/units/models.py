import uuid
from datetime import datetime

from sqlalchemy import DateTime, Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from services.reporting.runtime import Base
from shared.access import GridDutyCopy
from shared.events.contracts.registry import ProductionStatus, UnitKind


class ReportingUnit(Base):
    """A unit as the statistics see it (统计口径), fed by registry events."""

    __tablename__ = "reporting_unit"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(Enum(UnitKind, native_enum=False, length=32))
    industry: Mapped[str | None] = mapped_column(String(100))
    production_status: Mapped[ProductionStatus] = mapped_column(
        Enum(ProductionStatus, native_enum=False, length=32)
    )
    grid_id: Mapped[uuid.UUID | None]
    risk_colour: Mapped[str | None] = mapped_column(String(10))  # 红橙黄蓝, from risk.assessed
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # time of the event it came from


class ReportingGrid(Base):
    """A grid as the statistics group by it."""

    __tablename__ = "reporting_grid"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    zone_id: Mapped[uuid.UUID]
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GridDuty(GridDutyCopy, Base):
    __tablename__ = "grid_duty"
