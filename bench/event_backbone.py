"""Benchmark of the event backbone: outbox relay throughput and registered → consumed latency.

`python -m bench.event_backbone` (or `make bench`). Uses DATABASE_URL / REDIS_URL's servers
(default: the local ones) with a database of its own, `gridsafe_bench`, dropped afterwards.
Prints figures; asserts nothing.
"""

import argparse
import os
import time
import uuid

from bench.scratch import demo_grid_id, p50_p95, relay_and_worker, scratch_database


def _contract(serial: int):
    from shared.events.contracts.registry import EnterpriseRegisteredV1, ProductionStatus, UnitKind

    return EnterpriseRegisteredV1(
        enterprise_id=uuid.uuid4(),
        name=f"基准企业{serial}",
        credit_code=f"{serial:018d}",
        kind=UnitKind.enterprise,
        industry="化工",
        production_status=ProductionStatus.operating,
        key_supervision=False,
        grid_id=None,
        responsible_head=None,
        responsible_phone=None,
    )


def relay_throughput(events: int) -> None:
    import redis

    from services.registry.worker import celery_app, runtime
    from shared.events.relay import OutboxRelay

    for start in range(0, events, 1000):
        with runtime.transaction() as session:
            for serial in range(start, min(events, start + 1000)):
                runtime.publish(session, _contract(serial), subject=None)
    relay = OutboxRelay(runtime, celery_app)
    started = time.perf_counter()
    published = relay.drain()
    elapsed = time.perf_counter() - started
    messages = published * 3  # enterprise.registered has three subscribers
    print(f"outbox relay: {published} events in {elapsed:.2f} s = {published / elapsed:,.0f} events/s "
          f"({messages / elapsed:,.0f} queue messages/s, batch {runtime.settings.relay_batch_size})")  # fmt: skip
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


def registered_to_consumed_latency(rate: float, seconds: float) -> None:
    from sqlalchemy import text

    from services.registry.enterprise.schemas import EnterpriseCreate
    from services.registry.enterprise.service import register_enterprise
    from services.registry.runtime import runtime
    from tests.factories import credit_code

    grid_id = demo_grid_id()
    with relay_and_worker("registry", "reporting"):
        total = int(rate * seconds)
        interval = 1 / rate
        next_at = time.perf_counter()
        for serial in range(total):
            with runtime.transaction() as session:
                register_enterprise(
                    session,
                    EnterpriseCreate(
                        name=f"延迟{serial}", credit_code=credit_code(serial + 1), grid_id=grid_id
                    ),
                )
            next_at += interval
            time.sleep(max(0.0, next_at - time.perf_counter()))
        deadline = time.monotonic() + 60
        with runtime.engine.connect() as conn:
            while time.monotonic() < deadline:
                done = conn.execute(text("SELECT count(*) FROM reporting.reporting_unit")).scalar()
                if done >= total:
                    break
                time.sleep(0.2)
            latencies = (
                conn.execute(
                    text(
                        "SELECT extract(epoch FROM p.processed_at - o.created_at) * 1000 FROM registry.outbox o "
                        "JOIN reporting.processed_event p ON p.event_id = o.event_id "
                        "WHERE o.event_type = 'enterprise.registered'"
                    )
                )
                .scalars()
                .all()
            )
    p50, p95 = p50_p95([float(v) for v in latencies if v is not None])
    print(f"enterprise registered -> consumed by reporting at {rate:.0f}/s for {seconds:.0f} s: "
          f"{len(latencies)}/{total} consumed, p50 {p50:.1f} ms, p95 {p95:.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="Event backbone benchmark")
    parser.add_argument("--events", type=int, default=20_000, help="events for the relay throughput run")
    parser.add_argument("--rate", type=float, default=50, help="registrations per second in the latency run")
    parser.add_argument("--seconds", type=float, default=10, help="length of the latency run")
    args = parser.parse_args()
    with scratch_database():
        relay_throughput(args.events)
        registered_to_consumed_latency(args.rate, args.seconds)


if __name__ == "__main__":
    main()
