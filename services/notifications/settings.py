"""Settings of the notifications service: channels, retry schedules, the escalation ladder."""

from functools import lru_cache

from pydantic import Field

from shared.settings import Settings

# The Standard Webhooks retry schedule (after the first attempt): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
STANDARD_WEBHOOK_SCHEDULE: list[float] = [5, 300, 1800, 7200, 18000, 36000, 36000]


class NotificationsSettings(Settings):
    # Email over SMTP; no host means the email channel is off.
    smtp_host: str = Field("", description="SMTP server; empty turns email off")
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = Field("GridSafe 安全生产网格化监管 <noreply@gridsafe.local>")
    smtp_timeout_seconds: float = Field(10.0, gt=0)

    # SMS through an HTTP gateway that takes {"phone", "text"} as JSON; no URL means SMS is off.
    sms_gateway_url: str = Field("", description="SMS gateway endpoint; empty turns SMS off")
    sms_gateway_token: str = Field("", description="sent as a Bearer token to the gateway")
    sms_timeout_seconds: float = Field(10.0, gt=0)

    # Email and SMS: seconds to wait before each retry; when they run out the delivery is dead.
    channel_retry_schedule_seconds: list[float] = Field([30, 120, 600, 1800, 3600], min_length=0)

    webhook_timeout_seconds: float = Field(10.0, gt=0)
    webhook_retry_schedule_seconds: list[float] = Field(STANDARD_WEBHOOK_SCHEDULE)
    webhook_disable_after_failures: int = Field(
        5, ge=1, description="dead deliveries in a row after which an endpoint is disabled"
    )
    webhook_secret_grace_hours: float = Field(
        24.0,
        ge=0,
        description="after a secret is rotated, deliveries are signed with the old one too this long",
    )
    webhook_allowed_networks: list[str] = Field(
        [], description="private or loopback networks webhooks may still reach, e.g. ['10.1.0.0/16']"
    )

    # Reminders and the escalation ladder (逐级上报)
    reminder_days_before_deadline: list[int] = Field([3, 1], description="rectification deadline reminders")
    ladder_leader_after_days: int = Field(3, ge=1, description="overdue days before the grid leader is told")
    ladder_enforcement_after_days: int = Field(
        7, ge=1, description="overdue days before enforcement and the safety office are told"
    )
    stalled_delivery_seconds: float = Field(
        120.0, gt=0, description="a pending delivery this late is sent again by the sweeper"
    )


@lru_cache
def get_notifications_settings() -> NotificationsSettings:
    return NotificationsSettings()
