"""Per-request and per-event context carried through logs and events (correlation id)."""

import uuid
from contextvars import ContextVar

import structlog

_correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def get_correlation_id() -> str | None:
    return _correlation_id.get()


def bind_correlation_id(value: str | None) -> str:
    """Make `value` (or a fresh id) the current correlation id for logs and published events."""
    correlation_id = value or uuid.uuid4().hex
    _correlation_id.set(correlation_id)
    structlog.contextvars.bind_contextvars(correlation_id=correlation_id)
    return correlation_id


def clear_context() -> None:
    _correlation_id.set(None)
    structlog.contextvars.clear_contextvars()
