import uuid

from pydantic import BaseModel


class ScoreItem(BaseModel):
    metric: str
    label: str
    count: int
    weight: float
    points: float


class PersonScore(BaseModel):
    rank: int
    person_id: uuid.UUID
    name: str
    roles: list[str]
    grids: list[str]
    score: float
    items: list[ScoreItem]


class Assessment(BaseModel):
    month: str
    weights: dict[str, float]
    scores: list[PersonScore]
