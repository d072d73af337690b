import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Enum, ForeignKey, String
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
    key_supervision: Mapped[bool] = mapped_column(server_default="false")  # 重点监管
    risk_colour: Mapped[str | None] = mapped_column(String(10))  # 红橙黄蓝, from risk.assessed
    version: Mapped[int] = mapped_column(server_default="0")  # the registry's, of the snapshot kept
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # time of the event it came from


class UnitState(Base):
    """What was true of a unit from one day to another, both inclusive (the registry's dated facts),
    as the snapshot kept in `reporting_unit` told them; the flat fields there are one day's."""

    __tablename__ = "unit_state"

    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reporting_unit.id"), primary_key=True)
    valid_from: Mapped[date] = mapped_column(Date, primary_key=True)
    valid_to: Mapped[date | None] = mapped_column(Date)  # None: still true
    production_status: Mapped[ProductionStatus] = mapped_column(
        Enum(ProductionStatus, native_enum=False, length=32)
    )
    key_supervision: Mapped[bool]
    grid_id: Mapped[uuid.UUID | None]


class ReportingGrid(Base):
    """A grid as the statistics group by it, from its first to its last day.

    An abolished grid stays as a tombstone (`deleted`, with its version), so no older snapshot
    arriving late brings it back; a tombstone that arrived first has no name yet.
    """

    __tablename__ = "reporting_grid"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    zone_id: Mapped[uuid.UUID | None]
    code: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[date | None] = mapped_column(Date)  # 设立日期, when the registry said
    valid_to: Mapped[date | None] = mapped_column(Date)  # 撤销: its last day
    deleted: Mapped[bool] = mapped_column(server_default="false")
    version: Mapped[int] = mapped_column(server_default="0")
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GridDuty(GridDutyCopy, Base):
    """Who held which grid from when to when: the assessment scores each month's staff from it."""

    __tablename__ = "grid_duty"
