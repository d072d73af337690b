"""The time as the system sees it: instants in UTC, calendar dates in the zone's time zone."""

from datetime import UTC, date, datetime

from shared.settings import get_settings


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_date(at: datetime) -> date:
    """The zone's calendar date of an instant."""
    return at.astimezone(get_settings().zone).date()


def local_today() -> date:
    """Today's date in the zone (deadlines and duties are calendar facts of the zone)."""
    return local_date(utc_now())


def local_now_text() -> str:
    """Now as people in the zone read it: 2026-11-30 08:15."""
    return utc_now().astimezone(get_settings().zone).strftime("%Y-%m-%d %H:%M")
