import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from services.registry.responsibility.duties import ScopeType


class AssignmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: uuid.UUID = Field(title="责任人 / person")
    duty: str = Field(title="职责 / duty", description="one of GET /responsibilities/duties")
    scope_id: uuid.UUID = Field(title="责任对象 / the grid, unit, post or zone")
    valid_from: date = Field(title="起始日期 / first day (zone date)")
    valid_to: date | None = Field(None, title="终止日期 / last day, open if empty")
    note: str | None = Field(None, max_length=500)

    @field_validator("valid_to")
    @classmethod
    def _ends_after_it_starts(cls, value: date | None, info: ValidationInfo) -> date | None:
        starts = info.data.get("valid_from")
        if value is not None and starts is not None and value < starts:
            raise ValueError("终止日期早于起始日期 / the assignment ends before it starts")
        return value


class AssignmentEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    valid_to: date = Field(title="最后一天 / last day of the assignment")
    reason: str = Field(min_length=1, max_length=500, title="原因 / reason")


class AssignmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    duty: str
    scope_type: ScopeType
    scope_id: uuid.UUID
    valid_from: date
    valid_to: date | None
    note: str | None
    created_at: datetime
    end_reason: str | None
