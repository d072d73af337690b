import uuid
from datetime import date, datetime

from sqlalchemy import ARRAY, Date, DateTime, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.reporting.runtime import Base
from shared.events.contracts.inspections import DutyHolder, HazardState


class HazardFact(Base):
    """One hazard as the statistics count it (隐患统计口径), folded from its lifecycle events.

    The state is the latest snapshot's; the flags only ever turn on (`closed_on_time` only turns
    off, once it went overdue), so events folded in any order (a redelivery, a rebuild) give the
    same row.
    """

    __tablename__ = "hazard_fact"
    __table_args__ = (
        Index("ix_hazard_fact_reported_on", "reported_on"),
        Index("ix_hazard_fact_grid_reported_on", "grid_id", "reported_on"),
        Index("ix_hazard_fact_unit_reported_on", "unit_id", "reported_on"),
    )

    hazard_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID]
    grid_id: Mapped[uuid.UUID | None]
    grade: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(20))
    deadline: Mapped[date | None] = mapped_column(Date)
    reported_on: Mapped[date | None] = mapped_column(Date)  # local date
    reporter_id: Mapped[uuid.UUID | None]  # the user who reported it
    fixed_on_spot: Mapped[bool]
    deadline_ordered: Mapped[bool]
    ever_overdue: Mapped[bool]  # went past a deadline at some point, whatever deadline came later
    overdue_on: Mapped[date | None] = mapped_column(Date)  # local date it was first seen overdue
    escalated: Mapped[bool]  # reported up at once (major) or handed to enforcement
    closed_on: Mapped[date | None] = mapped_column(Date)  # local date
    closed_on_time: Mapped[bool | None]  # closed by its deadline and never overdue
    # the ledger's words and who did what (events before these were published carry none)
    location: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    found_by: Mapped[str | None] = mapped_column(String(100))
    measures: Mapped[str | None] = mapped_column(Text)
    responsible_person: Mapped[str | None] = mapped_column(String(100))
    rectified_on: Mapped[date | None] = mapped_column(Date)  # the latest fix reported done (local date)
    verified_by: Mapped[str | None] = mapped_column(String(100))
    verified_on: Mapped[date | None] = mapped_column(Date)
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# A report voided as mistaken (误报) was never a hazard: the ledger lists it, no figure counts it.
COUNTED_HAZARD = HazardFact.state != HazardState.voided


class InspectionFact(Base):
    """An inspection done (检查记录), as coverage and the assessment count it."""

    __tablename__ = "inspection_fact"
    __table_args__ = (Index("ix_inspection_fact_inspected_on", "inspected_on"),)

    inspection_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID]
    grid_id: Mapped[uuid.UUID | None]
    kind: Mapped[str] = mapped_column(String(30))
    inspector_id: Mapped[uuid.UUID]  # a user id
    inspected_on: Mapped[date] = mapped_column(Date)
    items: Mapped[int]
    failed: Mapped[int]


class MissedInspectionFact(Base):
    """A required inspection not done in its period (漏检)."""

    __tablename__ = "missed_inspection_fact"

    rule_code: Mapped[str] = mapped_column(String(60), primary_key=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    period_end: Mapped[date] = mapped_column(Date)
    inspection_kind: Mapped[str] = mapped_column(String(30))
    grid_id: Mapped[uuid.UUID | None]
    done: Mapped[int]
    required: Mapped[int]
    owed_by: Mapped[str] = mapped_column(String(20), server_default=DutyHolder.grid_member.value)
    responsible_person_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), server_default="{}")


class ReportingPerson(Base):
    """A person and their account, for the grid-member assessment (the grids: `GridDuty`)."""

    __tablename__ = "reporting_person"

    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(server_default="0")
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TrainingFact(Base):
    """A training or publicity session recorded (培训记录)."""

    __tablename__ = "training_fact"
    __table_args__ = (Index("ix_training_fact_held_on", "held_on"),)

    session_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID]
    grid_id: Mapped[uuid.UUID | None]
    kind: Mapped[str] = mapped_column(String(30))
    held_on: Mapped[date] = mapped_column(Date)


class MissedTrainingFact(Base):
    """A recurring training duty not done in its period (培训、考试、宣传未完成)."""

    __tablename__ = "missed_training_fact"

    rule_code: Mapped[str] = mapped_column(String(60), primary_key=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    period_end: Mapped[date | None] = mapped_column(Date)  # None: recorded before it was kept
    unit_id: Mapped[uuid.UUID]
    grid_id: Mapped[uuid.UUID | None]
    activity: Mapped[str] = mapped_column(String(30))
    owed_by: Mapped[str] = mapped_column(String(20), server_default=DutyHolder.enterprise.value)
    responsible_person_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), server_default="{}")
