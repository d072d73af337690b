"""The three tables every service keeps in its own schema for reliable messaging.

- `outbox`: events written in the same transaction as the change that caused them;
- `processed_event` (the inbox): one row per (consumer, event id) handled, written in the same
  transaction as the effect, so a redelivered event has no second effect;
- `dead_letter`: events a consumer gave up on, with the reason, kept for replay;
- `event_cursor`: how far this service, as a consumer, has read each publisher's event feed
  (`shared.events.feed`, `shared.events.reconciler`).
"""

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID


@dataclass(frozen=True)
class EventTables:
    outbox: Table
    processed: Table
    dead_letter: Table
    cursor: Table


def event_tables(metadata: MetaData) -> EventTables:
    outbox = Table(
        "outbox",
        metadata,
        Column("position", BigInteger, Identity(), primary_key=True),
        Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        Column("event_type", String(120), nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        # The writing transaction's id (xid8 as a number): the feed's order (shared.events.feed).
        Column(
            "txid",
            BigInteger,
            nullable=False,
            server_default=text("(pg_current_xact_id())::text::bigint"),
        ),
        Index(
            "ix_outbox_unpublished",
            "position",
            postgresql_where=text("published_at IS NULL"),
        ),
        Index("ix_outbox_feed", "txid", "position"),
    )
    processed = Table(
        "processed_event",
        metadata,
        Column("consumer", String(120), primary_key=True),
        Column("event_id", UUID(as_uuid=True), primary_key=True),
        Column("event_type", String(120), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    dead_letter = Table(
        "dead_letter",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("consumer", String(120), nullable=False),
        Column("event_id", UUID(as_uuid=True), nullable=False),
        Column("event_type", String(120), nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("reason", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("failed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("replayed_at", DateTime(timezone=True)),
        Column("replay_count", Integer, nullable=False, server_default="0"),
        UniqueConstraint("consumer", "event_id"),
    )
    cursor = Table(
        "event_cursor",
        metadata,
        Column("publisher", String(40), primary_key=True),
        # the last feed position read: (txid, position) of the publisher's outbox
        Column("txid", BigInteger, nullable=False, server_default="0"),
        Column("position", BigInteger, nullable=False, server_default="0"),
        Column("checked_at", DateTime(timezone=True)),  # the last run that reached the feed
        Column("caught_up_at", DateTime(timezone=True)),  # the last run that read it to its end
        Column("recovered", BigInteger, nullable=False, server_default="0"),  # applied by the reconciler
        Column("last_error", Text),
        Column("failing_event", UUID(as_uuid=True)),  # an event that failed in the last runs
        Column("failures", Integer, nullable=False, server_default="0"),  # in how many runs in a row
    )
    return EventTables(outbox=outbox, processed=processed, dead_letter=dead_letter, cursor=cursor)
