"""Settings read from the environment (and an optional `.env` file).

Every service reads the same variables; a service-specific value (its port) is chosen by the
service's name. Names are upper case in the environment: DATABASE_URL, REDIS_URL, JWT_JWKS_URL...
"""

from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE_NAMES = ("registry", "inspections", "notifications", "reporting")

# Fixed ports of the four APIs (the run command and docker-compose use the same numbers).
DEFAULT_PORTS = {"registry": 8001, "inspections": 8002, "notifications": 8003, "reporting": 8004}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        "postgresql+psycopg2://postgres@127.0.0.1:5432/gridsafe",
        description="SQLAlchemy URL of the PostgreSQL database all services share (one schema each).",
    )
    # Each service connects as its own role (shared/db_roles.py); unset, it uses DATABASE_URL.
    registry_database_url: str | None = Field(None, description="the registry's role (its schema only)")
    inspections_database_url: str | None = Field(None, description="the inspections service's role")
    notifications_database_url: str | None = Field(None, description="the notifications service's role")
    reporting_database_url: str | None = Field(None, description="the reporting service's role")
    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Redis: Celery broker.")
    environment: Literal["development", "production"] = Field(
        "development",
        description="production: an API without its token keys refuses to start, and /docs, "
        "/openapi.json and /metrics are closed unless opened",
    )
    api_docs_open: bool | None = Field(
        None, description="serve /docs and /openapi.json (default: not in production)"
    )
    metrics_open: bool | None = Field(
        None, description="serve /metrics to anyone (default: not in production)"
    )
    metrics_token: str = Field(
        "",
        description="a scraper sending `Authorization: Bearer <token>` may read /metrics (≥ 16 characters)",
    )
    # Tokens (shared/tokens.py): the registry signs with its private keys, the others verify with
    # its public keys. There is no default key.
    jwt_private_keys_file: Path | None = Field(
        None, description="registry: JWK Set file of its Ed25519 private keys; the last one signs"
    )
    jwt_jwks_url: str | None = Field(
        None,
        pattern=r"^(https?|file)://",
        description="other services: the registry's /.well-known/jwks.json, or a file:// JWK Set",
    )
    jwks_cache_seconds: float = Field(600, gt=0, description="public keys are loaded again after this")
    jwks_min_refresh_seconds: float = Field(
        30, ge=0, description="a token with an unknown key id loads the keys again at most this often"
    )
    jwt_issuer: str = "gridsafe"
    access_token_minutes: int = Field(15, ge=1, description="lifetime of an access token")
    refresh_token_days: int = Field(14, ge=1, description="lifetime of a refresh token (each use renews it)")
    zone_timezone: str = Field("Asia/Shanghai", description="Deadlines are computed in this time zone.")
    monthly_report_due_day: int = Field(
        20, ge=1, le=28, description="the monthly risk report (月度风险分析报告) is due by this day"
    )
    certificate_warning_days: int = Field(
        30, ge=1, description="certificate.expiring this many days before a certificate expires"
    )
    log_level: str = "INFO"
    log_json: bool = True

    # Event backbone
    relay_batch_size: int = Field(500, ge=1, le=10_000)
    relay_poll_seconds: float = Field(1.0, gt=0, description="Safety-net polling interval of the relay.")
    relay_max_backoff_seconds: float = Field(
        30.0, gt=0, description="Longest pause between the relay's reconnection attempts (tenacity)."
    )
    # A failing event is retried by Celery (retry_backoff, retry_backoff_max, retry_jitter): the
    # n-th retry after a random delay of up to base * 2^(n-1) seconds, at most the maximum.
    consumer_max_retries: int = Field(
        8, ge=0, description="Retries of a failing event before it is dead-lettered."
    )
    retry_backoff_base_seconds: float = Field(
        2.0, gt=0, description="Celery's retry_backoff factor (whole seconds; below 1 counts as 1)."
    )
    retry_backoff_max_seconds: int = Field(
        600, ge=1, description="Celery's retry_backoff_max: the longest delay."
    )
    outbox_retention_days: int = Field(30, ge=1)
    job_retention_days: int = Field(
        7, ge=1, description="finished background jobs and their files are kept this long"
    )
    job_heartbeat_seconds: float = Field(10, gt=0, description="a running job's heartbeat interval")
    job_stale_seconds: float = Field(60, gt=0, description="a running job silent this long is taken as lost")
    job_max_attempts: int = Field(2, ge=1, description="runs of a job whose worker died, before it is failed")
    job_time_limit_seconds: int = Field(1800, ge=10, description="a job's soft time limit (failed after it)")
    request_body_max_bytes: int = Field(
        1024 * 1024,
        ge=1024,
        description="largest request body a route takes unless it sets its own (uploads)",
    )

    # Start-up: how long to wait for the database and Redis before giving up.
    startup_wait_seconds: float = Field(120.0, ge=0)

    @field_validator("metrics_token")
    @classmethod
    def _long_enough_token(cls, value: str) -> str:
        if value and len(value) < 16:
            raise ValueError("METRICS_TOKEN must be at least 16 characters (or empty: no scraper token)")
        return value

    @field_validator("zone_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone
        return value

    def service_database_url(self, service: str) -> str:
        """The URL a service connects with: its own role's, else DATABASE_URL."""
        own: str | None = getattr(self, f"{service}_database_url", None)
        return own or self.database_url

    @property
    def in_production(self) -> bool:
        return self.environment == "production"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_timezone)


@lru_cache
def get_settings() -> Settings:
    return Settings()
