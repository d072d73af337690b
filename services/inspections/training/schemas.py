import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from services.inspections.training.models import EvidenceKind
from shared.events.contracts.inspections import TrainingKind
from shared.uploads import StoredFileOut


class TeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100, title="班组名称 / team name")


class TeamOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    unit_id: uuid.UUID
    name: str
    active: bool


class TrainingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    unit_id: uuid.UUID
    team_id: uuid.UUID | None = Field(None, description="required for pre-shift training (班前培训)")
    kind: TrainingKind
    held_on: date
    topic: str = Field(min_length=1, max_length=300, title="培训主题")
    trainer: str = Field(min_length=1, max_length=100, title="培训人")
    attendee_ids: list[uuid.UUID] = Field(min_length=1, max_length=2000, title="参训人员 (person ids)")
    duration_minutes: int = Field(ge=5, le=24 * 60, title="时长(分钟)")
    evidence_kind: EvidenceKind
    evidence_ref: str = Field(
        min_length=1, max_length=500, title="照片或签到表 / the photo's or sheet's file or link"
    )


class TrainingOut(TrainingIn):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    recorded_by: uuid.UUID
    recorded_at: datetime


class Score(BaseModel):
    person_id: uuid.UUID
    score: float = Field(ge=0, le=100, title="成绩 0-100")


class ExamIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    unit_id: uuid.UUID
    held_on: date
    topic: str = Field(min_length=1, max_length=300)
    pass_mark: float = Field(ge=0, le=100, title="及格线")
    scores: list[Score] = Field(min_length=1, max_length=2000)


class ExamOut(BaseModel):
    id: uuid.UUID
    unit_id: uuid.UUID
    held_on: date
    topic: str
    pass_mark: float
    scores: list[Score]
    must_retake: list[uuid.UUID] = Field(description="who failed and must retake (补考)")


class TrainingHours(BaseModel):
    """A person's training hours in a year against the legal minimum (三岗人员年度再培训学时)."""

    person_id: uuid.UUID
    year: int
    hours: float
    required_hours: float
    enough: bool


class TrainingEvidenceOut(StoredFileOut):
    session_id: uuid.UUID
