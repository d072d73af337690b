"""The time as the system sees it: instants in UTC, calendar dates in the zone's time zone."""

from datetime import UTC, date, datetime

from shared.settings import get_settings


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Today's date in the zone (deadlines and duties are calendar facts of the zone)."""
    return utc_now().astimezone(get_settings().zone).date()
