import uuid
from datetime import date, datetime

from pydantic import MISSING, BaseModel, ConfigDict, Field, field_validator

from services.registry.enterprise.credit_code import credit_code_problem
from shared.events.contracts.registry import ProductionStatus, RiskColour, UnitKind
from shared.inputs import Day

EFFECTIVE_ON = "生效日期 / the first day the change is true (zone date): today if left out; a past day needs a reason; a future day takes effect then"


class EnterpriseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200, title="企业名称 / name")
    credit_code: str = Field(title="统一社会信用代码 / unified social credit code")
    kind: UnitKind = Field(UnitKind.enterprise, title="类型 / kind")
    industry: str | None = Field(None, max_length=100, title="行业 / industry")
    address: str | None = Field(None, max_length=300, title="地址 / address")
    longitude: float | None = Field(None, ge=-180, le=180, title="经度 / longitude (WGS84)")
    latitude: float | None = Field(None, ge=-90, le=90, title="纬度 / latitude (WGS84)")
    production_status: ProductionStatus = Field(ProductionStatus.operating, title="生产状态")
    key_supervision: bool = Field(False, title="重点监管 / key supervision")
    legal_representative: str | None = Field(None, max_length=100, title="法定代表人")
    responsible_head: str | None = Field(None, max_length=100, title="企业负责人")
    responsible_phone: str | None = Field(None, max_length=30, title="负责人电话")
    grid_id: uuid.UUID | None = Field(
        None, title="所属网格 / grid; suggested from the coordinates when not given"
    )
    registered_on: Day | None = Field(
        None,
        title="登记日期 / registration day",
        description="the first day the unit is supervised (zone date): today if left out; an earlier day needs a reason; never a later one",
    )
    reason: str | None = Field(None, max_length=500, title="原因 / why it is registered from a past day")

    @field_validator("credit_code")
    @classmethod
    def _valid_credit_code(cls, value: str) -> str:
        value = value.strip().upper()
        problem = credit_code_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class EnterpriseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    credit_code: str
    kind: UnitKind
    industry: str | None
    address: str | None
    longitude: float | None
    latitude: float | None
    production_status: ProductionStatus
    key_supervision: bool
    legal_representative: str | None
    responsible_head: str | None
    responsible_phone: str | None
    risk_colour: RiskColour | None
    grid_id: uuid.UUID
    registered_on: date
    version: int
    created_at: datetime
    updated_at: datetime


class EnterpriseUpdate(BaseModel):
    """Details that may be corrected; status and grid have their own endpoints (with reasons)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # A field left out stays as it is; null clears only what may be empty (typed `| None`).
    name: str | MISSING = Field(MISSING, min_length=1, max_length=200)
    industry: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=300)
    longitude: float | None = Field(None, ge=-180, le=180)
    latitude: float | None = Field(None, ge=-90, le=90)
    key_supervision: bool | MISSING = MISSING
    legal_representative: str | None = Field(None, max_length=100)
    responsible_head: str | None = Field(None, max_length=100)
    responsible_phone: str | None = Field(None, max_length=30)
    reason: str | None = Field(None, max_length=500, title="变更原因 / why")


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    production_status: ProductionStatus
    reason: str = Field(min_length=1, max_length=500, title="原因 / reason")
    effective_on: Day | None = Field(None, description=EFFECTIVE_ON)


class GridMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grid_id: uuid.UUID
    reason: str = Field(min_length=1, max_length=500, title="原因 / reason")
    effective_on: Day | None = Field(None, description=EFFECTIVE_ON)


class StateChange(BaseModel):
    """A dated change of any of a unit's dated facts; those left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    production_status: ProductionStatus | MISSING = MISSING
    key_supervision: bool | MISSING = MISSING
    grid_id: uuid.UUID | MISSING = MISSING
    effective_on: Day | None = Field(None, description=EFFECTIVE_ON)
    reason: str | None = Field(None, max_length=500, title="原因 / reason (needed for a past day)")

    def changes(self) -> dict[str, object]:
        return self.model_dump(exclude_unset=True, exclude={"effective_on", "reason"})


class UnitStateOut(BaseModel):
    """What was true of a unit from one day to another (both inclusive; `valid_to` null: still true)."""

    model_config = ConfigDict(from_attributes=True)

    valid_from: date
    valid_to: date | None
    production_status: ProductionStatus
    key_supervision: bool
    grid_id: uuid.UUID
    recorded_at: datetime


class EnterpriseChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    field: str
    old_value: str | None
    new_value: str | None
    reason: str | None
    effective_on: date
    changed_by: uuid.UUID | None
    changed_at: datetime
