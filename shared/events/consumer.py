"""Idempotent event consumers: at-least-once delivery, exactly-once effect.

Each service registers one Celery task, `<service>.handle_event`, on its own queue, which applies
each event of its message (the relay puts the events of a burst in one message: a message costs
the worker more CPU than most events) with the handler registered for its contract
(`shared.events.handlers`). A message's events are applied in one transaction; if any of them fails,
nothing of it stays and each is applied in a transaction of its own, so a failing event holds back
only itself. Each event's application records (consumer, event id) in the service's
`processed_event` table with the handler's effect (a message's events claimed in one statement);
a redelivered event finds its row and does nothing. The events that failed for a transient reason are sent again as one
message by Celery's retry, with exponential backoff and full jitter (`retry_backoff`,
`retry_backoff_max`, `retry_jitter`), the others being done; an event that keeps failing, or whose
contract the service does not know, goes to the dead-letter table with the reason, from where it
can be replayed.
"""

import json
import uuid
from typing import Any

import structlog
from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from pydantic import ValidationError
from sqlalchemy import Text, Uuid, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from shared.context import bind_correlation_id, clear_context
from shared.db import array_rows
from shared.events.contracts import EventContract, UnknownContract, contract_for
from shared.events.envelope import CloudEvent
from shared.events.handlers import Handler, Handlers
from shared.runtime import ServiceRuntime

log = structlog.get_logger(__name__)


class PermanentEventError(Exception):
    """The event can never be handled as it is: dead-letter it at once, without retries."""


class RetryLater(Exception):
    """A transient condition (e.g. a referenced entity not yet known): retry with backoff."""


def handle_event_task_name(service: str) -> str:
    return f"{service}.handle_event"


def _event_id_of(envelope: dict[str, Any]) -> uuid.UUID:
    """The envelope's id, or for a malformed one a stable id derived from its content."""
    try:
        return uuid.UUID(str(envelope.get("id")))
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, json.dumps(envelope, sort_keys=True, default=str))


class EventConsumer:
    """Dispatches each event to the handler registered for its contract (`shared.events.handlers`)."""

    def __init__(self, runtime: ServiceRuntime, app: Celery, handlers: Handlers) -> None:
        self.runtime = runtime
        self.app = app
        self.name = runtime.name
        self.handlers = handlers.by_contract
        self.observers = handlers.observers
        processed = runtime.tables.processed
        # built once: every event runs one or the other
        self._claim = insert(processed).on_conflict_do_nothing().returning(processed.c.event_id)
        claimed_together = array_rows(
            "claimed", event_id=("event_ids", Uuid()), event_type=("event_types", Text())
        )
        self._claim_together = (
            insert(processed)
            .from_select(
                ["consumer", "event_id", "event_type"],
                select(
                    bindparam("consumer", type_=Text),
                    claimed_together.c.event_id,
                    claimed_together.c.event_type,
                )
                # in one order, so two deliveries of overlapping messages cannot deadlock
                .order_by(claimed_together.c.event_id),
            )
            .on_conflict_do_nothing()
            .returning(processed.c.event_id)
        )
        self._register_task()

    @property
    def handled_types(self) -> set[str]:
        return {event_type for event_type, _ in self.handlers}

    def _register_task(self) -> None:
        consumer = self
        settings = self.runtime.settings

        @self.app.task(
            bind=True,
            name=handle_event_task_name(self.name),
            max_retries=settings.consumer_max_retries,
            acks_late=True,
            reject_on_worker_lost=True,
            # a failure raised out of the task (the dead-letter table unreachable) is retried by
            # Celery after a random delay of up to base * 2^retries seconds, at most
            # retry_backoff_max (exponential backoff, full jitter); a failed event likewise, below
            autoretry_for=(Exception,),
            retry_backoff=settings.retry_backoff_base_seconds,
            retry_backoff_max=settings.retry_backoff_max_seconds,
            retry_jitter=True,
        )
        def handle_event(task: Task, events: list[dict[str, Any]] | dict[str, Any]) -> str:
            """`events`: the envelopes of a batch, or one envelope (a replay; a message from before
            batches)."""
            batch = events if isinstance(events, list) else [events]
            attempts = task.request.retries + 1
            failed: list[tuple[dict[str, Any], Exception]] = []
            try:
                # together at the first attempt; a message sent round again goes one by one, so
                # one that ran out of time together still makes progress
                together = len(batch) > 1 and task.request.retries == 0
                try:
                    if together and consumer.process_together(batch):
                        return f"{len(batch)} handled"
                except SoftTimeLimitExceeded as exc:  # nothing of it kept: all of it again later
                    failed = [(envelope, exc) for envelope in batch]
                    batch = []
                for index, envelope in enumerate(batch):  # one by one: each failure on its own
                    try:
                        consumer.process(envelope)
                    except PermanentEventError as exc:
                        consumer.dead_letter(envelope, reason=str(exc), attempts=attempts)
                    except SoftTimeLimitExceeded as exc:  # the hard limit is near: the rest later
                        failed += [(rest, exc) for rest in batch[index:]]
                        break
                    except Exception as exc:
                        failed.append((envelope, exc))
            finally:
                clear_context()
            if not failed:
                return f"{len(batch)} handled"
            if task.request.retries >= task.max_retries:
                for envelope, error in failed:
                    consumer.dead_letter(
                        envelope, reason=f"{type(error).__name__}: {error}", attempts=attempts
                    )
                return f"{len(failed)} dead-lettered"
            for envelope, error in failed:
                log.warning(
                    "event.retry",
                    consumer=consumer.name,
                    event_id=envelope.get("id"),
                    attempt=attempts,
                    error=repr(error),
                )
            # only the failed events go round again (Celery's autoretry would resend them all)
            countdown = get_exponential_backoff_interval(
                factor=int(max(1.0, settings.retry_backoff_base_seconds)),
                retries=task.request.retries,
                maximum=settings.retry_backoff_max_seconds,
                full_jitter=True,
            )
            raise task.retry(
                args=[[envelope for envelope, _ in failed]], exc=failed[0][1], countdown=countdown
            )

    def parse(self, envelope: dict[str, Any]) -> tuple[CloudEvent, EventContract | None, Handler | None]:
        try:
            event = CloudEvent.model_validate(envelope)
        except ValidationError as exc:
            raise PermanentEventError(f"malformed envelope: {exc}") from exc
        try:
            contract_for(event.type, event.dataversion)
        except UnknownContract as exc:
            raise PermanentEventError(str(exc)) from exc
        entry = self.handlers.get((event.type, event.dataversion))
        if entry is None and self.observers:
            return event, None, None
        if entry is None:
            raise PermanentEventError(
                f"consumer {self.name} has no handler for {event.type} v{event.dataversion}"
            )
        contract, handler = entry
        try:
            data = contract.model_validate(event.data)
        except ValidationError as exc:
            raise PermanentEventError(
                f"data does not match {event.type} v{event.dataversion}: {exc}"
            ) from exc
        return event, data, handler

    def process(self, envelope: dict[str, Any]) -> str:
        """Apply one event once. Returns 'applied' or 'duplicate'."""
        parsed = self.parse(envelope)
        with self.runtime.transaction() as session:
            return self._apply(session, *parsed)

    def process_together(self, batch: list[dict[str, Any]]) -> bool:
        """Apply a message's events in one transaction (a transaction per event cost about as much
        as its handler). False, with nothing applied, if any of them fails: the caller then applies
        them one by one, so that a failing event holds back only itself. Out of time
        (SoftTimeLimitExceeded), nothing is applied and the error is raised."""
        try:
            parsed = [self.parse(envelope) for envelope in batch]
            with self.runtime.transaction() as session:
                claimed = set(
                    session.scalars(
                        self._claim_together,
                        {
                            "consumer": self.name,
                            "event_ids": [event.id for event, _, _ in parsed],
                            "event_types": [event.type for event, _, _ in parsed],
                        },
                    )
                )
                for event, data, handler in parsed:
                    bind_correlation_id(event.correlationid)
                    if event.id not in claimed:
                        self._duplicate(event)
                        continue
                    claimed.discard(event.id)  # an event twice in one message is applied once
                    self._run(session, event, data, handler)
                    session.flush()
                    session.expire_all()  # the next event's handler reads rows afresh
        except SoftTimeLimitExceeded:  # the hard limit is near: the caller sends it round again
            raise
        except Exception as exc:
            log.info("event.batch_one_by_one", consumer=self.name, events=len(batch), error=repr(exc))
            return False
        return True

    def _apply(
        self, session: Session, event: CloudEvent, data: EventContract | None, handler: Handler | None
    ) -> str:
        bind_correlation_id(event.correlationid)
        # Concurrent deliveries of one event serialise on this key; the loser sees a conflict.
        claimed = session.execute(
            self._claim, {"consumer": self.name, "event_id": event.id, "event_type": event.type}
        ).first()
        if claimed is None:
            self._duplicate(event)
            return "duplicate"
        self._run(session, event, data, handler)
        return "applied"

    def _duplicate(self, event: CloudEvent) -> None:
        log.info("event.duplicate", consumer=self.name, event_id=str(event.id), type=event.type)

    def _run(
        self, session: Session, event: CloudEvent, data: EventContract | None, handler: Handler | None
    ) -> None:
        """The effect of an event claimed in this transaction."""
        if handler is not None:
            handler(session, data, event)
        for observer in self.observers:
            observer(session, event)
        log.debug("event.applied", consumer=self.name, event_id=str(event.id), type=event.type)

    def dead_letter(self, envelope: dict[str, Any], *, reason: str, attempts: int) -> None:
        table = self.runtime.tables.dead_letter
        values = {
            "consumer": self.name,
            "event_id": _event_id_of(envelope),
            "event_type": str(envelope.get("type", "?")),
            "envelope": envelope,
            "reason": reason,
            "attempts": attempts,
        }
        with self.runtime.transaction() as session:
            session.execute(
                insert(table)
                .values(**values)
                .on_conflict_do_update(
                    index_elements=[table.c.consumer, table.c.event_id],
                    set_={
                        "reason": reason,
                        "attempts": table.c.attempts + attempts,
                        "failed_at": func.now(),
                        "replayed_at": None,
                    },
                )
            )
        log.error("event.dead_lettered", consumer=self.name, event_id=envelope.get("id"), reason=reason)

    def replay(self, session: Session, dead_letter_id: int) -> dict[str, Any] | None:
        """Send a dead-lettered event to this consumer again; None if there is no such entry."""
        table = self.runtime.tables.dead_letter
        row = session.execute(select(table).where(table.c.id == dead_letter_id).with_for_update()).first()
        if row is None:
            return None
        session.execute(
            update(table)
            .where(table.c.id == dead_letter_id)
            .values(replayed_at=func.now(), replay_count=table.c.replay_count + 1)
        )
        self.app.send_task(handle_event_task_name(self.name), args=[[row.envelope]], queue=self.name)
        return dict(row._mapping)
