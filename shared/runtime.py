"""What a service is at run time: its name, schema, settings, database and event tables."""

import asyncio
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import Engine, MetaData, Table
from sqlalchemy.orm import Session, sessionmaker

from shared.audit import audit_table
from shared.context import get_correlation_id
from shared.db import get_engine, get_session_factory, service_metadata
from shared.events.contracts import EventContract
from shared.events.envelope import CloudEvent
from shared.events.tables import EventTables, event_tables
from shared.events.wake import wake_after_commit
from shared.settings import Settings, get_settings


class DatabaseSlots:
    """As many of an API process's requests hold a database session at once as its pool keeps
    connections open (DB_POOL_SIZE); the others wait for a slot on the event loop, holding no
    thread. The overflow (DB_MAX_OVERFLOW) is for what runs beside the requests.

    Without it, requests beyond the pool take every thread of the pool of threads and wait there
    for a connection, while the requests holding the connections wait for a thread to commit or
    serialise their answer: nothing moves until the pool's timeout fails requests with 500. With
    slots for the overflow too, a busy API would open and close a connection every few requests
    (the pool closes an overflow connection when it is given back): a new PostgreSQL backend each
    time, costing both sides more than the request.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def __call__(self) -> asyncio.Semaphore:
        """The slots of the running event loop (one in a server; a test client may run several)."""
        loop = asyncio.get_running_loop()
        slots = self._by_loop.get(loop)
        if slots is None:
            slots = self._by_loop[loop] = asyncio.Semaphore(self.size)
        return slots


@dataclass
class ServiceRuntime:
    name: str
    metadata: MetaData = field(init=False)
    tables: EventTables = field(init=False)
    audit: Table = field(init=False)

    def __post_init__(self) -> None:
        self.metadata = service_metadata(self.name)
        self.tables = event_tables(self.metadata)
        self.audit = audit_table(self.metadata)

    @property
    def schema(self) -> str:
        return self.name

    @property
    def settings(self) -> Settings:
        return get_settings()

    @property
    def database_url(self) -> str:
        """This service's own role's URL (falling back to DATABASE_URL)."""
        return self.settings.service_database_url(self.name)

    @cached_property
    def engine(self) -> Engine:
        return get_engine(self.database_url)

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        return get_session_factory(self.database_url)

    @cached_property
    def database_slots(self) -> "DatabaseSlots":
        return DatabaseSlots(self.settings.db_pool_size)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.session_factory() as session, session.begin():
            yield session

    def publish(self, session: Session, contract: EventContract, *, subject: str | None) -> CloudEvent:
        """Write an event to this service's outbox, in the caller's transaction.

        The relay is woken once the transaction commits (shared.events.wake); a rolled-back
        change publishes nothing.
        """
        return self.publish_many(session, [(contract, subject)])[0]

    def publish_many(
        self, session: Session, items: Sequence[tuple[EventContract, str | None]]
    ) -> list[CloudEvent]:
        """Several events in one statement (bulk imports), in the caller's transaction."""
        rows, events = self.outbox_rows(session, items)
        if rows:
            session.execute(self.tables.outbox.insert(), rows)
        return events

    def outbox_rows(
        self, session: Session, items: Sequence[tuple[EventContract, str | None]]
    ) -> tuple[list[dict[str, Any]], list[CloudEvent]]:
        """The outbox rows of `items`, for a caller that writes them itself in the same statement as
        its own rows (`publish_many` otherwise); the relay is woken once `session` commits."""
        correlation_id = get_correlation_id()
        events = [
            CloudEvent.wrap(contract, source=self.name, subject=subject, correlation_id=correlation_id)
            for contract, subject in items
        ]
        if events:
            wake_after_commit(session, self.name, self.settings.redis_url)
        rows = [{"event_id": e.id, "event_type": e.type, "envelope": e.as_json()} for e in events]
        return rows, events
