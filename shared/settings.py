"""Settings read from the environment (and an optional `.env` file).

Every service reads the same variables; a service-specific value (its port) is chosen by the
service's name. Names are upper case in the environment: DATABASE_URL, REDIS_URL, JWT_JWKS_URL...
"""

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
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
    certificate_warning_days: int = Field(
        30, ge=1, description="certificate.expiring this many days before a certificate expires"
    )
    log_level: str = "INFO"
    log_json: bool = True

    # Event backbone
    relay_batch_size: int = Field(500, ge=1, le=10_000)
    relay_poll_seconds: float = Field(1.0, gt=0, description="Safety-net polling interval of the relay.")
    relay_message_max_events: int = Field(
        100,
        ge=1,
        le=200,
        description="most events the relay puts in one message to a consumer (applied in one transaction)",
    )
    relay_linger_seconds: float = Field(
        0.1,
        ge=0,
        le=1,
        description="while a consumer has a message waiting, the relay holds the next events until it "
        "takes it, at most this long, so that they go in one message (0: never)",
    )
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
        30,
        ge=1,
        description="Celery's retry_backoff_max, and the longest countdown of any task: a delayed task "
        "waits in a worker unacknowledged, so this plus the hard time limit stays below the visibility timeout",
    )
    outbox_retention_days: int = Field(
        30, ge=1, description="published outbox rows (the event feed) and inbox records are kept this long"
    )

    # Documents (shared/documents): where the web app is, for QR codes on notices and unit labels,
    # and a folder of templates an office has adapted (searched before the shipped ones).
    web_base_url: str = Field(
        "http://127.0.0.1:8000", description="the web application's address as people's phones reach it"
    )
    document_issuer: str = Field(
        "安全生产委员会办公室",
        max_length=100,
        description="the office that issues notices and reports, as printed",
    )
    document_templates_dir: Path | None = Field(
        None, description="a folder of adapted document templates, searched before the shipped ones"
    )

    # Broker-loss recovery (shared/events/feed.py, reconciler.py): each API serves its outbox as a
    # feed; each worker reads its publishers' feeds with a service token and applies what it missed.
    registry_api_url: str = Field(
        "http://127.0.0.1:8001", description="the registry API, as services reach it"
    )
    inspections_api_url: str = Field("http://127.0.0.1:8002", description="the inspections API")
    notifications_api_url: str = Field("http://127.0.0.1:8003", description="the notifications API")
    reporting_api_url: str = Field("http://127.0.0.1:8004", description="the reporting API")
    # Each service proves itself to the registry with its own secret; the registry (which mints
    # service tokens) holds all four.
    registry_service_secret: SecretStr | None = Field(None, description="the registry's service credential")
    inspections_service_secret: SecretStr | None = Field(None, description="inspections' service credential")
    notifications_service_secret: SecretStr | None = Field(
        None, description="notifications' service credential"
    )
    reporting_service_secret: SecretStr | None = Field(None, description="reporting's service credential")
    service_token_minutes: int = Field(5, ge=1, le=60, description="lifetime of a service token")
    reconcile_interval_seconds: float = Field(
        60.0, gt=0, description="how often each worker reads its publishers' feeds for missed events"
    )
    reconcile_grace_seconds: float = Field(
        30.0, ge=0, description="an event younger than this is left to the fast path (Redis) for now"
    )
    feed_page_size: int = Field(500, ge=1, le=1000, description="events per page the reconciler reads")
    reconcile_max_pages: int = Field(
        1,
        ge=1,
        description="pages one reconciler run reads, over its feeds, the worker's events waiting "
        "behind it; with more to read, the next run is queued at once",
    )

    # Tasks (shared/celery_app.py): a task a worker took but never acknowledged (the worker was
    # killed) goes back to its queue once the visibility timeout has passed; so every task that
    # acknowledges late must end (hard time limit) well before it. Long jobs acknowledge early.
    broker_visibility_timeout_seconds: int = Field(
        60, ge=5, description="Redis hands an unacknowledged task out again after this"
    )
    task_soft_time_limit_seconds: int = Field(
        20, ge=1, description="default: the task gets SoftTimeLimitExceeded after this"
    )
    task_time_limit_seconds: int = Field(
        25, ge=1, description="default: the worker kills the task's process after this"
    )

    # Sizing: each process's database connections are at most pool size + overflow; docker-compose
    # sets these so that every process together fits PostgreSQL's max_connections.
    worker_concurrency: int = Field(
        1,
        ge=1,
        description="pool processes of each Celery worker (raise it where the machine has cores to spare)",
    )
    worker_nice: int = Field(
        10,
        ge=0,
        le=19,
        description="how much lower the Celery workers' CPU priority is than the APIs' (a nice "
        "increment): on busy cores people's requests are served first and the events catch up after",
    )
    db_pool_size: int = Field(5, ge=1, description="database connections each process keeps open")
    db_max_overflow: int = Field(
        5,
        ge=0,
        description="extra connections a busy process may open (beside an API's requests, which hold "
        "at most DB_POOL_SIZE at once)",
    )
    db_pool_recycle_seconds: int = Field(
        1800, ge=1, description="a pooled database connection older than this is replaced at checkout"
    )

    # Liveness of the processes that serve no HTTP: relays and the scheduler touch a file here
    # (`python -m shared.heartbeat NAME` checks it).
    heartbeat_dir: Path = Field(Path(tempfile.gettempdir()) / "gridsafe-heartbeats")
    scheduler_lock_seconds: float = Field(
        30.0, ge=2, description="a scheduler that stops renewing the lock loses it after this"
    )
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

    @field_validator(
        "registry_service_secret",
        "inspections_service_secret",
        "notifications_service_secret",
        "reporting_service_secret",
    )
    @classmethod
    def _strong_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("a service secret must be at least 32 characters (e.g. `openssl rand -hex 32`)")
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

    def api_url(self, service: str) -> str:
        """Where other services reach `service`'s API."""
        url: str = getattr(self, f"{service}_api_url")
        return url.rstrip("/")

    def service_secret(self, service: str) -> str | None:
        """The credential `service` proves itself with to the registry (None: not configured)."""
        secret: SecretStr | None = getattr(self, f"{service}_service_secret", None)
        return secret.get_secret_value() if secret else None

    @property
    def in_production(self) -> bool:
        return self.environment == "production"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_timezone)


@lru_cache
def get_settings() -> Settings:
    return Settings()
