"""The outbox relay: moves a service's committed events to the queues of their subscribers.

It claims unpublished rows in order with `FOR UPDATE SKIP LOCKED` (so several relays can run
side by side), sends each subscriber a Celery task message with its events in order (at most
`relay_message_max_events`; the first event's id as task id), and marks the rows published in the
same transaction. If the broker is unreachable the transaction rolls back and the rows wait;
nothing is lost, and a consumer that sees an event twice ignores the second.

It waits on its Redis wake list, which a writer pushes to after its commit (shared.events.wake),
and reads the outbox every `relay_poll_seconds` anyway as a safety net. While a consumer of its
last batch has a message waiting in its queue, it reads only once that is taken (or
`relay_linger_seconds` have passed), so that a burst reaches the consumers in fewer messages: the
events would wait in the queue anyway. When the database or the broker fails it reconnects at
once, then with exponential backoff (tenacity) up to `relay_max_backoff_seconds`. Its loop touches
the heartbeat `relay-<service>` (shared.heartbeat) on every turn and before every reconnection.
"""

import signal
import time
from contextlib import closing
from typing import Any

import redis
import structlog
from celery import Celery
from kombu.utils.json import dumps
from sqlalchemy import BigInteger, any_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_exponential

from shared.events.consumer import handle_event_task_name
from shared.events.subscriptions import subscribers
from shared.events.wake import wake_key
from shared.heartbeat import beat
from shared.runtime import ServiceRuntime

log = structlog.get_logger(__name__)
PUBLISHED_LOG_SECONDS = 60.0
LINGER_POLL_SECONDS = 0.01  # how often a lingering relay looks whether its consumers took their message


class OutboxRelay:
    def __init__(self, runtime: ServiceRuntime, app: Celery) -> None:
        self.runtime = runtime
        self.app = app
        self.settings = runtime.settings
        self._stopping = False
        self.heartbeat = f"relay-{runtime.name}"
        self._published = 0  # since the last relay.published line
        self._logged_at = -float("inf")
        self._queues: list[str] = []  # the consumers' queues of its last batch
        # built once: every batch runs them
        outbox = runtime.tables.outbox
        self._claim = (
            select(outbox.c.position, outbox.c.event_type, outbox.c.envelope)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.position)
            .limit(bindparam("most"))
            .with_for_update(skip_locked=True)
        )
        self._mark_published = (
            update(outbox)
            .where(outbox.c.position == any_(bindparam("positions", type_=ARRAY(BigInteger))))
            .values(published_at=func.now())
        )

    def relay_batch(self) -> int:
        """Publish up to one batch of events. Returns how many were published."""
        with self.runtime.transaction() as session:
            rows = session.execute(self._claim, {"most": self.settings.relay_batch_size}).all()
            if not rows:
                return 0
            by_subscriber: dict[str, list[dict[str, Any]]] = {}
            for row in rows:
                for service in subscribers(row.event_type):
                    by_subscriber.setdefault(service, []).append(row.envelope)
            # One Redis pipeline for the whole batch; if Redis is unreachable the flush fails, the
            # transaction rolls back and the rows stay unpublished.
            most = self.settings.relay_message_max_events
            with self.app.producer_or_acquire() as producer, producer.batch(max_size=len(rows) * 4):
                for service, envelopes in by_subscriber.items():
                    for start in range(0, len(envelopes), most):
                        self._send(producer, service, envelopes[start : start + most])
            self._queues = sorted(by_subscriber)
            session.execute(self._mark_published, {"positions": [row.position for row in rows]})
        return len(rows)

    def _send(self, producer: Any, service: str, envelopes: list[dict[str, Any]]) -> None:
        """One Celery task message to `service`'s queue with these events, the first one's id as task id.

        Built with Celery's own protocol and published straight to the subscriber's queue:
        `send_task` costs several times more per message and the relay is the hot path.
        """
        first = envelopes[0]
        message = self.app.amqp.as_task_v2(
            first["id"],
            handle_event_task_name(service),
            args=[envelopes],
            argsrepr=f"(<{len(envelopes)} events from {first['type']} {first['id']}>,)",
            kwargsrepr="{}",
        )
        producer.publish(
            dumps(message.body),
            exchange="",
            routing_key=service,
            headers=message.headers,
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,
            retry=False,
            **message.properties,
        )

    def drain(self) -> int:
        """Publish batches until one is not full: what commits after its read wakes the relay again."""
        total = 0
        while (published := self.relay_batch()) > 0:
            total += published
            beat(self.heartbeat)  # a long backlog is work, not a stall
            if published < self.settings.relay_batch_size:
                break
        return total

    def stop(self, *_: object) -> None:
        self._stopping = True

    def run_forever(self) -> None:
        log.info("relay.started", service=self.runtime.name)
        reconnect = Retrying(
            retry=retry_if_exception_type(Exception),
            wait=wait_exponential(multiplier=0.5, max=self.settings.relay_max_backoff_seconds),
            stop=lambda _: self._stopping,
            before_sleep=self._log_error,
            reraise=True,
        )
        while not self._stopping:
            try:
                # each reconnection starts its backoff afresh
                with closing(reconnect(self._connect)) as listener:
                    while not self._stopping:
                        beat(self.heartbeat)
                        self._wait_for_wake(listener)
                        self._linger_while_consumers_are_behind(listener)
                        self._drain_and_log()
            except Exception as exc:  # database or broker down: the events wait in the outbox
                log.warning("relay.error", service=self.runtime.name, error=repr(exc))
        log.info("relay.stopped", service=self.runtime.name)

    def _connect(self) -> Any:
        """Connect to the wake list and publish what is waiting; the Redis client, if both work."""
        listener = self._listen()
        try:
            self._drain_and_log()
        except Exception:
            listener.close()
            raise
        return listener

    def _linger_while_consumers_are_behind(self, listener: redis.Redis) -> None:
        """While a consumer of its last batch has a message waiting (it is busy with another), what
        is committed meanwhile would wait in its queue anyway: hold it until the consumers have
        taken what waits, at most `relay_linger_seconds`, so that it goes in the next message with
        the rest (a message costs a consumer more CPU than most events). The other consumers wait
        with it: holding only while all are busy batched too little to keep up with a burst. A
        consumer that is down holds every batch this long, until it is back."""
        deadline = time.monotonic() + self.settings.relay_linger_seconds
        # a queue's list exists while it holds a message
        while self._queues and listener.exists(*self._queues) and not self._stopping:
            if time.monotonic() >= deadline:
                return
            time.sleep(LINGER_POLL_SECONDS)

    def _drain_and_log(self) -> None:
        """Publish what is waiting; say how much at most once a minute (a line per wake is noise)."""
        self._published += self.drain()
        now = time.monotonic()
        if self._published and now - self._logged_at >= PUBLISHED_LOG_SECONDS:
            log.info("relay.published", service=self.runtime.name, events=self._published)
            self._published, self._logged_at = 0, now

    def _log_error(self, state: RetryCallState) -> None:
        beat(self.heartbeat)  # waiting for a server is alive, not stuck
        error = state.outcome.exception() if state.outcome else None
        retry_in = state.next_action.sleep if state.next_action else None
        log.warning("relay.error", service=self.runtime.name, error=repr(error), retry_in_s=retry_in)

    def _listen(self) -> redis.Redis:
        """A Redis client of its own for the blocking wait on this service's wake list."""
        poll = self.settings.relay_poll_seconds
        listener = redis.Redis.from_url(
            self.settings.redis_url, socket_connect_timeout=5, socket_timeout=poll + 5
        )
        listener.ping()
        return listener

    def _wait_for_wake(self, listener: redis.Redis) -> None:
        """Sleep until a writer's wake arrives, or the poll interval passes.

        Wakes pushed while the relay drains leave a token behind, so the next wait returns at once:
        a commit after the drain's read is never missed. Taking the token before the drain reads is
        what makes that hold (a token pushed before the read is consumed here, and its rows read).
        """
        listener.blpop([wake_key(self.runtime.name)], timeout=self.settings.relay_poll_seconds)


def main() -> None:
    """`python -m shared.events.relay SERVICE...`: the relays of these services, one thread each.

    The run command starts one process for all four (a relay mostly waits); compose runs one per
    service, each with its own database role."""
    import argparse
    import threading
    from functools import partial

    from shared.celery_app import make_celery
    from shared.health import database_problem, wait_until_reachable
    from shared.logs import configure_logging
    from shared.settings import SERVICE_NAMES, get_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("services", nargs="+", choices=SERVICE_NAMES, metavar="SERVICE")
    args = parser.parse_args()
    settings = get_settings()
    configure_logging(" ".join(args.services) + " relay", settings)
    relays = []
    for service in dict.fromkeys(args.services):
        runtime = ServiceRuntime(service)
        wait_until_reachable(
            {"database": partial(database_problem, runtime.engine)}, settings.startup_wait_seconds
        )
        relays.append(OutboxRelay(runtime, make_celery(service, settings)))

    def stop(*_: object) -> None:
        for relay in relays:
            relay.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threads = [
        threading.Thread(target=relay.run_forever, name=f"relay-{relay.runtime.name}") for relay in relays
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
