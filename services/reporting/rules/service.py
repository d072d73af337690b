"""Reporting's local rules (地方规定), kept as effective-dated data: the assessment's weights, the
monthly risk report's due day and how early units are reminded of a report.

A month is judged by the rules in force on its first day, so a change from a later day never
rewrites a month already begun or past; the reminder check reads the rule in force on its day.
"""

from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field
from sqlalchemy.orm import Session
from typing_extensions import TypedDict

from services.reporting.rules.models import ZoneRuleVersion
from shared.events.contracts.reporting import ReportKind
from shared.periods import Period, report_due_on
from shared.zone_rules import ZoneRule

Points = Annotated[float, Field(ge=-100, le=100)]


class AssessmentWeights(TypedDict):
    """Points per counted item of the monthly grid staff assessment (网格员考核), every metric named."""

    __pydantic_config__ = ConfigDict(extra="forbid")  # type: ignore[misc]

    inspections_done: Points
    hazards_found: Points
    closed_on_time: Points
    overdue: Points
    escalated: Points
    missed_inspections: Points
    missed_training: Points


WORK_PLAN = "网格化监管工作方案 / the zone's grid supervision work plan"

ASSESSMENT_WEIGHTS = ZoneRule(
    key="assessment_weights",
    label="网格员考核计分 / points per item in the monthly grid staff assessment",
    value_type=AssessmentWeights,
    default={
        "inspections_done": 2.0,
        "hazards_found": 1.0,
        "closed_on_time": 1.0,
        "overdue": -2.0,
        "escalated": 1.0,
        "missed_inspections": -3.0,
        "missed_training": -1.0,
    },
    source=WORK_PLAN,
)
MONTHLY_REPORT_DUE_DAY = ZoneRule(
    key="monthly_report_due_day",
    label="月度风险分析报告报送日 / the day of its month the monthly risk report is due by",
    value_type=Annotated[int, Field(ge=1, le=28)],
    default=20,
    source=WORK_PLAN,
)
REPORT_REMINDER_DAYS = ZoneRule(
    key="report_reminder_days_before",
    label="报送提醒提前天数 / days before a report's due date units that have not filed are reminded",
    value_type=Annotated[int, Field(ge=0, le=60)],
    default=3,
    source=WORK_PLAN,
)
RULES = {rule.key: rule for rule in (ASSESSMENT_WEIGHTS, MONTHLY_REPORT_DUE_DAY, REPORT_REMINDER_DAYS)}


def rule_on(session: Session, rule: ZoneRule, day: date):  # noqa: ANN201 - the rule's value type
    return rule.value_on(session, ZoneRuleVersion, day)


def due_on(session: Session, kind: ReportKind, period: Period) -> date:
    """When a report of `kind` for `period` is due, by the due day in force when the period began."""
    return report_due_on(kind, period, rule_on(session, MONTHLY_REPORT_DUE_DAY, period.start))
