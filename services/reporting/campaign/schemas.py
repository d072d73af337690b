import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    done_on: date | None


class PhaseOut(BaseModel):
    id: uuid.UUID
    name: str
    starts_on: date
    ends_on: date
    status: Literal["upcoming", "in_progress", "done", "behind"]
    progress: float
    tasks: list[TaskOut]
