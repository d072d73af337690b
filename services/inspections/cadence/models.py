import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Identity,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.inspections.runtime import Base
from shared.events.contracts.inspections import DutyHolder
from shared.periods import PeriodKind


class CadenceRule(Base):
    """A recurring duty (检查频次): who must do what for which subjects, how often.

    What the duty is stays fixed: `subject` says what each obligation is about (every unit, key
    units only, every grid, every team (班组), or every principal person and safety manager
    (三岗人员)); `record` what counts as done (inspections of the kind named by `activity`,
    training sessions of that kind, or exams); `owed_by` who owes it. How often, with what grace
    and whether it is in force are dated: see `CadenceRuleVersion`.
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
    owed_by: Mapped[DutyHolder] = mapped_column(Enum(DutyHolder, native_enum=False, length=20))


class CadenceRuleVersion(Base):
    """A rule's terms from one day on, until the next version: never edited once its day is past.

    A period is judged by the version in force on its first day.
    """

    __tablename__ = "cadence_rule_version"
    __table_args__ = (UniqueConstraint("rule_code", "valid_from"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    rule_code: Mapped[str] = mapped_column(ForeignKey("cadence_rule.code"))
    valid_from: Mapped[date] = mapped_column(Date)
    required: Mapped[int] = mapped_column(Integer)
    grace_days: Mapped[int] = mapped_column(Integer)
    # days into the period after which a duty not yet done is reminded (e.g. 19: from the 20th)
    remind_after_days: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool]
    # a daily duty is owed on the zone's working days only, unless it counts every calendar day
    calendar_days: Mapped[bool]
    source: Mapped[str] = mapped_column(Text)  # the document or decision the terms come from
    reason: Mapped[str | None] = mapped_column(Text)  # why, for a version starting in the past
    recorded_by: Mapped[uuid.UUID | None]
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CadenceCheck(Base):
    """How far the missed-duty check has come for a rule: every period up to this day is checked."""

    __tablename__ = "cadence_check"

    rule_code: Mapped[str] = mapped_column(ForeignKey("cadence_rule.code"), primary_key=True)
    checked_through: Mapped[date] = mapped_column(Date)  # the last day of the latest period checked


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
