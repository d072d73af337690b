"""The reconciler: applies from its publishers' event feeds every event a consumer never processed.

Redis is the fast path. If a queue is purged, Redis restarts without its data or a task is
stranded, the event is still in the publisher's outbox, served by its feed (`shared.events.feed`).
Every RECONCILE_INTERVAL_SECONDS each worker reads, per publisher whose events it subscribes to,
the feed after its cursor (`event_cursor`), and applies each of its events it has no record of
through the consumer's own path (`EventConsumer.process`, de-duplicated by the processed-events
record), so an event the fast path also delivers has one effect. It reads pages of ids first
(`envelopes=false`): nearly every event is known already, and every envelope on a page costs the
publisher and the worker CPU while the worker's own events wait behind the run; from an event it
lacks on, it reads the envelopes.

- An event younger than RECONCILE_GRACE_SECONDS is left to the fast path for now: the run stops
  there, and the cursor with it.
- A malformed or unknown event is dead-lettered, as the fast path would.
- An event that fails otherwise stops this publisher's run at it (the cursor stays before it; the
  next run tries again); after CONSUMER_MAX_RETRIES runs it is dead-lettered and passed. An event
  already in the dead letters is passed at once (it is kept there for replay).
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog
from sqlalchemy import select, tuple_, update
from sqlalchemy.dialects.postgresql import insert

from shared.events.consumer import EventConsumer, PermanentEventError
from shared.events.contracts import CONTRACTS
from shared.events.feed import FeedPage, format_cursor, parse_cursor
from shared.events.subscriptions import subscribers
from shared.service_auth import ServiceAuthUnavailable, ServiceTokens
from shared.settings import SERVICE_NAMES

log = structlog.get_logger(__name__)
# why a page stopped: it was read without envelopes and has an event to apply
LACKS_ENVELOPE = "lacks-envelope"


def publisher_of(event_type: str, version: int = 1) -> str:
    """The service that publishes an event type (the contracts module it is declared in)."""
    return CONTRACTS[(event_type, version)].__module__.rsplit(".", 1)[-1]


def publishers_of(consumer: str) -> tuple[str, ...]:
    """The services whose events `consumer` subscribes to: the feeds it follows."""
    found = {
        publisher_of(*key)
        for key in CONTRACTS
        if consumer in subscribers(key[0]) and publisher_of(*key) != consumer
    }
    return tuple(service for service in SERVICE_NAMES if service in found)


@dataclass
class ReconcilerRun:
    recovered: dict[str, int] = field(default_factory=dict)  # per publisher, the events applied
    unfinished: dict[str, str] = field(default_factory=dict)  # publisher -> cursor, more to read


class Reconciler:
    def __init__(self, consumer: EventConsumer, tokens: ServiceTokens | None = None) -> None:
        self.consumer = consumer
        self.runtime = consumer.runtime
        self.settings = consumer.runtime.settings
        self.name = consumer.name
        self.tokens = tokens or ServiceTokens(self.name, self.settings)
        self._http: httpx.Client | None = None

    @property
    def http(self) -> httpx.Client:
        """One client for every run: kept-alive connections, and its TLS context made once (making
        one, as each `httpx.get` does, took most of a run's CPU)."""
        if self._http is None:
            self._http = httpx.Client(timeout=30.0)
        return self._http

    def run(self, unfinished: Mapping[str, str] | None = None) -> ReconcilerRun:
        """Follow every publisher's feed, or read on in the feeds an earlier run left unfinished
        (publisher -> the cursor it reached): how many events each had that this consumer lacked."""
        done = ReconcilerRun()
        chosen = unfinished if unfinished is not None else dict.fromkeys(publishers_of(self.name))
        left = self.settings.reconcile_max_pages  # pages this run may still read, over its feeds
        for publisher, reached in chosen.items():
            if left == 0:  # the next run starts on it where it is now
                done.unfinished[publisher] = reached or self._cursor(publisher)
                continue
            try:
                done.recovered[publisher], more_after, read = self.follow(publisher, reached, left)
            except (httpx.HTTPError, ServiceAuthUnavailable) as exc:
                self._save(publisher, error=f"{type(exc).__name__}: {exc}")
                log.warning("reconcile.unreachable", consumer=self.name, publisher=publisher, error=repr(exc))
                continue
            left -= read
            if more_after is not None:
                done.unfinished[publisher] = more_after
        return done

    def follow(
        self, publisher: str, reached: str | None = None, most: int | None = None
    ) -> tuple[int, str | None, int]:
        """How many events this consumer lacked; the cursor to read on from where the feed has more
        than the `most` pages read (else None); and the pages read. `reached`: where the run before
        this one stopped; if another run has moved the cursor since, that run reads on instead (no
        two chains of runs read one feed)."""
        cursor = self._cursor(publisher)
        if reached is not None and reached != cursor:
            return 0, None, 0
        most = self.settings.reconcile_max_pages if most is None else most
        recovered = 0
        pages, more = 0, True
        envelopes = False  # pages of ids first: nearly every event is known already
        while more and pages < most:
            page = self._fetch(publisher, cursor, envelopes=envelopes)
            cursor, applied, stop = self._apply_page(publisher, page, cursor)
            recovered += applied
            # caught up: everything committed is applied, bar events younger than the grace period
            caught_up = stop == "young" or (stop is None and not page.more and not page.held)
            error = stop if stop not in (None, "young", LACKS_ENVELOPE) else None
            self._save(publisher, cursor=cursor, recovered=applied, caught_up=caught_up, error=error)
            # an event to apply: read on from it with the envelopes (then with ids again); that
            # read is the same page's
            if stop == LACKS_ENVELOPE and not envelopes:
                envelopes = True
                continue
            envelopes = False
            pages += 1
            more = stop is None and page.more
        if recovered:
            log.info("reconcile.recovered", consumer=self.name, publisher=publisher, events=recovered)
        return recovered, cursor if more else None, pages

    def _apply_page(self, publisher: str, page: FeedPage, cursor: str) -> tuple[str, int, str | None]:
        """Apply the page's events this consumer lacks, in order: (the cursor reached, how many were
        applied, None or why it stopped early: "young", LACKS_ENVELOPE or the failure)."""
        mine = [self.name in subscribers(item.type) for item in page.items]
        done = self._known(item.id for item, wanted in zip(page.items, mine, strict=True) if wanted)
        applied = 0
        for item, wanted in zip(page.items, mine, strict=True):
            if wanted and item.id not in done:
                if item.age_seconds < self.settings.reconcile_grace_seconds:
                    return cursor, applied, "young"
                if item.envelope is None:
                    return cursor, applied, LACKS_ENVELOPE
                try:
                    applied += self._apply(publisher, item.envelope) == "applied"
                except Exception as exc:
                    return cursor, applied, f"{type(exc).__name__}: {exc}"
            cursor = item.cursor
        return cursor, applied, None

    def _apply(self, publisher: str, envelope: dict[str, Any]) -> str:
        """'applied', 'duplicate' or 'dead-lettered'; raises if the event should be tried again later."""
        try:
            return self.consumer.process(envelope)
        except PermanentEventError as exc:
            self.consumer.dead_letter(envelope, reason=str(exc), attempts=1)
            return "dead-lettered"
        except Exception as exc:
            failures = self._failed(publisher, envelope)
            if failures > self.settings.consumer_max_retries:
                reason = f"reconciler gave up after {failures} runs: {type(exc).__name__}: {exc}"
                self.consumer.dead_letter(envelope, reason=reason, attempts=failures)
                return "dead-lettered"
            log.warning(
                "reconcile.retry_later", consumer=self.name, event_id=envelope.get("id"), error=repr(exc)
            )
            raise

    # --- the consumer's records -------------------------------------------------------------------

    def _known(self, event_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Of these events, those this consumer processed or gave up on (dead letters)."""
        ids = list(event_ids)
        if not ids:
            return set()
        tables = self.runtime.tables
        with self.runtime.transaction() as session:
            processed = session.scalars(
                select(tables.processed.c.event_id).where(
                    tables.processed.c.consumer == self.name, tables.processed.c.event_id.in_(ids)
                )
            ).all()
            dead = session.scalars(
                select(tables.dead_letter.c.event_id).where(
                    tables.dead_letter.c.consumer == self.name, tables.dead_letter.c.event_id.in_(ids)
                )
            ).all()
        return {*processed, *dead}

    def _cursor(self, publisher: str) -> str:
        table = self.runtime.tables.cursor
        with self.runtime.transaction() as session:
            session.execute(insert(table).values(publisher=publisher).on_conflict_do_nothing())
            row = session.execute(
                select(table.c.txid, table.c.position).where(table.c.publisher == publisher)
            ).one()
        return format_cursor(row.txid, row.position)

    def _save(
        self,
        publisher: str,
        *,
        cursor: str | None = None,
        recovered: int = 0,
        caught_up: bool = False,
        error: str | None = None,
    ) -> None:
        table = self.runtime.tables.cursor
        now = datetime.now(UTC)
        values: dict[str, Any] = {"recovered": table.c.recovered + recovered, "last_error": error}
        if cursor is not None:
            values["checked_at"] = now
        if caught_up:
            values["caught_up_at"] = now
        with self.runtime.transaction() as session:
            session.execute(insert(table).values(publisher=publisher).on_conflict_do_nothing())
            session.execute(update(table).where(table.c.publisher == publisher).values(**values))
            if cursor is not None:
                txid, position = parse_cursor(cursor)
                # never backwards (two runs at once each save what they read)
                session.execute(
                    update(table)
                    .where(
                        table.c.publisher == publisher,
                        tuple_(table.c.txid, table.c.position) < tuple_(txid, position),
                    )
                    .values(txid=txid, position=position)
                )

    def _failed(self, publisher: str, envelope: dict[str, Any]) -> int:
        """Count one more run in which this event failed; how many in a row it has failed."""
        table = self.runtime.tables.cursor
        event_id = str(envelope.get("id"))
        with self.runtime.transaction() as session:
            row = session.execute(
                select(table.c.failing_event, table.c.failures)
                .where(table.c.publisher == publisher)
                .with_for_update()
            ).one()
            failures = row.failures + 1 if str(row.failing_event) == event_id else 1
            session.execute(
                update(table)
                .where(table.c.publisher == publisher)
                .values(failing_event=event_id, failures=failures)
            )
        return failures

    def _fetch(self, publisher: str, cursor: str, *, envelopes: bool) -> FeedPage:
        url = self.settings.api_url(publisher) + "/events"
        params: dict[str, str | int] = {
            "after": cursor,
            "limit": self.settings.feed_page_size,
            "envelopes": str(envelopes).lower(),
        }
        response = self.http.get(url, params=params, headers=self.tokens.headers())
        if response.status_code == 401:  # an expired or rotated token: once more with a new one
            self.tokens.forget()
            response = self.http.get(url, params=params, headers=self.tokens.headers())
        response.raise_for_status()
        return FeedPage.model_validate(response.json())
