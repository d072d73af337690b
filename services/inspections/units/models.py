import uuid
from datetime import date, datetime

from sqlalchemy import ARRAY, Date, DateTime, Enum, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.inspections.runtime import Base
from shared.access import GridDutyCopy
from shared.events.contracts.registry import ProductionStatus, UnitKind


class SupervisedUnit(Base):
    """The inspections service's copy of a registry unit (受监管单位), fed by registry events.

    The flat fields are those of the newest snapshot (the highest `version`); what was true on
    each day is in `UnitState`.
    """

    __tablename__ = "supervised_unit"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(Enum(UnitKind, native_enum=False, length=32))
    production_status: Mapped[ProductionStatus] = mapped_column(
        Enum(ProductionStatus, native_enum=False, length=32)
    )
    key_supervision: Mapped[bool]
    grid_id: Mapped[uuid.UUID | None]
    registered_on: Mapped[date | None] = mapped_column(Date)  # the first day of its first state
    version: Mapped[int] = mapped_column(server_default="0")
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # time of the event it came from


class UnitState(Base):
    """What was true of a unit from one day to another, both inclusive (`valid_to` None: still true).

    A unit's states cover the days from its registration on without gaps; before its first state
    the unit did not exist. Replaced as a whole by each newer snapshot of the unit.
    """

    __tablename__ = "unit_state"

    unit_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    valid_from: Mapped[date] = mapped_column(Date, primary_key=True)
    valid_to: Mapped[date | None] = mapped_column(Date)
    production_status: Mapped[ProductionStatus] = mapped_column(
        Enum(ProductionStatus, native_enum=False, length=32)
    )
    key_supervision: Mapped[bool]
    grid_id: Mapped[uuid.UUID | None] = mapped_column(index=True)


class SupervisedGrid(Base):
    """The inspections service's copy of a registry grid: from which day to which it exists.

    An abolished grid stays as a tombstone (`deleted`, its last day in `valid_to`), so that no
    older snapshot arriving late brings it back. Who staffed it on a day is in `GridDuty`.
    """

    __tablename__ = "supervised_grid"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    zone_id: Mapped[uuid.UUID]
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    leader_person_id: Mapped[uuid.UUID | None]  # on the day of the snapshot
    member_person_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))  # on the day of the snapshot
    valid_from: Mapped[date | None] = mapped_column(Date)  # the first day it exists (设立日期)
    valid_to: Mapped[date | None] = mapped_column(Date)  # the last day, once abolished
    deleted: Mapped[bool] = mapped_column(server_default="false")
    version: Mapped[int] = mapped_column(server_default="0")
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # time of the event it came from


class GridDuty(GridDutyCopy, Base):
    __tablename__ = "grid_duty"
