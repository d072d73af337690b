"""Deliveries on /metrics: how many wait to be sent and how many were given up (per channel)."""

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.notifications.delivery.models import Delivery, DeliveryStatus
from shared.events.contracts.notifications import Channel

WATCHED = (DeliveryStatus.pending, DeliveryStatus.dead)


def delivery_gauges(session: Session) -> Iterator[Metric]:
    rows = session.execute(
        select(
            Delivery.channel,
            Delivery.status,
            func.count(),
            func.extract("epoch", func.now() - func.min(Delivery.created_at)),
        )
        .where(Delivery.status.in_(WATCHED))
        .group_by(Delivery.channel, Delivery.status)
    ).all()
    found = {(channel, status): (count, age) for channel, status, count, age in rows}
    counts = GaugeMetricFamily(
        "gridsafe_deliveries",
        "Deliveries waiting to be sent (pending, retries included) or given up (dead), per channel",
        labels=["channel", "status"],
    )
    oldest = GaugeMetricFamily(
        "gridsafe_delivery_oldest_pending_seconds",
        "Age of the oldest pending delivery per channel (0: none)",
        labels=["channel"],
    )
    for channel in Channel:
        for status in WATCHED:
            counts.add_metric([channel, status], found.get((channel, status), (0, None))[0])
        oldest.add_metric([channel], float(found.get((channel, DeliveryStatus.pending), (0, 0))[1] or 0))
    yield counts
    yield oldest
