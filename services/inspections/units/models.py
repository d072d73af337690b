import uuid
from datetime import datetime

from sqlalchemy import ARRAY, DateTime, Enum, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.inspections.runtime import Base
from shared.access import GridDutyCopy
from shared.events.contracts.registry import ProductionStatus, UnitKind


class SupervisedUnit(Base):
    """The inspections service's copy of a registry unit (受监管单位), fed by registry events."""

    __tablename__ = "supervised_unit"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(Enum(UnitKind, native_enum=False, length=32))
    production_status: Mapped[ProductionStatus] = mapped_column(
        Enum(ProductionStatus, native_enum=False, length=32)
    )
    key_supervision: Mapped[bool]
    grid_id: Mapped[uuid.UUID | None]
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # time of the event it came from


class SupervisedGrid(Base):
    """The inspections service's copy of a registry grid and who staffs it today."""

    __tablename__ = "supervised_grid"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    zone_id: Mapped[uuid.UUID]
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    leader_person_id: Mapped[uuid.UUID | None]
    member_person_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # time of the event it came from


class GridDuty(GridDutyCopy, Base):
    __tablename__ = "grid_duty"
