"""The local rules of the inspections service, as effective-dated data (see `shared.zone_rules`)."""

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from services.inspections.rules.models import ZoneRuleVersion
from shared.zone_rules import ZoneRule

Hours = Annotated[float, Field(gt=0, le=1000)]


class RepeatWindow(BaseModel):
    """A rolling window of days and how many major-hazard penalties in it make a repeat offender."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    days: int = Field(ge=1, le=3660)
    penalties: int = Field(ge=1, le=100)


FIRST_YEAR_HOURS = ZoneRule(
    key="training.first_year_hours",
    label="主要负责人、安全管理人员初次培训学时 / first-year training hours of principal persons and safety managers",
    value_type=Hours,
    default=32.0,
    source="《生产经营单位安全培训规定》(国家安全监管总局令第3号) 第九条",
)
YEARLY_HOURS = ZoneRule(
    key="training.yearly_hours",
    label="主要负责人、安全管理人员每年再培训学时 / yearly re-training hours of principal persons and safety managers",
    value_type=Hours,
    default=12.0,
    source="《生产经营单位安全培训规定》(国家安全监管总局令第3号) 第九条",
)
REPEAT_OFFENDER = ZoneRule(
    key="penalties.repeat_offender_windows",
    label="重大隐患屡罚关闭的期限与次数 / the windows and counts of major-hazard penalties that make a repeat offender",
    value_type=Annotated[list[RepeatWindow], Field(min_length=1, max_length=4)],
    default=[RepeatWindow(days=180, penalties=3), RepeatWindow(days=365, penalties=4)],
    source="《中华人民共和国安全生产法》(2021年修正) 第一百一十三条",
)

RULES = {rule.key: rule for rule in (FIRST_YEAR_HOURS, YEARLY_HOURS, REPEAT_OFFENDER)}


def value_on(session: Session, rule: ZoneRule, day: date) -> Any:
    """The rule's value in force on `day`, in its type."""
    return rule.value_on(session, ZoneRuleVersion, day)
