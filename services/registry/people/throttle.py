"""Login throttling (登录限制): failed logins in a row are counted per account and per client
address in PostgreSQL, so every API process sees the same counts, and a count changes in one
atomic upsert. From a threshold on, each failure locks the account or address for a time that
doubles with every further failure (capped); a success forgets the account's failures.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from math import ceil

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.registry.people.models import LoginThrottle
from services.registry.settings import get_registry_settings


def account_key(username: str) -> str:
    return f"account:{username}"


def address_key(address: str) -> str:
    return f"address:{address}"


def seconds_locked(session: Session, keys: Iterable[str], now: datetime) -> int:
    """How long the longest lock of these keys still lasts (0: none is locked)."""
    until = session.scalar(
        select(func.max(LoginThrottle.locked_until)).where(
            LoginThrottle.key.in_(list(keys)), LoginThrottle.locked_until > now
        )
    )
    return ceil((until - now).total_seconds()) if until else 0


def count_failure(session: Session, key: str, threshold: int, now: datetime) -> tuple[int, datetime | None]:
    """Count one failure of `key`: the failures in a row, and until when this one locks it (if it does)."""
    settings = get_registry_settings()
    forget_before = now - timedelta(seconds=settings.login_failure_memory_seconds)
    last_seen = func.greatest(LoginThrottle.last_failure_at, LoginThrottle.locked_until)
    statement = insert(LoginThrottle).values(key=key, failures=1, last_failure_at=now)
    failures = session.scalar(
        statement.on_conflict_do_update(
            index_elements=[LoginThrottle.key],
            set_={
                "failures": case((last_seen < forget_before, 1), else_=LoginThrottle.failures + 1),
                "last_failure_at": now,
            },
        ).returning(LoginThrottle.failures)
    )
    assert failures is not None  # the upsert returns its row
    if failures < threshold:
        return failures, None
    seconds = min(
        settings.login_lockout_seconds * 2 ** (failures - threshold), settings.login_lockout_max_seconds
    )
    locked_until = now + timedelta(seconds=seconds)
    session.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(locked_until=locked_until))
    return failures, locked_until


def forget(session: Session, key: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
