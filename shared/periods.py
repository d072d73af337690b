"""Calendar periods of the zone (统计期、检查周期): a day, an ISO week (Monday first), a month, a
quarter, a half year or a year; and when each kind of report for a period is due.

One convention everywhere: a period is half-open, [start, end). `start` is its first day and
`end` the first day after it, so a day is in it when `start <= day < end`, and one period's end
is the next one's start. `last_day` is `end - 1 day`, for where people (and the `period_end`
fields of events and cadence statuses) name the last day itself.
"""

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, SQLColumnExpression, and_

from shared.errors import InvalidInput
from shared.events.contracts.registry import ProductionStatus, UnitKind
from shared.events.contracts.reporting import ReportKind


class PeriodKind(StrEnum):
    day = "day"
    week = "week"  # ISO 8601: Monday to Sunday, numbered within its ISO year
    month = "month"
    quarter = "quarter"
    half_year = "half_year"
    year = "year"


MONTHS = {PeriodKind.month: 1, PeriodKind.quarter: 3, PeriodKind.half_year: 6, PeriodKind.year: 12}
# How each kind is written, as shown in messages: 2026-11-29, 2026-W48, 2026-11, 2026-Q4, 2026-H2, 2026
EXAMPLES = {
    PeriodKind.day: "2026-11-29",
    PeriodKind.week: "2026-W48",
    PeriodKind.month: "2026-11",
    PeriodKind.quarter: "2026-Q3",
    PeriodKind.half_year: "2026-H2",
    PeriodKind.year: "2026",
}
# The periods statistics and reports are asked for
REPORTING_KINDS = (PeriodKind.month, PeriodKind.quarter, PeriodKind.year)


def _add_months(first: date, months: int) -> date:
    index = first.month - 1 + months
    return date(first.year + index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date  # the first day, in the period
    end: date  # the day after the last, not in the period

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def _number(self) -> int:
        """The week of the ISO year, or the quarter or half of the year."""
        match self.kind:
            case PeriodKind.week:
                return self.start.isocalendar().week
            case PeriodKind.quarter:
                return (self.start.month - 1) // 3 + 1
        return (self.start.month - 1) // 6 + 1

    @property
    def label(self) -> str:
        """How the period is written in URLs, filings and events: see EXAMPLES."""
        match self.kind:
            case PeriodKind.day:
                return self.start.isoformat()
            case PeriodKind.week:
                return f"{self.start.isocalendar().year}-W{self._number:02d}"
            case PeriodKind.month:
                return f"{self.start:%Y-%m}"
            case PeriodKind.quarter:
                return f"{self.start.year}-Q{self._number}"
            case PeriodKind.half_year:
                return f"{self.start.year}-H{self._number}"
        return str(self.start.year)

    @property
    def chinese(self) -> str:
        match self.kind:
            case PeriodKind.day:
                return f"{self.start.year}年{self.start.month}月{self.start.day}日"
            case PeriodKind.week:
                return f"{self.start.isocalendar().year}年第{self._number}周"
            case PeriodKind.month:
                return f"{self.start.year}年{self.start.month}月"
            case PeriodKind.quarter:
                return f"{self.start.year}年第{self._number}季度"
            case PeriodKind.half_year:
                return f"{self.start.year}年{'上' if self._number == 1 else '下'}半年"
        return f"{self.start.year}年"

    @property
    def english(self) -> str:
        match self.kind:
            case PeriodKind.day:
                return f"{self.start:%d %B %Y}"
            case PeriodKind.week:
                return f"week {self._number} of {self.start.isocalendar().year}"
            case PeriodKind.month:
                return f"{self.start:%B %Y}"
            case PeriodKind.quarter:
                return f"Q{self._number} {self.start.year}"
            case PeriodKind.half_year:
                return f"H{self._number} {self.start.year}"
        return str(self.start.year)

    def includes(self, day: SQLColumnExpression[date | None]) -> ColumnElement[bool]:
        """The SQL condition that a date column falls in the period."""
        return and_(day >= self.start, day < self.end)

    def previous(self) -> "Period":
        return containing(self.kind, self.start - timedelta(days=1))

    def next(self) -> "Period":
        return containing(self.kind, self.end)


def containing(kind: PeriodKind, day: date) -> Period:
    """The period of this kind that holds `day`."""
    match kind:
        case PeriodKind.day:
            return Period(kind, day, day + timedelta(days=1))
        case PeriodKind.week:
            start = day - timedelta(days=day.weekday())
            return Period(kind, start, start + timedelta(days=7))
    months = MONTHS[kind]
    start = date(day.year, (day.month - 1) // months * months + 1, 1)
    return Period(kind, start, _add_months(start, months))


# What a reporting period (a month, a quarter or a year, 2000-2100) and a month look like, for
# the OpenAPI of the parameters that take them; parse_period still says what is wrong with others.
YEAR = r"(?:20\d\d|2100)"
REPORTING_PERIOD_PATTERN = rf"^{YEAR}(?:-(?:0[1-9]|1[0-2])|-Q[1-4])?$"
MONTH_PATTERN = rf"^{YEAR}-(?:0[1-9]|1[0-2])$"

PATTERN = re.compile(
    r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})(?:-(?P<day>\d{2}))?|W(?P<week>\d{2})|Q(?P<quarter>[1-4])|H(?P<half>[12])))?$"
)


def _parsed(text: str) -> Period | None:
    match = PATTERN.match(text.strip())
    if not match or not 2000 <= int(match["year"]) <= 2100:
        return None
    year = int(match["year"])
    try:
        if match["day"]:
            return containing(PeriodKind.day, date(year, int(match["month"]), int(match["day"])))
        if match["month"]:
            return containing(PeriodKind.month, date(year, int(match["month"]), 1))
        if match["week"]:
            return containing(PeriodKind.week, date.fromisocalendar(year, int(match["week"]), 1))
    except ValueError:  # no such month, day or week
        return None
    if match["quarter"]:
        return containing(PeriodKind.quarter, date(year, 3 * int(match["quarter"]), 1))
    if match["half"]:
        return containing(PeriodKind.half_year, date(year, 6 * int(match["half"]), 1))
    return containing(PeriodKind.year, date(year, 1, 1))


def parse_period(text: str, field: str = "period", kinds: Collection[PeriodKind] = REPORTING_KINDS) -> Period:
    """A period of one of `kinds` written as in EXAMPLES; anything else is a 422 naming the field."""
    period = _parsed(text)
    if period is None or period.kind not in kinds:
        *others, last = [EXAMPLES[kind] for kind in PeriodKind if kind in kinds]
        zh = f"{'、'.join(others)} 或 {last}" if others else last
        en = f"{', '.join(others)} or {last}" if others else last
        raise InvalidInput(f"统计期格式应为 {zh} / {field} must look like {en}, not {text!r}", field=field)
    return period


# Which period each report covers, and when it is due: the monthly risk report by a day of its
# own month (a zone rule, the 20th by default); the quarterly statistics by the 15th of the month
# after the quarter; the annual statistics by January 31 of the next year.
REPORT_PERIOD = {
    ReportKind.monthly_risk: PeriodKind.month,
    ReportKind.quarterly_statistics: PeriodKind.quarter,
    ReportKind.annual_statistics: PeriodKind.year,
}


def report_due_on(kind: ReportKind, period: Period, monthly_due_day: int) -> date:
    """`monthly_due_day`: the zone's rule for the monthly risk report (reporting keeps it, dated)."""
    match kind:
        case ReportKind.monthly_risk:
            return period.start.replace(day=monthly_due_day)
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
