import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from services.inspections.inspection.models import InspectionFileTag, InspectionKind, ItemResult
from shared.events.contracts.inspections import HazardGrade
from shared.inputs import Instant
from shared.uploads import StoredFileOut


class ChecklistItem(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    text: str = Field(min_length=1, max_length=500, title="检查内容")
    category: str = Field(min_length=1, max_length=60, title="隐患类别 / category of a hazard it raises")
    basis: str | None = Field(None, max_length=300, title="依据 / the clause the item comes from")
    major_criterion: bool = Field(
        False, title="重大事故隐患判定项 / an item of a major-hazard standard: its finding is graded major"
    )


class ChecklistIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(
        min_length=1, max_length=40, title="检查表编码; a new list under an existing code is its next version"
    )
    name: str = Field(min_length=1, max_length=200)
    items: list[ChecklistItem] = Field(min_length=1, max_length=500)


class ChecklistOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    version: int
    name: str
    items: list[ChecklistItem]


class FindingIn(BaseModel):
    """What a failed item found: it becomes a hazard in the ledger."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    grade: HazardGrade | None = Field(
        None, title="等级 / left out: major for a major-hazard criterion, general otherwise"
    )
    location: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1, max_length=5000)


class ItemAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    item_key: str
    result: ItemResult
    note: str | None = Field(None, max_length=2000)
    finding: FindingIn | None = Field(None, title="required when the result is fail")


class PositionIn(BaseModel):
    """Where the phone was (its GPS, WGS-84 degrees) when the inspection was done."""

    model_config = ConfigDict(extra="forbid")

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    accuracy_m: float | None = Field(None, ge=0, le=100_000, title="精度(米) / accuracy in metres")


class InspectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    unit_id: uuid.UUID
    kind: InspectionKind
    template_id: uuid.UUID
    inspected_on: date = Field(title="检查日期 / zone date")
    performed_at: Instant | None = Field(
        None, title="检查时间 / when the phone finished it (it may be sent later, from an offline queue)"
    )
    position: PositionIn | None = Field(None, title="检查位置 / the phone's GPS position, where it had one")
    notes: str | None = Field(None, max_length=5000)
    answers: list[ItemAnswer] = Field(min_length=1)


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    item_key: str
    result: ItemResult
    note: str | None
    hazard_id: uuid.UUID | None


class InspectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str = ""
    grid_id: uuid.UUID | None
    kind: InspectionKind
    template_id: uuid.UUID
    inspector_id: uuid.UUID
    inspector_name: str
    inspected_on: date
    notes: str | None
    recorded_at: datetime
    performed_at: datetime | None
    latitude: float | None
    longitude: float | None
    accuracy_m: float | None
    items: list[ItemOut] = []


class InspectionFileOut(StoredFileOut):
    inspection_id: uuid.UUID
    tag: InspectionFileTag
    signer: str | None
