"""Settings of the reporting service: report reminders, uploads and the grid-member assessment's weights."""

from functools import lru_cache

from pydantic import Field

from shared.settings import Settings

# Points per counted item in the monthly grid-member assessment (网格员考核), by metric.
DEFAULT_ASSESSMENT_WEIGHTS = {
    "inspections_done": 2.0,
    "hazards_found": 1.0,
    "closed_on_time": 1.0,
    "overdue": -2.0,
    "escalated": 1.0,
    "missed_inspections": -3.0,
    "missed_training": -1.0,
}


class ReportingSettings(Settings):
    assessment_weights: dict[str, float] = Field(DEFAULT_ASSESSMENT_WEIGHTS, description="points per item")
    upload_max_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="largest report attachment")
    statistics_max_rows: int = Field(
        500, ge=1, le=10_000, description="most groups one statistics page returns"
    )
    report_reminder_days_before: int = Field(
        3,
        ge=0,
        description="report.due for units that have not filed a report this many days before it is due",
    )


@lru_cache
def get_reporting_settings() -> ReportingSettings:
    return ReportingSettings()
