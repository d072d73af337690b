import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.contracts.reporting import ReportKind
from shared.periods import REPORTING_PERIOD_PATTERN
from shared.uploads import StoredFileOut


class RiskAndMeasures(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    risk: str = Field(min_length=1, max_length=500, title="主要风险 / main risk")
    measures: str = Field(min_length=1, max_length=2000, title="管控措施 / measures")


class MonthlyRiskContent(BaseModel):
    """月度风险分析报告 (附件7): what the unit found wanting this month and how it controls its risks."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    shortcomings: str = Field(min_length=1, max_length=5000, title="存在的不足 / shortcomings")
    weak_points: str = Field(min_length=1, max_length=5000, title="薄弱环节 / weak points")
    difficulties: str = Field(min_length=1, max_length=5000, title="困难和问题 / difficulties")
    main_risks: list[RiskAndMeasures] = Field(min_length=1, max_length=50, title="主要风险及管控措施")
    free_text: str | None = Field(None, max_length=10000, title="其他 / anything else")


class StatisticsContent(BaseModel):
    """季度/年度隐患统计报表: the unit's own figures for the period, signed by its principal person."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    hazards_found: int = Field(ge=0, title="排查隐患数")
    major_hazards: int = Field(ge=0, title="其中重大隐患")
    hazards_rectified: int = Field(ge=0, title="已整改数")
    investment_yuan: float = Field(0, ge=0, title="整改投入资金(元)")
    remarks: str | None = Field(None, max_length=5000, title="说明")
    signed_by: str = Field(
        min_length=1, max_length=100, title="主要负责人签字 / signed by the principal person"
    )


class FilingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID
    kind: ReportKind
    period: str = Field(
        description="2026-11 for a monthly report, 2026-Q3 quarterly, 2026 annual",
        pattern=REPORTING_PERIOD_PATTERN,
    )
    monthly_risk: MonthlyRiskContent | None = Field(None, description="required for kind monthly_risk")
    statistics: StatisticsContent | None = Field(None, description="required for the statistics kinds")


class FilingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    unit_id: uuid.UUID
    kind: ReportKind
    period: str
    version: int
    content: dict[str, Any]
    signed_by: str | None
    filed_by: uuid.UUID
    filed_at: datetime
    due_on: date
    late: bool


FilingState = Literal["on_time", "late", "missing", "not_yet_due"]


class UnitFilingStatus(BaseModel):
    unit_id: uuid.UUID
    unit_name: str
    grid_id: uuid.UUID | None
    status: FilingState
    versions: int
    filed_at: datetime | None


class FilingStatus(BaseModel):
    """Who filed a report for a period on time, late, or not at all (报送情况)."""

    kind: ReportKind
    period: str
    due_on: date
    counts: dict[FilingState, int]
    units: list[UnitFilingStatus]
    main_risks: list[dict[str, str]] = Field(
        description="monthly risk reports: each unit's main risks, latest version"
    )


class AttachmentOut(StoredFileOut):
    filing_id: uuid.UUID
