import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    ARRAY,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.inspections.runtime import Base
from shared.uploads import StoredFile


class EvidenceKind(StrEnum):
    photo = "photo"  # 照片
    sign_in_sheet = "sign_in_sheet"  # 签到表


class Team(Base):
    """A team (班组) of an enterprise: pre-shift training is owed per team and day."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("unit_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[uuid.UUID] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)


class UnitPerson(Base):
    """A person as inspections knows them: who belongs to which enterprise (fed by person.changed)."""

    __tablename__ = "unit_person"

    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    enterprise_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(100))
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TrainingSession(Base):
    """A training or publicity session held (培训/宣传记录)."""

    __tablename__ = "training_session"
    __table_args__ = (Index("ix_training_session_kind_held_on", "kind", "held_on"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[uuid.UUID] = mapped_column(index=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id"))
    kind: Mapped[str] = mapped_column(String(30))
    held_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(300))
    trainer: Mapped[str] = mapped_column(String(100))
    attendee_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    duration_minutes: Mapped[int]
    evidence_kind: Mapped[str] = mapped_column(String(20))
    evidence_ref: Mapped[str] = mapped_column(String(500))  # the photo's or sheet's file name or link
    recorded_by: Mapped[uuid.UUID]
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Exam(Base):
    """A monthly safety exam (月度安全考试) with each participant's score."""

    __tablename__ = "exam"
    __table_args__ = (Index("ix_exam_held_on", "held_on"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[uuid.UUID] = mapped_column(index=True)
    held_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(300))
    pass_mark: Mapped[float]
    recorded_by: Mapped[uuid.UUID]
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ExamResult(Base):
    __tablename__ = "exam_result"

    exam_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exam.id"), primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    score: Mapped[float]
    passed: Mapped[bool]


class PostHolder(Base):
    """A principal person or safety manager of a unit (三岗人员), as inspections knows them from the
    registry's assignments: each owes the annual re-examination training."""

    __tablename__ = "post_holder"

    assignment_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    duty: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[uuid.UUID] = mapped_column(index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TrainingEvidence(StoredFile, Base):
    """A photo or sign-in sheet (照片、签到表) of a training session, checked by its content."""

    __tablename__ = "training_evidence"

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("training_session.id"), index=True)
