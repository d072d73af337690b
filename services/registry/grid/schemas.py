import uuid
from datetime import date, datetime
from typing import Any

from pydantic import MISSING, BaseModel, ConfigDict, Field

from shared.inputs import Day


class ZoneCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=40, title="辖区编码 / zone code")
    name: str = Field(min_length=1, max_length=200, title="辖区名称 / zone name")


class ZoneOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str


class GridCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    zone_id: uuid.UUID
    code: str = Field(min_length=1, max_length=40, title="网格编码 / grid code")
    name: str = Field(min_length=1, max_length=200, title="网格名称 / grid name")
    boundary: dict[str, Any] = Field(title="边界 / boundary: GeoJSON Polygon or MultiPolygon, WGS84")
    valid_from: Day | None = Field(
        None,
        title="设立日期 / first day the grid exists",
        description="zone date: today if left out; a past day needs a reason; a future day is allowed",
    )
    reason: str | None = Field(None, max_length=500, title="原因 / why (needed for a past day)")


class GridUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # A field left out stays as it is; neither may be null.
    name: str | MISSING = Field(MISSING, min_length=1, max_length=200)
    boundary: dict[str, Any] | MISSING = MISSING


class GridOut(BaseModel):
    id: uuid.UUID
    zone_id: uuid.UUID
    code: str
    name: str
    boundary: dict[str, Any]
    leader_person_id: uuid.UUID | None = Field(title="分管领导 / leader today")
    member_person_ids: list[uuid.UUID] = Field(title="网格员 / members today")
    unit_count: int
    valid_from: date = Field(title="设立日期 / first day the grid exists")
    version: int
    updated_at: datetime
