"""Settings of the inspections service: local rules with the plan's and the law's defaults."""

from functools import lru_cache

from pydantic import Field

from shared.settings import Settings


class InspectionsSettings(Settings):
    hazard_max_deadline_days: int = Field(90, ge=1, description="longest rectification deadline (限期整改)")
    hazard_due_soon_days: int = Field(
        3, ge=0, description="hazard.due_soon this many days before the deadline"
    )
    major_review_days: int = Field(
        10, ge=1, description="authority review after a restart application (10 days)"
    )
    unit_may_verify_own_self_report: bool = Field(
        False, description="an enterprise may verify its own self-reported general hazard (自查自改自验)"
    )
    hazard_unacted_remind_days: int = Field(
        3, ge=1, description="a reported hazard nobody acted on is reminded after this many days"
    )
    hazard_unacted_escalate_days: int = Field(
        7, ge=1, description="and escalated to the grid leader and safety office after this many"
    )
    notice_issuer: str = Field(
        "安全生产委员会办公室",
        max_length=100,
        description="who issues the hazard notices, as printed on them",
    )
    evidence_max_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="largest evidence file")
    request_key_days: int = Field(
        30,
        ge=1,
        description="an Idempotency-Key is kept this many days: a resend after that makes the record anew",
    )


@lru_cache
def get_inspections_settings() -> InspectionsSettings:
    return InspectionsSettings()
