import uuid
from enum import StrEnum

from pydantic import BaseModel, Field

from shared.events.contracts.registry import UnitKind
from shared.pagination import Page


class GroupBy(StrEnum):
    zone = "zone"  # 全区
    grid = "grid"  # 网格
    unit = "unit"  # 单位
    grade = "grade"  # 等级
    category = "category"  # 类别
    source = "source"  # 来源
    state = "state"  # 状态


class HazardFigures(BaseModel):
    """Hazards found in the period, and what has become of them (隐患统计)."""

    key: str | None = Field(description="the group: a grid or unit id, a grade, category, source or state")
    label: str = Field(description="the group's name for people")
    found: int = Field(description="排查发现")
    fixed_on_spot: int = Field(description="立改立销")
    under_deadline: int = Field(description="限期整改")
    overdue: int = Field(description="逾期")
    escalated: int = Field(description="上报/移交执法")
    rectified: int = Field(description="已整改(含待复查、已销号)")
    closed: int = Field(description="已销号")
    rectification_rate: float | None = Field(description="整改率 = 已整改 / 发现")
    on_time_rate: float | None = Field(description="按期销号率 = 按期销号 / 已销号")
    average_days_to_close: float | None = Field(description="平均销号天数")


class HazardStatistics(Page[HazardFigures]):
    """A page of the groups, the most hazards first."""

    period: str
    group_by: GroupBy
    total_groups: int


class CoverageRow(BaseModel):
    key: uuid.UUID | None
    label: str
    done: dict[str, int] = Field(description="inspections done, by kind")
    missed: int = Field(description="required inspections not done (漏检)")


class InspectionCoverage(BaseModel):
    period: str
    by_grid: list[CoverageRow]
    by_inspector: list[CoverageRow]


class TrendMonth(BaseModel):
    month: str = Field(description="2026-11")
    found: int = Field(description="排查发现")
    closed: int = Field(description="已销号")


class Dashboard(BaseModel):
    """The zone at a glance (全区概览)."""

    today: str
    units: dict[str, int]
    risk_colours: dict[str, int]
    open_hazards: dict[str, int]
    overdue_open: int
    this_month: HazardFigures
    monthly_risk_reports: dict[str, int]
    trend: list[TrendMonth] = Field(description="the 12 months up to this one: found and closed")


class TrainingCompliance(BaseModel):
    """Per unit: sessions recorded by kind, and duties missed by activity (§4.5 培训考试宣传)."""

    unit_id: uuid.UUID
    unit_name: str
    grid_id: uuid.UUID | None
    recorded: dict[str, int]
    missed: dict[str, int]


class TrainingStatistics(BaseModel):
    period: str
    units: list[TrainingCompliance]
    by_grid: dict[str, dict[str, int]] = Field(description="grid id -> recorded and missed totals")


class UnitCounts(BaseModel):
    total: int
    by_kind: dict[UnitKind, int]
