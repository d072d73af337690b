"""Prometheus metrics: request counters defined once per process, and each service's backbone
gauges, read from its database and Redis when /metrics is scraped (README, "What to watch")."""

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

import redis
import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

    from shared.runtime import ServiceRuntime

log = structlog.get_logger(__name__)

HTTP_REQUESTS = Counter(
    "gridsafe_http_requests_total", "HTTP requests served", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "gridsafe_http_request_seconds", "HTTP request duration", ["service", "method", "route"]
)

# Kombu's Redis transport keeps a queue's messages of priority 3, 6, 9 in lists beside its own.
_PRIORITY_LISTS = ("", "\x06\x163", "\x06\x166", "\x06\x169")

# More gauges of one service (e.g. notifications' deliveries), from a session in its schema.
GaugeSource = Callable[[Session], Iterable["Metric"]]


def queue_depth(client: "redis.Redis", queue: str) -> int:
    """Messages waiting in a Celery queue on Redis (all priorities)."""
    pipe = client.pipeline()
    for suffix in _PRIORITY_LISTS:
        pipe.llen(queue + suffix)
    return sum(int(n) for n in pipe.execute())


class BackboneGauges(Collector):
    """The event backbone of one service, as its API sees it at scrape time."""

    def __init__(self, runtime: "ServiceRuntime", extra: Iterable[GaugeSource] = ()) -> None:
        self.runtime = runtime
        self.extra = list(extra)

    def collect(self) -> Iterator["Metric"]:
        try:
            with self.runtime.transaction() as session:
                yield from self._database(session)
                for source in self.extra:
                    yield from source(session)
        except Exception as exc:  # a scrape never fails for the database; the gauges are missing
            log.warning("metrics.database_unavailable", error=repr(exc))
        yield from self._broker()

    def _database(self, session: Session) -> Iterator["Metric"]:
        name = self.runtime.name
        tables = self.runtime.tables
        outbox = tables.outbox
        count, oldest = session.execute(
            select(func.count(), func.extract("epoch", func.now() - func.min(outbox.c.created_at))).where(
                outbox.c.published_at.is_(None)
            )
        ).one()
        yield _gauge(
            "gridsafe_outbox_unpublished_events",
            "Events in the outbox the relay has not yet sent to Redis",
            {("service",): [((name,), count)]},
        )
        yield _gauge(
            "gridsafe_outbox_oldest_unpublished_seconds",
            "Age of the oldest event the relay has not sent (0: none waiting)",
            {("service",): [((name,), float(oldest or 0))]},
        )
        dead = session.scalar(select(func.count()).where(tables.dead_letter.c.replayed_at.is_(None)))
        yield _gauge(
            "gridsafe_dead_letters",
            "Events a consumer gave up on and nobody has replayed yet",
            {("service",): [((name,), dead or 0)]},
        )
        cursors = session.execute(
            select(
                tables.cursor.c.publisher,
                func.extract("epoch", func.now() - tables.cursor.c.caught_up_at),
                tables.cursor.c.recovered,
                tables.cursor.c.last_error.is_not(None),
            )
        ).all()
        yield _gauge(
            "gridsafe_consumer_feed_lag_seconds",
            "Seconds since this consumer last had every event of a publisher's feed applied",
            {
                ("consumer", "publisher"): [
                    ((name, publisher), float(lag)) for publisher, lag, _, _ in cursors if lag is not None
                ]
            },
        )
        yield _gauge(
            "gridsafe_consumer_feed_failing",
            "1 if the last reconciler run for a publisher's feed failed (unreachable or an event failing)",
            {
                ("consumer", "publisher"): [
                    ((name, publisher), int(failing)) for publisher, _, _, failing in cursors
                ]
            },
        )
        recovered = CounterMetricFamily(
            "gridsafe_reconciler_recovered_events",
            "Events the reconciler applied from a feed because the fast path (Redis) had not",
            labels=["consumer", "publisher"],
        )
        for publisher, _, count_recovered, _ in cursors:
            recovered.add_metric([name, publisher], count_recovered)
        yield recovered

    def _broker(self) -> Iterator["Metric"]:
        name = self.runtime.name
        try:
            client = redis.Redis.from_url(
                self.runtime.settings.redis_url, socket_connect_timeout=1, socket_timeout=2
            )
            depth = queue_depth(client, name)
            unacked = int(client.hlen("unacked"))
        except redis.RedisError as exc:
            log.warning("metrics.redis_unavailable", error=repr(exc))
            return
        yield _gauge(
            "gridsafe_queue_depth",
            "Messages waiting in a Celery queue (the service's own), each of one or more events",
            {("queue",): [((name,), depth)]},
        )
        yield _gauge(
            "gridsafe_broker_unacked_messages",
            "Messages handed to workers and not yet acknowledged, all queues",
            {(): [((), unacked)]},
        )


def _gauge(name: str, documentation: str, series: dict[tuple[str, ...], list]) -> GaugeMetricFamily:
    ((labels, values),) = series.items()
    gauge = GaugeMetricFamily(name, documentation, labels=list(labels))
    for label_values, value in values:
        gauge.add_metric(list(label_values), value)
    return gauge


def backbone_registry(runtime: "ServiceRuntime", extra: Iterable[GaugeSource] = ()) -> CollectorRegistry:
    """A registry of one service's backbone gauges (served beside the process-wide metrics)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(BackboneGauges(runtime, extra))
    return registry
