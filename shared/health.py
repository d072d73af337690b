"""Reachability of the database and Redis, and waiting for them at start-up."""

import time
from collections.abc import Callable

import redis
import structlog
from sqlalchemy import Engine, text

log = structlog.get_logger(__name__)


def database_problem(engine: Engine) -> str | None:
    """None when the database answers, else what went wrong."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return f"database unreachable at {engine.url.render_as_string(hide_password=True)}: {exc}".strip()
    return None


def redis_problem(url: str) -> str | None:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        return f"redis unreachable at {url}: {exc}"
    return None


def wait_until_reachable(checks: dict[str, Callable[[], str | None]], timeout_s: float) -> None:
    """Retry each check with exponential backoff until all pass; raise after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    delay = 0.5
    while True:
        problems = [p for p in (check() for check in checks.values()) if p]
        if not problems:
            return
        if time.monotonic() + delay > deadline:
            raise RuntimeError("; ".join(problems))
        for problem in problems:
            log.warning("startup.waiting", problem=problem, retry_in_s=delay)
        time.sleep(delay)
        delay = min(delay * 2, 10.0)
