"""A minimal consumer service ("probe") for exercising the shared event machinery itself.

Its handler's behaviour is chosen by the event: fail transiently N times, always fail, or pause
(so a test can kill the worker mid-task). Every delivery attempt is recorded outside the
handler's transaction; the effect is a plain INSERT, so a second effect would show as a second row.
"""

import sys
import time

import redis
from sqlalchemy import BigInteger, Column, DateTime, Identity, Table, func, select
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Session

from shared.events.contracts import EventContract
from shared.events.envelope import CloudEvent
from shared.events.handlers import handles
from shared.runtime import ServiceRuntime
from shared.worker import create_worker

runtime = ServiceRuntime("probe")
effect = Table(
    "effect",
    runtime.metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("event_id", UUID(as_uuid=True), nullable=False),
)
attempt = Table(
    "attempt",
    runtime.metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp()),
)


class ProbePingedV1(EventContract):
    event_type = "probe.pinged"
    event_version = 1

    fail_times: int = 0
    always_fail: bool = False
    pause_seconds: float = 0


def started_key(event_id: object) -> str:
    return f"probe:started:{event_id}"


@handles(ProbePingedV1)
def on_ping(session: Session, data: ProbePingedV1, event: CloudEvent) -> None:
    with runtime.engine.begin() as conn:  # committed whatever becomes of this delivery
        conn.execute(attempt.insert().values(event_id=event.id))
        attempts = conn.scalar(select(func.count()).where(attempt.c.event_id == event.id))
    if data.pause_seconds:
        redis.Redis.from_url(runtime.settings.redis_url).incr(started_key(event.id))
        time.sleep(data.pause_seconds)
    if data.always_fail:
        raise ValueError("probe: this event always fails")
    if attempts <= data.fail_times:
        raise ConnectionError(f"probe: transient failure {attempts} of {data.fail_times}")
    session.execute(effect.insert().values(event_id=event.id))


celery_app, consumer = create_worker(runtime, modules=[sys.modules[__name__]])


def send_unreadable_event(service: str) -> dict:
    """An `enterprise.registered` of a contract version no service knows, straight onto `service`'s
    queue: its consumer dead-letters it at once. The envelope sent."""
    import uuid

    from shared.events.consumer import handle_event_task_name

    envelope = CloudEvent(
        source="registry",
        type="enterprise.registered",
        dataschema="urn:gridsafe:event:enterprise.registered:v9",
        dataversion=9,
        data={"enterprise_id": str(uuid.uuid4())},
    ).model_dump(mode="json")
    celery_app.send_task(handle_event_task_name(service), args=[[envelope]], queue=service)
    return envelope
