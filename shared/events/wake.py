"""Waking a service's outbox relay once a transaction that wrote to its outbox has committed.

PostgreSQL's NOTIFY takes a database-wide lock at commit, so committing writers queued behind one
another. Instead the session pushes a token onto a Redis list after it commits (SQLAlchemy's
`after_commit`), and the relay waits on that list (BLPOP). The list holds at most one token: many
commits while the relay works make one more turn, not one each.

The push is made by one thread of the process, not by the committing request: the commit only
marks the relay as due and signals the thread, so no request waits on Redis and a burst of commits
costs one push per relay (the thread takes the marks before it pushes, so a commit after that is
pushed again).

A wake is only a hint. A rolled-back transaction sends none; one lost (Redis unreachable, the
process gone between commit and push) costs at most `relay_poll_seconds`, since the relay reads
the outbox that often anyway. After a failed push the process stops trying for a few seconds, so a
Redis outage does not slow every write.
"""

import os
import threading
import time
from functools import lru_cache

import redis
import structlog
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = structlog.get_logger(__name__)

# session.info key: the services whose relays this session's transaction should wake
_PENDING = "gridsafe_wake_relays"
# after a failed push, this many seconds without trying (the relay's poll covers the gap)
_QUIET_AFTER_FAILURE_SECONDS = 5.0
_quiet_until = 0.0


def wake_key(service: str) -> str:
    """The Redis list the relay of one service waits on."""
    return f"gridsafe:outbox-wake:{service}"


@lru_cache(maxsize=4)
def wake_client(redis_url: str) -> redis.Redis:
    """One connection pool per process and URL; short timeouts, since a wake is never worth a wait."""
    return redis.Redis.from_url(redis_url, socket_connect_timeout=0.5, socket_timeout=0.5)


def wake_after_commit(session: Session, service: str, redis_url: str) -> None:
    """Have `session` wake `service`'s relay when its current transaction commits."""
    session.info.setdefault(_PENDING, set()).add((service, redis_url))


def wake(service: str, redis_url: str) -> None:
    """Push a wake token (the list is trimmed to one), unless Redis failed moments ago."""
    global _quiet_until
    if time.monotonic() < _quiet_until:
        return
    key = wake_key(service)
    try:
        pipe = wake_client(redis_url).pipeline(transaction=False)
        pipe.lpush(key, 1)
        pipe.ltrim(key, 0, 0)
        pipe.execute()
    except redis.RedisError as exc:
        _quiet_until = time.monotonic() + _QUIET_AFTER_FAILURE_SECONDS
        log.warning("relay.wake_failed", service=service, error=repr(exc))


class _Waker:
    """The process's one pushing thread and the relays due a wake (started again in a forked child)."""

    def __init__(self) -> None:
        self._pid = -1
        self._starting = threading.Lock()
        self._due: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._signal = threading.Event()
        os.register_at_fork(after_in_child=self._forked)

    def request(self, targets: set[tuple[str, str]]) -> None:
        if self._pid != os.getpid():
            self._start()
        with self._lock:
            self._due |= targets
        self._signal.set()

    def _forked(self) -> None:  # the parent's thread is not in the child, and its locks may be held
        self._starting = threading.Lock()
        self._pid = -1

    def _start(self) -> None:
        with self._starting:
            if self._pid == os.getpid():
                return
            self._due, self._lock, self._signal = set(), threading.Lock(), threading.Event()
            threading.Thread(target=self._run, name="relay-waker", daemon=True).start()
            self._pid = os.getpid()

    def _run(self) -> None:
        while True:
            self._signal.wait()
            self._signal.clear()
            with self._lock:
                due, self._due = self._due, set()
            for service, redis_url in due:
                wake(service, redis_url)


_waker = _Waker()


@event.listens_for(Session, "after_commit")
def _wake_committed(session: Session) -> None:
    due = session.info.pop(_PENDING, None)
    if due:
        _waker.request(due)


@event.listens_for(Session, "after_transaction_end")
def _forget_rolled_back(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost one ended; if it committed, the set is gone already
        session.info.pop(_PENDING, None)
