"""Reporting periods (统计期): a month `2026-11`, a quarter `2026-Q3` or a year `2026`, and when
each kind of report for a period is due."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from shared.errors import InvalidInput
from shared.events.contracts.registry import ProductionStatus, UnitKind
from shared.events.contracts.reporting import ReportKind
from shared.settings import get_settings


class PeriodKind(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date  # first day
    end: date  # the day after the last

    @property
    def label(self) -> str:
        match self.kind:
            case PeriodKind.month:
                return f"{self.start:%Y-%m}"
            case PeriodKind.quarter:
                return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def chinese(self) -> str:
        match self.kind:
            case PeriodKind.month:
                return f"{self.start.year}年{self.start.month}月"
            case PeriodKind.quarter:
                return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年"

    def previous(self) -> "Period":
        return containing(self.kind, self.start - timedelta(days=1))


PATTERN = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])))?$")


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def parse_period(text: str, field: str = "period") -> Period:
    """`2026-11`, `2026-Q3` or `2026`; anything else is a 422 naming the field."""
    match = PATTERN.match(text.strip())
    if (
        not match
        or not 2000 <= int(match.group(1)) <= 2100
        or (match.group(2) and not 1 <= int(match.group(2)) <= 12)
    ):
        raise InvalidInput(
            f"统计期格式应为 2026-11、2026-Q3 或 2026 / {field} must look like 2026-11, 2026-Q3 or 2026, not {text!r}",
            field=field,
        )
    year = int(match.group(1))
    if match.group(2):
        start = date(year, int(match.group(2)), 1)
        return Period(PeriodKind.month, start, _next_month(start))
    if match.group(3):
        start = date(year, 3 * int(match.group(3)) - 2, 1)
        return Period(PeriodKind.quarter, start, _next_month(_next_month(_next_month(start))))
    return Period(PeriodKind.year, date(year, 1, 1), date(year + 1, 1, 1))


def containing(kind: PeriodKind, day: date) -> Period:
    match kind:
        case PeriodKind.month:
            return parse_period(f"{day:%Y-%m}")
        case PeriodKind.quarter:
            return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return parse_period(str(day.year))


# Which period each report covers, and when it is due: the monthly risk report by a day of its
# own month (the 20th); the quarterly statistics by the 15th of the month after the quarter; the
# annual statistics by January 31 of the next year.
REPORT_PERIOD = {
    ReportKind.monthly_risk: PeriodKind.month,
    ReportKind.quarterly_statistics: PeriodKind.quarter,
    ReportKind.annual_statistics: PeriodKind.year,
}


def report_due_on(kind: ReportKind, period: Period) -> date:
    match kind:
        case ReportKind.monthly_risk:
            return period.start.replace(day=get_settings().monthly_report_due_day)
        case ReportKind.quarterly_statistics:
            return period.end.replace(day=15)
    return period.end.replace(day=31)


def parse_month(text: str, field: str = "month") -> Period:
    period = parse_period(text, field)
    if period.kind != PeriodKind.month:
        raise InvalidInput(
            f"需要月份,如 2026-11 / {field} must be a month like 2026-11, not {text!r}", field=field
        )
    return period


def owes_report(kind: ReportKind, unit_kind: str, production_status: str) -> bool:
    """Every operating enterprise and site files the monthly risk report; enterprises the statistics."""
    if production_status == ProductionStatus.closed:
        return False
    return kind == ReportKind.monthly_risk or unit_kind == UnitKind.enterprise
