import uuid
from datetime import date

from pydantic import BaseModel


class ScoreItem(BaseModel):
    metric: str
    label: str
    count: int
    weight: float
    points: float


class DutyHeld(BaseModel):
    """A grid duty the person held in the month, clipped to the month and the grid's life."""

    grid_id: uuid.UUID
    grid: str
    duty: str | None  # grid_leader | grid_member
    valid_from: date
    valid_to: date
    days: int


class PersonScore(BaseModel):
    rank: int
    person_id: uuid.UUID
    name: str
    roles: list[str]
    grids: list[str]
    duties: list[DutyHeld]
    score: float
    items: list[ScoreItem]


class Assessment(BaseModel):
    month: str
    weights: dict[str, float]  # the zone rule in force on the month's first day
    scores: list[PersonScore]


class EnterpriseCompliance(BaseModel):
    """A unit's own recurring duties it missed in the month (企业自查、班前培训...), by rule."""

    unit_id: uuid.UUID
    unit_name: str
    grid_id: uuid.UUID | None
    missed_inspections: int
    missed_training: int
    by_rule: dict[str, int]
