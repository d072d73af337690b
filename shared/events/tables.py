"""The three tables every service keeps in its own schema for reliable messaging.

- `outbox`: events written in the same transaction as the change that caused them;
- `processed_event` (the inbox): one row per (consumer, event id) handled, written in the same
  transaction as the effect, so a redelivered event has no second effect;
- `dead_letter`: events a consumer gave up on, with the reason, kept for replay.
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
        Index(
            "ix_outbox_unpublished",
            "position",
            postgresql_where=text("published_at IS NULL"),
        ),
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
    return EventTables(outbox=outbox, processed=processed, dead_letter=dead_letter)
