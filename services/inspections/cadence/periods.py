"""Calendar periods of the zone: day, week (Monday first), month, quarter, half year, year."""

from datetime import date, timedelta
from enum import StrEnum


class Period(StrEnum):
    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    half_year = "half_year"
    year = "year"


MONTHS = {Period.month: 1, Period.quarter: 3, Period.half_year: 6, Period.year: 12}


def bounds(period: Period, day: date) -> tuple[date, date]:
    """First and last day of the period containing `day`."""
    if period == Period.day:
        return day, day
    if period == Period.week:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    months = MONTHS[period]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    after = date(start.year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return start, after - timedelta(days=1)


def label(period: Period, start: date) -> str:
    """How people name the period: 2026-11-29, 2026-W48, 2026-11, 2026-Q4, 2026-H2, 2026."""
    match period:
        case Period.day:
            return start.isoformat()
        case Period.week:
            year, week, _ = start.isocalendar()
            return f"{year}-W{week:02d}"
        case Period.month:
            return f"{start.year}-{start.month:02d}"
        case Period.quarter:
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        case Period.half_year:
            return f"{start.year}-H{(start.month - 1) // 6 + 1}"
        case _:
            return str(start.year)
