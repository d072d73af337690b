"""一企一档: the sections of a unit's dossier that inspections and reporting serve to the registry.

The registry gathers the dossier (`GET /enterprises/{id}/dossier`) from its own records and from
these two sections, which it reads from `GET /units/{id}/dossier` of inspections and reporting with
the caller's own token. The models here are the contract both sides validate against. Each list
holds the latest `DOSSIER_LIST_ROWS` rows, newest first, and says how many there are in all.
"""

import uuid
from datetime import date, datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from shared.events.contracts.inspections import HazardGrade, HazardSource, HazardState
from shared.events.contracts.registry import RiskColour

DOSSIER_LIST_ROWS = 200

T = TypeVar("T")


class Latest(BaseModel, Generic[T]):
    """The latest rows of a list (newest first) and how many there are in all."""

    total: int
    items: list[T]


class RiskAssessmentRow(BaseModel):
    target: str
    method: str
    score: float
    colour: RiskColour
    band_label: str
    assessed_at: datetime


class InspectionRow(BaseModel):
    id: uuid.UUID
    kind: str
    inspected_on: date
    inspector_name: str
    items: int
    failed: int
    notes: str | None


class HazardRow(BaseModel):
    id: uuid.UUID
    reported_at: datetime
    category: str
    grade: HazardGrade
    source: HazardSource
    location: str
    description: str
    state: HazardState
    deadline: date | None
    overdue: bool
    closed_at: datetime | None


class TrainingRow(BaseModel):
    held_on: date
    kind: str
    topic: str
    trainer: str
    attendees: int
    duration_minutes: int


class ExamRow(BaseModel):
    held_on: date
    topic: str
    pass_mark: float
    candidates: int
    passed: int


class PenaltyRow(BaseModel):
    decided_on: date
    decision_number: str
    description: str | None
    hazard_id: uuid.UUID


class InspectionsSection(BaseModel):
    """What inspections knows of a unit: risk, inspections, hazards, training and exams, penalties."""

    risk_assessments: Latest[RiskAssessmentRow]
    inspections: Latest[InspectionRow]
    hazards: Latest[HazardRow]
    open_hazards: int = Field(description="hazards not yet closed or voided")
    overdue_hazards: int
    trainings: Latest[TrainingRow]
    exams: Latest[ExamRow]
    penalties: Latest[PenaltyRow]
    penalties_365_days: int
    repeat_offender: bool


class FilingRow(BaseModel):
    kind: str
    period: str
    version: int
    filed_at: datetime
    due_on: date
    late: bool
    signed_by: str | None


class ReportingSection(BaseModel):
    """What reporting knows of a unit: its filings (every version, newest first)."""

    filings: Latest[FilingRow]
