import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Enum, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from services.inspections.runtime import Base
from shared.periods import PeriodKind


class CadenceRule(Base):
    """A recurring duty (检查频次): who must do what for which subjects, how often, with what grace.

    Rules are data with the work plan's values as defaults (seeded by the migration) and can be
    changed through the API. `subject` says what each obligation is about: every unit, key units
    only, every grid, every team (班组), or every principal person and safety manager (三岗人员). `record` says what counts as done: inspections of the
    kind named by `activity`, training sessions of that kind, or exams.
    """

    __tablename__ = "cadence_rule"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    record: Mapped[str] = mapped_column(String(20))  # inspection | training | exam
    activity: Mapped[str] = mapped_column(String(30))  # the inspection or training kind counted
    subject: Mapped[str] = mapped_column(
        String(20)
    )  # all_units | key_units | grids | teams | three_post_people
    period: Mapped[PeriodKind] = mapped_column(Enum(PeriodKind, name="period", native_enum=False, length=20))
    required: Mapped[int] = mapped_column(Integer)
    grace_days: Mapped[int] = mapped_column(Integer)
    # days into the period after which a duty not yet done is reminded (e.g. 19: from the 20th)
    remind_after_days: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class MissedNotice(Base):
    """A due reminder or a missed notice already emitted for one rule, subject and period: once each."""

    __tablename__ = "missed_notice"
    __table_args__ = (UniqueConstraint("rule_code", "subject_id", "period_start", "notice"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    notice: Mapped[str] = mapped_column(String(10))  # due | missed
    rule_code: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[uuid.UUID]
    period_start: Mapped[date] = mapped_column(Date)
    emitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
