"""Settings of the reporting service: uploads and statistics pages (its local rules: `rules/`)."""

from functools import lru_cache

from pydantic import Field

from shared.settings import Settings


class ReportingSettings(Settings):
    upload_max_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="largest report attachment")
    statistics_max_rows: int = Field(
        500, ge=1, le=10_000, description="most groups one statistics page returns"
    )
    hazard_ledger_max_rows: int = Field(
        1_000_000, ge=1, description="most hazards one ledger file holds; a longer export is refused"
    )


@lru_cache
def get_reporting_settings() -> ReportingSettings:
    return ReportingSettings()
