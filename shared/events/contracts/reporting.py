"""Events published by the reporting service: reports filed by units, and reports not filed in time."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from shared.events.contracts.base import EventContract


class ReportKind(StrEnum):
    monthly_risk = "monthly_risk"  # 月度风险分析报告(附件7)
    quarterly_statistics = "quarterly_statistics"  # 季度隐患统计报表
    annual_statistics = "annual_statistics"  # 年度隐患统计报表


class ReportFiledV1(EventContract):
    """A unit filed a report (报告已报送); a second filing of the same period is a new version."""

    event_type = "report.filed"
    event_version = 1

    filing_id: uuid.UUID
    unit_id: uuid.UUID
    kind: ReportKind
    period: str  # 2026-11, 2026-Q3 or 2026
    version: int
    due_on: date
    late: bool
    filed_at: datetime


class ReportOverdueV1(EventContract):
    """A unit had not filed a report by its due date (逾期未报), once per unit, kind and period."""

    event_type = "report.overdue"
    event_version = 1

    unit_id: uuid.UUID
    grid_id: uuid.UUID | None
    kind: ReportKind
    period: str
    due_on: date


class ReportDueV1(ReportOverdueV1):
    """A unit has not yet filed a report due in a few days (报送提醒), once per unit, kind and period."""

    event_type = "report.due"
    event_version = 1
