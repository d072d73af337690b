"""Reachability of the database and Redis, and waiting for them at start-up."""

from collections.abc import Callable

import redis
import structlog
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from tenacity import RetryCallState, Retrying, retry_if_result, stop_before_delay, wait_exponential

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
        return f"redis unreachable at {make_url(url).render_as_string(hide_password=True)}: {exc}"
    return None


def wait_until_reachable(checks: dict[str, Callable[[], str | None]], timeout_s: float) -> None:
    """Retry the checks with exponential backoff (0.5 s doubling to 10 s, tenacity) until all pass;
    raise with what is still wrong once the next try would come after `timeout_s`."""

    def problems() -> list[str]:
        return [p for p in (check() for check in checks.values()) if p]

    def waiting(state: RetryCallState) -> None:
        for problem in state.outcome.result() if state.outcome else []:
            retry_in = state.next_action.sleep if state.next_action else None
            log.warning("startup.waiting", problem=problem, retry_in_s=retry_in)

    def give_up(state: RetryCallState) -> None:
        raise RuntimeError("; ".join(state.outcome.result() if state.outcome else []))

    Retrying(
        retry=retry_if_result(bool),
        wait=wait_exponential(multiplier=0.5, max=10),
        stop=stop_before_delay(timeout_s),
        before_sleep=waiting,
        retry_error_callback=give_up,
    )(problems)
